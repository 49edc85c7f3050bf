import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from staff.roles import Role
from tickets.contracts import selectors, services
from tickets.contracts.models import ContractEvent, ContractEventKind, Renewal, RenewalStatus, SalesTarget
from tickets.models import Installation, ServiceContract
from tickets.models.customers import RenewalStatus as ContractRenewal
from tickets.sla import services as sla
from tickets.sla.models import ContractReminder
from tickets.sla.tests.factories import ContractReminderFactory

from .factories import NOW, PRICE, contract_with_installations, local, manager, renewal_at, specialist

pytestmark = pytest.mark.django_db
D = datetime.date


def kinds(contract):
    return list(ContractEvent.objects.filter(contract=contract).order_by("at", "pk").values_list("kind", flat=True))


def test_ct3_ct1_offer_sign_pay_extends_the_period_and_updates_the_serial_with_history():
    boss = manager()
    contract = contract_with_installations(installations=2, number="SC-R1")
    first, second = contract.installations.order_by("pk")
    renewal = services.renewal_offer(
        contract=contract, offered_by=boss, new_start=D(2027, 1, 1), new_end=D(2027, 12, 31), level="premium",
        price=PRICE, serials={first.pk: "LIC-2027-0001", second.pk: ""}, now=NOW,
    )  # fmt: skip
    assert renewal.status == RenewalStatus.OFFERED and renewal.offered_by == boss
    signed = services.renewal_sign(renewal=renewal, actor=boss, signed_on=D(2026, 12, 2), now=local(2026, 12, 2, 15))
    assert signed.status == RenewalStatus.SIGNED and signed.payment_due_on == D(2026, 12, 5)

    applied = services.renewal_payment_record(
        renewal=signed, actor=boss, paid_on=D(2026, 12, 4), amount=PRICE, now=local(2026, 12, 4, 11)
    )
    assert applied.status == RenewalStatus.APPLIED and applied.applied_at == local(2026, 12, 4, 11)
    assert (applied.previous_start, applied.previous_end) == (D(2026, 1, 1), D(2026, 12, 31))
    contract.refresh_from_db()
    # CT-3: contiguous renewal moves the end, keeps the start; stays open so CT-2 reminders run again.
    assert (contract.start_date, contract.end_date) == (D(2026, 1, 1), D(2027, 12, 31))
    assert contract.level == "premium" and contract.renewal_status == ContractRenewal.OPEN
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.serial_number == "LIC-2027-0001" and second.serial_number == "SC-R1-SN1"
    assert [h.serial_number for h in first.history.order_by("history_date")] == ["SC-R1-SN0", "LIC-2027-0001"]
    assert contract.history.latest().end_date == D(2027, 12, 31)
    (row,) = applied.serials.all()
    assert (row.old_serial_number, row.new_serial_number) == ("SC-R1-SN0", "LIC-2027-0001")
    assert kinds(contract) == [
        ContractEventKind.RENEWAL_OFFERED,
        ContractEventKind.RENEWAL_SIGNED,
        ContractEventKind.PAYMENT_RECEIVED,
        ContractEventKind.PERIOD_EXTENDED,
        ContractEventKind.SERIAL_CHANGED,
    ]
    serial_event = ContractEvent.objects.get(kind=ContractEventKind.SERIAL_CHANGED)
    assert serial_event.data == {"installation": first.pk, "old": "SC-R1-SN0", "new": "LIC-2027-0001"}
    assert serial_event.actor == boss


def test_ct3_payment_without_applying_waits_as_paid_then_applies_with_the_new_licence():
    boss = manager()
    renewal = renewal_at(RenewalStatus.PAID, actor=boss)
    assert renewal.status == RenewalStatus.PAID and renewal.applied_at is None
    contract = ServiceContract.objects.get(pk=renewal.contract_id)
    assert contract.end_date == D(2026, 12, 31)
    installation = contract.installations.get()
    services.renewal_apply(renewal=renewal, actor=boss, serials={installation.pk: "LIC-NEW"}, now=NOW)
    installation.refresh_from_db()
    contract.refresh_from_db()
    assert installation.serial_number == "LIC-NEW" and contract.end_date == D(2027, 12, 31)


