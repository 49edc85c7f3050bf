import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from staff.roles import Role
from tickets.contracts import services
from tickets.contracts.models import Renewal, RenewalStatus, SalesTarget
from tickets.models import ServiceContract
from tickets.sla.models import ContractReminder
from tickets.sla.tests.factories import ContractReminderFactory

from .factories import NOW, PRICE, contract_with_installations, local, manager, renewal_at, specialist

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


# --- Permissions per role ---------------------------------------------------------------------------------

READ_PAGES = ["contracts:list", "contracts:renewals"]
MANAGER_PAGES = ["contracts:overdue", "contracts:targets"]


@pytest.mark.parametrize(
    "role", [Role.SERVICE_MANAGER, Role.ADMIN, Role.CALLBACK_SPECIALIST, Role.AGENT, Role.DUTY_MANAGER]
)
def test_viewers_see_contracts_and_renewals(client, make_user, role):
    renewal = renewal_at(RenewalStatus.SIGNED)
    login(client, make_user(role))
    for name in READ_PAGES:
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("contracts:detail", args=[renewal.contract_id])).status_code == 200
    assert client.get(renewal.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.HR])
def test_engineers_and_hr_get_403_everywhere(client, make_user, role):
    renewal = renewal_at(RenewalStatus.SIGNED)
    login(client, make_user(role))
    for name in READ_PAGES + MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("contracts:detail", args=[renewal.contract_id])).status_code == 403
    assert client.get(renewal.get_absolute_url()).status_code == 403
    assert client.get(reverse("contracts:renewal_offer", args=[renewal.contract_id])).status_code == 403
    response = client.post(
        reverse("contracts:renewal_pay", args=[renewal.pk]), {"paid_on": "2026-12-01", "amount": PRICE}
    )
    assert response.status_code == 403
    assert Renewal.objects.get(pk=renewal.pk).status == RenewalStatus.SIGNED


@pytest.mark.parametrize("role", [Role.AGENT, Role.DUTY_MANAGER])
def test_agents_only_view_no_actions(client, make_user, role):
    renewal = renewal_at(RenewalStatus.OFFERED)
    login(client, make_user(role))
    response = client.get(renewal.get_absolute_url())
    assert response.context["actions"] == set() and b"renewal_sign" not in response.content
    assert (
        client.post(reverse("contracts:renewal_sign", args=[renewal.pk]), {"signed_on": "2026-12-01"}).status_code
        == 403
    )
    assert client.get(reverse("contracts:renewal_offer", args=[renewal.contract_id])).status_code == 403
    for name in MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 403


def test_callback_specialist_offers_and_records_signing_but_not_payment(client):
    seller = specialist()
    contract = contract_with_installations()
    login(client, seller)
    response = client.post(
        reverse("contracts:renewal_offer", args=[contract.pk]),
        {"new_start": "2027-01-01", "new_end": "2027-12-31", "level": "standard", "price": "36000"},
    )
    renewal = Renewal.objects.get()
    assert response.status_code == 302 and response.url == renewal.get_absolute_url()
    client.post(reverse("contracts:renewal_sign", args=[renewal.pk]), {"signed_on": "2026-12-01"})
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.SIGNED and renewal.signed_recorded_by == seller
    assert client.get(renewal.get_absolute_url()).context["actions"] == set()
    assert (
        client.post(
            reverse("contracts:renewal_pay", args=[renewal.pk]), {"paid_on": "2026-12-01", "amount": "36000"}
        ).status_code
        == 403
    )
    for name in MANAGER_PAGES:
        assert client.get(reverse(name)).status_code == 403


# --- The flow through the pages ------------------------------------------------------------------------


def test_ct3_manager_walks_offer_sign_pay_and_the_contract_page_shows_the_new_period_and_serial(client):
    boss = manager()
    contract = contract_with_installations(number="SC-V1")
    installation = contract.installations.get()
    login(client, boss)
    page = client.get(reverse("contracts:renewal_offer", args=[contract.pk]))
    assert page.context["form"].initial["new_start"] == D(2027, 1, 1)
    assert page.context["form"].initial["new_end"] == D(2027, 12, 31)
    client.post(
        reverse("contracts:renewal_offer", args=[contract.pk]),
        {"new_start": "2027-01-01", "new_end": "2027-12-31", "level": "premium", "price": "48000.00",
         f"serial_{installation.pk}": "LIC-27-0001"},
    )  # fmt: skip
    renewal = Renewal.objects.get()
    client.post(reverse("contracts:renewal_sign", args=[renewal.pk]), {"signed_on": "2026-12-01"})
    response = client.post(
        reverse("contracts:renewal_pay", args=[renewal.pk]),
        {"paid_on": "2026-12-01", "amount": "48000.00", "apply": "on", f"serial_{installation.pk}": "LIC-27-0001"},
    )
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.APPLIED
    page = client.get(reverse("contracts:detail", args=[contract.pk]))
    content = page.content.decode()
    assert "2027-12-31" in content and "LIC-27-0001" in content and "Serial / licence number changed" in content


