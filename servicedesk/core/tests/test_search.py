"""The global search (issue 17): scoping by role, the exact-number jump, bad input, query count."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hotline.tests.factories import CallLogFactory
from onsite.models import ServiceOrder
from staff.roles import Role
from tickets.care.models import Callback
from tickets.care.tests.factories import template as survey_template
from tickets.tests.factories import ContactFactory, CustomerFactory, InstallationFactory, TicketFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


def _search(client, text, **extra):
    return client.get(SEARCH, {"q": text, **extra})


def _groups(response) -> dict[str, list[str]]:
    """Group key -> the titles shown."""
    return {group.key: [hit.title for hit in group.hits] for group in response.context["groups"]}


def _order(ticket, *, engineer=None) -> ServiceOrder:
    """A row for read-side tests; the visit flow itself is tested in onsite."""
    return ServiceOrder.objects.create(
        ticket=ticket, problem="打印机卡纸", site_address="北京市海淀区", requested_by=ticket.created_by, engineer=engineer
    )


def _callback(ticket) -> Callback:
    return Callback.objects.create(
        source="ticket", channel="hotline", ticket=ticket, customer=ticket.customer, contact=ticket.contact,
        template=survey_template(), arrived_at=timezone.now(), due_date=timezone.localdate(),
    )  # fmt: skip


def test_login_is_required(client):
    response = _search(client, "printer")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_an_exact_ticket_number_goes_straight_to_the_ticket(client, agent):
    ticket = TicketFactory(number="SD-2026-000042")
    client.force_login(agent)
    for typed in ("SD-2026-000042", " sd-2026-000042 "):
        response = _search(client, typed)
        assert response.status_code == 302
        assert response["Location"] == ticket.get_absolute_url()


def test_an_engineer_does_not_jump_to_or_find_tickets_they_cannot_see(client, engineer):
    mine = TicketFactory(subject="Drucker streikt (mine)", assignee=engineer)
    other = TicketFactory(subject="Drucker streikt (other)")
    client.force_login(engineer)
    response = _search(client, other.number)
    assert response.status_code == 200  # no redirect to a ticket they would get a 404 on
    assert response.context["groups"] == []
    assert _groups(_search(client, "Drucker streikt")) == {"tickets": [f"{mine.number} · {mine.subject}"]}


def test_an_engineer_finds_their_own_order_but_not_another_engineers(client, engineer, make_user):
    someone_else = make_user(Role.ENGINEER)
    mine = _order(TicketFactory(assignee=engineer), engineer=engineer)
    theirs = _order(TicketFactory(assignee=someone_else), engineer=someone_else)
    client.force_login(engineer)
    response = _search(client, theirs.code)
    assert response.status_code == 200
    assert "orders" not in _groups(response)
    response = _search(client, mine.code.lower())
    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()
    # By the customer's name: their own order only (and no customer group, see below).
    response = _search(client, theirs.ticket.customer.name)
    assert "orders" not in _groups(response)
    assert "customers" not in _groups(response)


def test_the_desk_finds_any_order_by_its_code_or_the_customer(client, agent):
    ticket = TicketFactory()
    order = _order(ticket, engineer=None)
    client.force_login(agent)
    assert _groups(_search(client, ticket.customer.name))["orders"] == [f"{order.code} · {ticket.number}"]
    assert _search(client, order.code)["Location"] == order.get_absolute_url()


def test_roles_without_customer_access_get_no_customer_group(client, make_user):
    CustomerFactory(name="北京远航科技有限公司")
    client.force_login(make_user(Role.ENGINEER))
    assert _search(client, "远航").context["groups"] == []
    client.force_login(make_user(Role.HR))
    response = _search(client, "远航")
    assert response.status_code == 200
    assert response.context["kinds"] == [] and response.context["groups"] == []
    assert "Your role has nothing to search here" in response.content.decode()


def test_the_desk_finds_customers_by_name_and_phone_installations_by_serial_and_calls(client, agent):
    customer = CustomerFactory(name="上海明达贸易有限公司", phone="021-6123 4567")
    InstallationFactory(customer=customer, serial_number="PRN-77A-0042")
    CallLogFactory(organisation="上海明达贸易有限公司", problem="发票打印机卡纸")
    client.force_login(agent)
    groups = _groups(_search(client, "明达"))
    assert groups["customers"] == ["上海明达贸易有限公司"]
    assert groups["calls"] == ["上海明达贸易有限公司"]
    assert _groups(_search(client, "(021) 6123-4567"))["customers"] == ["上海明达贸易有限公司"]
    assert _groups(_search(client, "77a-00"))["installations"] == ["PRN-77A-0042"]


def test_only_the_kinds_the_role_opens_are_searched(client, make_user):
    ticket = TicketFactory(subject="Scanner offline")
    CallLogFactory(organisation="Scanner offline Ltd")
    _callback(ticket)
    client.force_login(make_user(Role.CALLBACK_SPECIALIST))
    response = _search(client, "Scanner offline")
    keys = [kind.key for kind in response.context["kinds"]]
    assert "calls" not in keys  # the call records are for the hotline and its managers
    assert set(_groups(response)) == {"tickets"}
    assert _groups(_search(client, ticket.customer.name)).keys() == {"tickets", "customers", "callbacks"}


def test_empty_query_and_no_results_say_so(client, agent):
    client.force_login(agent)
    response = _search(client, "")
    assert response.status_code == 200
    assert "Type in the search box" in response.content.decode()
    response = _search(client, "nothing-like-this")
    assert response.status_code == 200
    assert "Nothing matches" in response.content.decode()


@pytest.mark.parametrize(
    "text,status",
    [
        ("x" * 101, 400),
        ("printer\x00", 400),
        ("100% _done_ \\ ' \" <script>alert(1)</script>", 200),
        ("SO-999999999", 200),
        ("SD-2026-999999999", 200),
        ("+86 (10) 6000-0000", 200),
        ("😀 ✓ ﷽", 200),
    ],
)
def test_bad_input_is_never_a_server_error(client, agent, text, status):
    client.force_login(agent)
    response = _search(client, text)
    assert response.status_code == status
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize("rows", [2, 15])
def test_query_count_does_not_grow_with_the_matches(client, make_user, django_assert_num_queries, rows):
    """One query per kind whatever the number of matches: session, user, roles, unread badge; the
    ticket search's customer ids and the tickets; customers, installations, calls, orders, callbacks."""
    for n in range(rows):
        customer = CustomerFactory(name=f"Acme {n} GmbH")
        contact = ContactFactory(customer=customer)
        ticket = TicketFactory(customer=customer, contact=contact, subject=f"Acme printer {n}")
        InstallationFactory(customer=customer, serial_number=f"ACME-{n:04d}")
        CallLogFactory(organisation=f"Acme {n} GmbH", started_at=timezone.now() - datetime.timedelta(minutes=n))
        _order(ticket)
        _callback(ticket)
    client.force_login(make_user(Role.ADMIN))
    with django_assert_num_queries(11):
        response = _search(client, "acme")
    groups = {group.key: group for group in response.context["groups"]}
    assert list(groups) == ["tickets", "customers", "installations", "calls", "orders", "callbacks"]
    assert all(len(group.hits) == min(rows, 10) for group in groups.values())
    if rows > 10:
        assert groups["tickets"].more_url == reverse("tickets:list") + "?q=acme"
        assert groups["callbacks"].more_url == reverse("care:queue") + "?search=acme"
        assert groups["installations"].truncated and not groups["installations"].more_url  # no list page
    else:
        assert not any(group.more_url for group in groups.values())