def test_ct1_ct3_after_a_lapse_the_period_restarts_at_the_new_start():
    boss = manager()
    contract = contract_with_installations(end_date=D(2026, 10, 31))
    renewal = services.renewal_offer(
        contract=contract, offered_by=boss, new_start=D(2026, 12, 1), new_end=D(2027, 11, 30), level="standard",
        price=PRICE, now=NOW,
    )  # fmt: skip
    renewal = services.renewal_sign(renewal=renewal, actor=boss, signed_on=D(2026, 12, 1), now=NOW)
    services.renewal_payment_record(renewal=renewal, actor=boss, paid_on=D(2026, 12, 1), amount=PRICE, now=NOW)
    contract.refresh_from_db()
    assert (contract.start_date, contract.end_date) == (D(2026, 12, 1), D(2027, 11, 30))
    assert not contract.is_active_on(D(2026, 11, 15))


def test_ct3_new_period_must_start_after_the_current_end():
    contract = contract_with_installations()
    with pytest.raises(ValidationError) as exc:
        services.renewal_offer(
            contract=contract, offered_by=manager(), new_start=D(2026, 12, 15), new_end=D(2027, 12, 14),
            level="standard", price=PRICE, now=NOW,
        )  # fmt: skip
    assert "2027-01-01" in exc.value.message_dict["new_start"][0]
    assert not Renewal.objects.exists()


def test_ct3_one_open_renewal_per_contract_by_the_service_and_by_the_database():
    renewal = renewal_at(RenewalStatus.SIGNED)
    with pytest.raises(ValidationError, match="already has an open renewal"):
        renewal_at(RenewalStatus.OFFERED, contract=renewal.contract)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renewal.objects.create(
            contract=renewal.contract, new_start=D(2028, 1, 1), new_end=D(2028, 12, 31), level="basic",
            price=PRICE, offered_at=NOW,
        )  # fmt: skip
    # Once the first is finished, a new offer is fine.
    services.renewal_cancel(renewal=renewal, actor=manager(), reason="价格报错", now=NOW)
    assert renewal_at(RenewalStatus.OFFERED, contract=renewal.contract).status == RenewalStatus.OFFERED


@pytest.mark.parametrize("price", [Decimal("0"), Decimal("-5")])
def test_ct3_price_must_be_positive(price):
    with pytest.raises(ValidationError) as exc:
        renewal_at(RenewalStatus.OFFERED, price=price)
    assert "more than zero" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renewal.objects.create(
            contract=contract_with_installations(), new_start=D(2027, 1, 1), new_end=D(2027, 12, 31),
            level="basic", price=price, offered_at=NOW,
        )  # fmt: skip