def test_ct3_refused_steps_show_the_message_on_the_page(client):
    boss = manager()
    renewal = renewal_at(RenewalStatus.SIGNED, actor=boss)
    login(client, boss)
    response = client.post(
        reverse("contracts:renewal_pay", args=[renewal.pk]),
        {"paid_on": "2026-12-01", "amount": "100.00", "apply": "on"},
    )
    assert response.status_code == 200
    assert "less than the renewal price" in str(response.context["payment_form"].errors["amount"])
    response = client.post(
        reverse("contracts:renewal_offer", args=[contract_with_installations().pk]),
        {"new_start": "2026-12-01", "new_end": "2027-11-30", "level": "standard", "price": "100"},
    )
    assert "on 2027-01-01 or later" in str(response.context["form"].errors["new_start"])


def test_ct3_offer_from_the_reminder_queue_marks_the_reminder_done(client):
    seller = specialist()
    contract = contract_with_installations()
    reminder = ContractReminderFactory(contract=contract, assignee=seller)
    login(client, seller)
    queue = client.get(reverse("sla:reminders"))
    offer_url = f"{reverse('contracts:renewal_offer', args=[contract.pk])}?reminder={reminder.pk}"
    assert offer_url in queue.content.decode()
    assert client.get(offer_url).context["reminder"] == reminder
    client.post(
        offer_url,
        {
            "new_start": "2027-01-01",
            "new_end": "2027-12-31",
            "level": "standard",
            "price": "1000",
            "reminder": reminder.pk,
        },
    )
    reminder.refresh_from_db()
    assert reminder.status == ContractReminder.Status.DONE and Renewal.objects.get().reminder == reminder


def test_ct3_decline_and_cancel_buttons(client):
    boss = manager()
    declined, cancelled = renewal_at(RenewalStatus.SIGNED, actor=boss), renewal_at(RenewalStatus.OFFERED, actor=boss)
    login(client, boss)
    client.post(reverse("contracts:renewal_decline", args=[declined.pk]), {"decline-reason": "预算取消"})
    client.post(reverse("contracts:renewal_cancel", args=[cancelled.pk]), {"cancel-reason": "报价有误"})
    assert Renewal.objects.get(pk=declined.pk).status == RenewalStatus.DECLINED
    assert ServiceContract.objects.get(pk=declined.contract_id).renewal_status == "lost"
    assert Renewal.objects.get(pk=cancelled.pk).status == RenewalStatus.CANCELLED
    response = client.post(reverse("contracts:renewal_cancel", args=[cancelled.pk]), {"cancel-reason": "again"})
    assert "cannot be changed" in str(response.context["cancel_form"].non_field_errors())


def test_an_open_renewal_is_reused_instead_of_a_second_offer(client):
    boss = manager()
    renewal = renewal_at(RenewalStatus.OFFERED, actor=boss)
    login(client, boss)
    response = client.get(reverse("contracts:renewal_offer", args=[renewal.contract_id]))
    assert response.status_code == 302 and response.url == renewal.get_absolute_url()


# --- Lists, filters, query counts -------------------------------------------------------------------------


def test_renewal_list_filters(client):
    boss = manager()
    overdue = renewal_at(RenewalStatus.SIGNED, actor=boss, now=local(2026, 11, 20, 10), signed_on=D(2026, 11, 20))
    fresh = renewal_at(
        RenewalStatus.SIGNED, actor=boss, contract=contract_with_installations(customer__name="北京华联商贸有限公司")
    )
    offered = renewal_at(RenewalStatus.OFFERED, actor=boss)
    login(client, boss)

    def listed(**params):
        return {r.pk for r in client.get(reverse("contracts:renewals"), params).context["page"].object_list}

    assert listed() == {overdue.pk, fresh.pk, offered.pk}
    assert listed(status="offered") == {offered.pk}
    assert listed(overdue="on") == {overdue.pk}
    assert listed(month="2026-11") == {overdue.pk}
    assert listed(q="华联") == {fresh.pk}
    assert listed(q=fresh.contract.number) == {fresh.pk}
    overdue_page = client.get(reverse("contracts:overdue"))
    (row,) = overdue_page.context["page"].object_list
    assert row == overdue and row.days_overdue == 8


