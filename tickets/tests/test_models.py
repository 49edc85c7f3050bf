"""Database constraints hold even when code bypasses form validation."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tickets.models import Contact, ServiceContract, Ticket
from tickets.models.tickets import Status

from .factories import (
    ContactFactory,
    CustomerFactory,
    InstallationFactory,
    ServiceContractFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_ticket_number_is_unique():
    ticket = TicketFactory()
    _violates(lambda: TicketFactory(number=ticket.number))


def test_installation_serial_number_is_unique_ct1():
    installation = InstallationFactory()
    _violates(lambda: InstallationFactory(serial_number=installation.serial_number))


def test_customer_full_name_is_unique():
    customer = CustomerFactory()
    _violates(lambda: CustomerFactory(name=customer.name))


def test_contract_period_cannot_end_before_it_starts():
    _violates(
        lambda: ServiceContractFactory(start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 30))
    )


def test_ticket_status_must_be_a_known_status():
    ticket = TicketFactory()
    _violates(lambda: Ticket.objects.filter(pk=ticket.pk).update(status="lost"))


def test_resolved_ticket_needs_a_resolution_and_a_time():
    ticket = TicketFactory()
    _violates(lambda: Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED))


def test_closed_ticket_needs_closed_at():
    ticket = TicketFactory(resolution="fixed", resolved_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    _violates(lambda: Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED))


def test_contact_must_be_reachable_somehow():
    customer = CustomerFactory()
    _violates(lambda: Contact.objects.create(customer=customer, name="Nobody", phone="", mobile="", email=""))


def test_contact_phone_numbers_are_normalised_for_lookup():
    contact = ContactFactory(phone="+86 (010) 6552-9988", mobile="138-0013-8000")
    assert contact.phone_normalized == "01065529988"
    assert contact.mobile_normalized == "13800138000"


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (datetime.date(2025, 12, 31), False),
        (datetime.date(2026, 1, 1), True),
        (datetime.date(2026, 12, 31), True),
        (datetime.date(2027, 1, 1), False),
    ],
)
def test_ct1_contract_is_active_on_both_ends_of_its_period(day, active):
    contract = ServiceContract(start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    assert contract.is_active_on(day) is active


def test_gn4_every_change_to_a_customer_is_kept_in_history():
    customer = CustomerFactory(address="Old street 1")
    customer.address = "New road 2"
    customer.save()
    assert [h.address for h in customer.history.order_by("history_date")] == ["Old street 1", "New road 2"]