def test_ct3_a_signed_renewal_without_a_due_date_is_refused_by_the_database():
    renewal = renewal_at(RenewalStatus.OFFERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Renewal.objects.filter(pk=renewal.pk).update(status=RenewalStatus.SIGNED)


def test_ct3_partial_payment_and_future_dates_are_refused():
    renewal = renewal_at(RenewalStatus.SIGNED)
    with pytest.raises(ValidationError) as exc:
        services.renewal_payment_record(
            renewal=renewal, actor=manager(), paid_on=D(2026, 12, 1), amount=PRICE - 1, now=NOW
        )
    assert "less than the renewal price" in exc.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as exc:
        services.renewal_sign(
            renewal=renewal_at(RenewalStatus.OFFERED), actor=manager(), signed_on=D(2026, 12, 2), now=NOW
        )
    assert "future" in exc.value.message_dict["signed_on"][0]


def test_ct1_a_serial_number_of_another_installation_is_refused():
    other = contract_with_installations(number="SC-OTHER")
    contract = contract_with_installations()
    installation = contract.installations.get()
    with pytest.raises(ValidationError) as exc:
        renewal_at(
            RenewalStatus.OFFERED, contract=contract, serials={installation.pk: other.installations.get().serial_number}
        )
    assert "belongs to another installation" in str(exc.value)
    with pytest.raises(ValidationError, match="not covered"):
        renewal_at(RenewalStatus.OFFERED, contract=contract, serials={other.installations.get().pk: "X-1"})


def test_ct1_a_serial_taken_meanwhile_stops_the_extension():
    contract = contract_with_installations()
    installation = contract.installations.get()
    renewal = renewal_at(RenewalStatus.PAID, contract=contract, serials={installation.pk: "LIC-TAKEN"})
    Installation.objects.filter(pk=contract_with_installations().installations.get().pk).update(
        serial_number="LIC-TAKEN"
    )
    with pytest.raises(ValidationError, match="belongs to another installation"):
        services.renewal_apply(renewal=renewal, actor=manager(), now=NOW)
    contract.refresh_from_db()
    assert contract.end_date == D(2026, 12, 31)


def test_ct3_apply_is_refused_when_the_period_changed_since_the_offer():
    renewal = renewal_at(RenewalStatus.PAID)
    ServiceContract.objects.filter(pk=renewal.contract_id).update(end_date=D(2027, 6, 30))
    with pytest.raises(ValidationError, match="has changed since the offer"):
        services.renewal_apply(renewal=renewal, actor=manager(), now=NOW)


def test_ct3_callback_specialists_offer_and_record_signing_but_not_payment():
    seller = specialist()
    renewal = renewal_at(RenewalStatus.SIGNED, actor=seller)
    assert renewal.signed_recorded_by == seller
    with pytest.raises(ValidationError, match="Only a service manager"):
        services.renewal_payment_record(renewal=renewal, actor=seller, paid_on=D(2026, 12, 1), amount=PRICE, now=NOW)
    with pytest.raises(ValidationError, match="Only a service manager"):
        services.renewal_decline(renewal=renewal, actor=seller, reason="no", now=NOW)


def test_ct3_agents_cannot_offer(make_user):
    with pytest.raises(ValidationError):
        renewal_at(RenewalStatus.OFFERED, actor=make_user(Role.AGENT))


def test_ct2_ct3_decline_marks_the_contract_lost_through_its_open_reminder():
    contract = contract_with_installations()
    reminder = ContractReminderFactory(contract=contract)
    older = ContractReminderFactory(contract=contract, days_before=14)
    renewal = renewal_at(RenewalStatus.SIGNED, contract=contract)
    services.renewal_decline(renewal=renewal, actor=manager(), reason="改用其他服务商", now=NOW)
    contract.refresh_from_db()
    renewal.refresh_from_db()
    assert contract.renewal_status == ContractRenewal.LOST
    assert renewal.status == RenewalStatus.DECLINED and renewal.close_reason == "改用其他服务商"
    assert set(ContractReminder.objects.values_list("status", flat=True)) == {ContractReminder.Status.LOST}
    assert {reminder.pk, older.pk} == set(ContractReminder.objects.values_list("pk", flat=True))
    assert kinds(contract)[-1] == ContractEventKind.RENEWAL_DECLINED


def test_ct3_decline_without_a_reminder_marks_the_contract_lost_too():
    renewal = renewal_at(RenewalStatus.DECLINED)
    assert renewal.contract.renewal_status == ContractRenewal.LOST
    with pytest.raises(ValidationError, match="Say why"):
        services.renewal_decline(renewal=renewal_at(RenewalStatus.OFFERED), actor=manager(), reason=" ", now=NOW)


def test_ct3_cancelling_an_offer_leaves_the_contract_as_it_was():
    renewal = renewal_at(RenewalStatus.CANCELLED)
    contract = ServiceContract.objects.get(pk=renewal.contract_id)
    assert renewal.status == RenewalStatus.CANCELLED
    assert contract.end_date == D(2026, 12, 31) and contract.renewal_status == ContractRenewal.OPEN
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.renewal_sign(renewal=renewal, actor=manager(), signed_on=D(2026, 12, 1), now=NOW)


def test_ct2_ct3_offer_from_an_open_reminder_marks_it_done():
    seller = specialist()
    contract = contract_with_installations()
    reminder = ContractReminderFactory(contract=contract, assignee=seller)
    renewal = services.renewal_offer(
        contract=contract, offered_by=seller, new_start=D(2027, 1, 1), new_end=D(2027, 12, 31), level="standard",
        price=PRICE, reminder=reminder, now=NOW,
    )  # fmt: skip
    reminder.refresh_from_db()
    assert renewal.reminder == reminder
    assert reminder.status == ContractReminder.Status.DONE and reminder.closed_by == seller
    assert "2027-12-31" in reminder.note
    with pytest.raises(ValidationError, match="closed or belongs"):
        services.renewal_offer(
            contract=contract_with_installations(), offered_by=seller, new_start=D(2027, 1, 1),
            new_end=D(2027, 12, 31), level="standard", price=PRICE, reminder=reminder, now=NOW,
        )  # fmt: skip


def test_ct2_ct3_after_a_renewal_the_next_period_gets_its_own_reminder_at_the_right_time(
    django_capture_on_commit_callbacks,
):
    """The renewal flow and the SLA reminders together: the old period's reminder is closed as
    renewed when the renewal is applied, nothing is due for a year, then the 30-day reminder of the
    new period comes on 1 December 2027."""
    specialist()
    contract = contract_with_installations()
    with django_capture_on_commit_callbacks():
        (old,) = sla.contract_reminders_create(now=local(2026, 12, 1, 8))
    renewal_at(RenewalStatus.APPLIED, contract=contract, signed_on=D(2026, 12, 2), now=local(2026, 12, 2, 9))
    old.refresh_from_db()
    assert old.status == ContractReminder.Status.RENEWED and old.closed_at is not None
    contract.refresh_from_db()
    assert contract.end_date == D(2027, 12, 31) and contract.renewal_status == ContractRenewal.OPEN
    with django_capture_on_commit_callbacks():
        assert sla.contract_reminders_create(now=local(2026, 12, 17, 8)) == []
        assert sla.contract_reminders_create(now=local(2027, 11, 30, 8)) == []
        (new,) = sla.contract_reminders_create(now=local(2027, 12, 1, 8))
    assert (new.period_end, new.days_before, new.due_on) == (D(2027, 12, 31), 30, D(2027, 12, 1))
    assert new.is_open


def test_ct4_target_set_by_a_manager_once_per_month_with_history():
    boss = manager()
    target = services.sales_target_set(month=D(2026, 12, 17), amount=Decimal("120000"), count=4, actor=boss, now=NOW)
    assert target.month == D(2026, 12, 1)
    services.sales_target_set(month=D(2026, 12, 1), amount=Decimal("150000"), actor=boss, now=NOW)
    target = SalesTarget.objects.get()
    assert target.amount == Decimal("150000") and target.count is None and target.history.count() == 2
    with pytest.raises(ValidationError):
        services.sales_target_set(month=D(2026, 11, 1), amount=Decimal("0"), actor=boss, now=NOW)
    with pytest.raises(ValidationError, match="Only a service manager"):
        services.sales_target_set(month=D(2026, 11, 1), amount=Decimal("1"), actor=specialist(), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesTarget.objects.create(month=D(2026, 10, 2), amount=Decimal("1"))


def test_ct4_actual_is_the_sum_of_valid_renewals_signed_in_the_month():
    boss = manager()
    march = local(2026, 3, 10, 10)
    renewal_at(RenewalStatus.SIGNED, actor=boss, now=march, price=Decimal("10000"))
    renewal_at(RenewalStatus.APPLIED, actor=boss, now=march, price=Decimal("20000"))
    renewal_at(RenewalStatus.DECLINED, actor=boss, now=march, price=Decimal("40000"))
    renewal_at(RenewalStatus.OFFERED, actor=boss, now=march, price=Decimal("80000"))
    renewal_at(RenewalStatus.SIGNED, actor=boss, now=local(2026, 4, 1, 10), price=Decimal("5000"))
    services.sales_target_set(month=D(2026, 3, 1), amount=Decimal("60000"), count=3, actor=boss, now=march)
    year = selectors.sales_year(year=2026)
    march_row, april_row = year["months"][2], year["months"][3]
    assert (march_row["actual"], march_row["actual_count"], march_row["percent"]) == (
        Decimal("30000"),
        2,
        Decimal("50.0"),
    )
    assert (april_row["actual"], april_row["target"], april_row["percent"]) == (Decimal("5000"), None, None)
    assert year["total_actual"] == Decimal("35000") and year["total_target"] == Decimal("60000")
    assert selectors.sales_month(day=D(2026, 3, 31))["actual"] == Decimal("30000")