@pytest.mark.parametrize("rows", [1, 6])
def test_renewal_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    boss = manager()
    for _ in range(rows):
        renewal_at(RenewalStatus.SIGNED, actor=boss)
    login(client, boss)
    # session, user, roles, unread badge, count, rows, month target, month sales
    with django_assert_num_queries(8):
        response = client.get(reverse("contracts:renewals"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_overdue_and_contract_lists_query_counts_do_not_grow(client, django_assert_num_queries, rows):
    boss = manager()
    for _ in range(rows):
        renewal_at(RenewalStatus.SIGNED, actor=boss, now=local(2026, 11, 20, 10), signed_on=D(2026, 11, 20))
    login(client, boss)
    # session, user, roles, unread badge, count, rows
    with django_assert_num_queries(6):
        assert len(client.get(reverse("contracts:overdue")).context["page"].object_list) == rows
    with django_assert_num_queries(6):
        assert len(client.get(reverse("contracts:list")).context["page"].object_list) == rows


@pytest.mark.parametrize("renewals", [1, 4])
def test_contract_page_query_count_does_not_grow_with_the_history(client, django_assert_num_queries, renewals):
    boss = manager()
    contract = contract_with_installations(installations=2)
    for _ in range(renewals):
        renewal_at(RenewalStatus.CANCELLED, contract=contract, actor=boss)
    login(client, boss)
    # session, user, roles, unread badge, contract, installations, renewals, serials, events
    with django_assert_num_queries(9):
        response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert len(response.context["renewals"]) == renewals


# --- CT-4 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 5])
def test_ct4_year_page_query_count_does_not_grow_and_shows_target_vs_actual(client, django_assert_num_queries, rows):
    boss = manager()
    for month in (3, 11):
        services.sales_target_set(month=D(2026, month, 1), amount=Decimal("100000"), count=rows, actor=boss, now=NOW)
    for _ in range(rows):
        renewal_at(RenewalStatus.APPLIED, actor=boss, now=local(2026, 3, 10, 10), price=Decimal("10000"))
    login(client, boss)
    # session, user, roles, unread badge, targets, grouped sales
    with django_assert_num_queries(6):
        response = client.get(reverse("contracts:targets_year", args=[2026]))
    march = response.context["sales"]["months"][2]
    assert march["actual"] == Decimal("10000") * rows and march["actual_count"] == rows
    assert march["percent"] == Decimal(10 * rows)
    assert response.context["sales"]["months"][10]["percent"] == Decimal("0.0")


def test_ct4_manager_edits_a_target_and_specialists_see_the_month_progress(client):
    boss = manager()
    login(client, boss)
    url = reverse("contracts:target_edit", args=[2026, 12])
    response = client.post(url, {"amount": "200000", "count": "5", "note": "年底冲刺"})
    assert response.status_code == 302 and response.url == reverse("contracts:targets_year", args=[2026])
    target = SalesTarget.objects.get()
    assert target.month == D(2026, 12, 1) and target.updated_by == boss
    client.post(url, {"amount": "250000", "count": "", "note": ""})
    assert SalesTarget.objects.get().amount == Decimal("250000") and target.history.count() == 2
    assert client.post(url, {"amount": "0"}).status_code == 200
    assert client.get(reverse("contracts:target_edit", args=[2026, 13])).status_code == 404

    renewal_at(RenewalStatus.SIGNED, actor=boss, price=Decimal("50000"))
    seller = specialist()
    login(client, seller)
    progress = client.get(reverse("contracts:renewals")).context["progress"]
    assert progress["percent"] == Decimal("20.0") and progress["actual"] == Decimal("50000")
    assert client.get(url).status_code == 403
    assert client.post(url, {"amount": "1"}).status_code == 403


def test_admin_pages_load(admin_client):
    renewal = renewal_at(RenewalStatus.APPLIED, serials=None)
    SalesTarget.objects.create(month=D(2026, 12, 1), amount=Decimal("1"))
    for url in (
        reverse("admin:contracts_renewal_changelist"),
        reverse("admin:contracts_renewal_change", args=[renewal.pk]),
        reverse("admin:contracts_renewal_history", args=[renewal.pk]),
        reverse("admin:contracts_contractevent_changelist"),
        reverse("admin:contracts_salestarget_changelist"),
        reverse("admin:contracts_salestarget_history", args=[SalesTarget.objects.get().pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_the_customer_page_links_to_the_contract_page_where_agents_cannot_offer(client, agent):
    contract = contract_with_installations(number="SC-LINK")
    login(client, agent)
    page = client.get(reverse("customers:detail", args=[contract.customer_id])).content.decode()
    assert reverse("contracts:detail", args=[contract.pk]) in page
    assert client.get(reverse("contracts:detail", args=[contract.pk])).context["can_offer"] is False
