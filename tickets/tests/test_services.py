import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.models.tickets import Channel, EventKind, Priority, Status, TicketType
from tickets.policies import TRANSITIONS, TransitionNotAllowed

from .factories import ContactFactory, CustomerFactory, InstallationFactory, ServiceContractFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def customer():
    return CustomerFactory()


def open_ticket(customer, user, **kwargs):
    defaults = dict(
        customer=customer,
        subject="Invoice printer stops",
        description="Stops after the first page.",
        created_by=user,
    )
    defaults.update(kwargs)
    return services.ticket_create(**defaults)


def test_gn1_every_channel_gets_a_numbered_ticket(customer, agent):
    numbers = {open_ticket(customer, agent, channel=channel).number for channel in Channel.values}
    assert len(numbers) == len(Channel.values)
    assert all(n.startswith("SD-") for n in numbers)


@time_machine.travel(datetime.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_ticket_numbers_count_up_per_local_year(customer, agent):
    first = open_ticket(customer, agent)
    second = open_ticket(customer, agent)
    assert (first.number, second.number) == ("SD-2026-000001", "SD-2026-000002")
    # 1 January 00:30 in Shanghai is still 31 December in UTC: the local year decides.
    new_year = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert open_ticket(customer, agent, now=new_year).number == "SD-2027-000001"


def test_ticket_create_records_the_opening_event(customer, agent):
    ticket = open_ticket(customer, agent)
    event = ticket.events.get()
    assert (event.kind, event.actor, event.to_status) == (EventKind.CREATED, agent, Status.NEW)
    assert ticket.status == Status.NEW and ticket.created_by == agent


def test_ticket_create_with_assignee_records_assignment(customer, agent, engineer):
    ticket = open_ticket(customer, agent, assignee=engineer)
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.ASSIGNED]


def test_contact_of_another_customer_is_refused(customer, agent):
    stranger = ContactFactory()
    with pytest.raises(ValidationError) as excinfo:
        open_ticket(customer, agent, contact=stranger)
    assert "contact" in excinfo.value.message_dict
    assert not Ticket.objects.exists()


def test_blank_subject_is_refused(customer, agent):
    with pytest.raises(ValidationError):
        open_ticket(customer, agent, subject="   ")


def test_hl13_ticket_remembers_the_contract_covering_the_installation(customer, agent):
    installation = InstallationFactory(customer=customer)
    ServiceContractFactory(customer=customer, number="OTHER", end_date=datetime.date(2026, 12, 31))
    covering = ServiceContractFactory(customer=customer, number="COVERS", end_date=datetime.date(2026, 6, 30))
    covering.installations.add(installation)
    ticket = open_ticket(
        customer, agent, installation=installation, now=datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI)
    )
    assert ticket.contract == covering


def test_hl13_expired_contract_is_not_in_force(customer, agent):
    ServiceContractFactory(customer=customer, end_date=datetime.date(2026, 2, 28))
    ticket = open_ticket(customer, agent, now=datetime.datetime(2026, 3, 1, 9, tzinfo=SHANGHAI))
    assert ticket.contract is None


# The whole transition table: every allowed move works and records one event.
ALLOWED = [(source, action) for action, t in TRANSITIONS.items() for source in sorted(t.sources)]


def _force_status(ticket, status):
    extra = {}
    if status in (Status.RESOLVED, Status.CLOSED):
        extra = {"resolution": "done", "resolved_at": ticket.created_at}
    if status == Status.CLOSED:
        extra["closed_at"] = ticket.created_at
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **extra)
    ticket.refresh_from_db()


@pytest.mark.parametrize(("source", "action"), ALLOWED)
def test_every_allowed_transition_moves_the_ticket_and_records_an_event(customer, agent, source, action):
    ticket = open_ticket(customer, agent)
    _force_status(ticket, source)
    before = ticket.events.count()
    moved = services.ticket_transition(
        ticket=ticket, action=action, actor=agent, note="customer asked", resolution="replaced the driver"
    )
    assert moved.status == TRANSITIONS[action].target
    event = moved.events.order_by("-id").first()
    assert moved.events.count() == before + 1
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        EventKind.STATUS,
        source,
        TRANSITIONS[action].target,
        agent,
    )


def test_forbidden_transition_raises_a_clear_error_and_changes_nothing(customer, agent):
    ticket = open_ticket(customer, agent)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.ticket_transition(ticket=ticket, action="close", actor=agent)
    assert "cannot be changed" in str(excinfo.value)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.events.count() == 1


def test_unknown_action_is_refused(customer, agent):
    ticket = open_ticket(customer, agent)
    with pytest.raises(TransitionNotAllowed):
        services.ticket_transition(ticket=ticket, action="teleport", actor=agent)


def test_resolve_needs_a_resolution(customer, agent):
    ticket = open_ticket(customer, agent)
    with pytest.raises(TransitionNotAllowed, match="resolution"):
        services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="  ")


def test_resolve_and_close_stamp_their_times(customer, agent):
    ticket = open_ticket(customer, agent)
    at = datetime.datetime(2026, 5, 1, 10, tzinfo=SHANGHAI)
    ticket = services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="fixed", now=at)
    assert (ticket.resolved_at, ticket.resolution) == (at, "fixed")
    later = at + datetime.timedelta(days=1)
    ticket = services.ticket_transition(ticket=ticket, action="close", actor=agent, now=later)
    assert ticket.closed_at == later


def test_reopen_needs_a_reason_and_counts(customer, agent):
    ticket = open_ticket(customer, agent)
    ticket = services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="fixed")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_transition(ticket=ticket, action="reopen", actor=agent)
    ticket = services.ticket_transition(ticket=ticket, action="reopen", actor=agent, note="fault is back")
    assert (ticket.status, ticket.reopen_count, ticket.resolved_at) == (Status.IN_PROGRESS, 1, None)


def test_ticket_update_records_what_changed(customer, agent):
    ticket = open_ticket(customer, agent)
    services.ticket_update(ticket=ticket, actor=agent, data={"priority": Priority.URGENT, "type": TicketType.BUG})
    event = ticket.events.get(kind=EventKind.UPDATED)
    assert set(event.data["changes"]) == {"priority", "type"}
    assert event.data["changes"]["priority"]["to"] == "4"
    assert ticket.history.count() == 2  # GN-4: history of every change


def test_ticket_update_without_changes_records_nothing(customer, agent):
    ticket = open_ticket(customer, agent)
    services.ticket_update(ticket=ticket, actor=agent, data={"priority": ticket.priority})
    assert not ticket.events.filter(kind=EventKind.UPDATED).exists()


def test_assign_records_from_and_to(customer, agent, engineer):
    ticket = open_ticket(customer, agent)
    services.ticket_assign(ticket=ticket, assignee=engineer, actor=agent)
    services.ticket_assign(ticket=ticket, assignee=engineer, actor=agent)  # no-op
    events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED)
    assert events.count() == 1
    assert events.get().data["to_name"] == engineer.display_name


def test_inactive_staff_cannot_be_assigned(customer, agent, engineer):
    engineer.is_active = False
    engineer.save()
    ticket = open_ticket(customer, agent)
    with pytest.raises(ValidationError):
        services.ticket_assign(ticket=ticket, assignee=engineer, actor=agent)


def test_empty_comment_is_refused(customer, agent):
    ticket = open_ticket(customer, agent)
    with pytest.raises(ValidationError):
        services.ticket_comment(ticket=ticket, author=agent, body="   ")
    services.ticket_comment(ticket=ticket, author=agent, body="Called back, no answer.")
    assert ticket.events.filter(kind=EventKind.COMMENT).get().body == "Called back, no answer."
