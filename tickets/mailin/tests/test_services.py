"""The intake service on messages built in the test (no IMAP): tickets, threading, the ignored
mail, attachments, the unknown-contact queue, the poll's bookkeeping (GN-1, issue 14)."""

import datetime
from contextlib import contextmanager

import pytest
from django.utils import timezone
import time_machine
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from servicedesk.core.models import Heartbeat, OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageKind
from staff.services import channel_user_get
from tickets.mailin import services
from tickets.mailin.imap import Fetched
from tickets.mailin.models import InboundEmail, InboundStatus, Mailbox, MailinEventKind
from tickets.models import Contact, Ticket, TicketAttachment
from tickets.models.tickets import Channel, EventKind, Status
from tickets.tests.factories import ContactFactory, CustomerFactory, TicketFactory

from .factories import MailboxFactory
from .messages import make_message

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mailbox():
    return MailboxFactory()


@pytest.fixture
def contact():
    return ContactFactory(email="LiLei@Customer.example", name="Li Lei")


def process(mailbox, msg, uid=1):
    return services.inbound_email_process(mailbox=mailbox, uid=uid, raw=bytes(msg), now=NOW)


def test_gn1_new_message_from_known_contact_opens_an_email_ticket(mailbox, contact):
    record = process(mailbox, make_message(sender="Li Lei <lilei@customer.example>"))
    assert record.status == InboundStatus.TICKET_CREATED
    ticket = record.ticket
    assert ticket.channel == Channel.EMAIL
    assert ticket.contact == contact and ticket.customer == contact.customer
    assert ticket.created_by == channel_user_get()
    assert ticket.subject == "Printer jams on page two"
    assert "jams on every second page" in ticket.description
    assert record.contact == contact and record.from_address == "lilei@customer.example"
    assert ticket.events.filter(kind=EventKind.CREATED).count() == 1


def test_new_ticket_by_email_gets_its_confirmation_through_the_outbox(mailbox, contact):
    record = process(mailbox, make_message(sender="Li Lei <lilei@customer.example>"))
    message = CustomerMessage.objects.get(ticket=record.ticket)
    assert message.kind == MessageKind.REQUEST_RECEIVED and message.recipient == contact.email
    assert "/status/" in message.body and record.ticket.number in message.subject
    assert OutboxMessage.objects.filter(topic="notify.deliver", payload__message_id=message.pk).count() == 1
    # A second fetch of the same message sends nothing new.
    process(mailbox, make_message(sender=contact.email, message_id=record.message_id), uid=2)
    assert CustomerMessage.objects.count() == 1


def test_same_message_twice_is_one_ticket(mailbox, contact):
    msg = make_message(sender=contact.email, message_id="<once@customer.example>")
    first = process(mailbox, msg, uid=1)
    second = process(mailbox, msg, uid=2)  # the same Message-ID appended again
    assert first.pk == second.pk
    assert Ticket.objects.count() == 1 and InboundEmail.objects.count() == 1


def test_reply_by_in_reply_to_threads_onto_the_ticket_without_the_quote(mailbox, contact):
    first = process(mailbox, make_message(sender=contact.email, message_id="<first@customer.example>"))
    reply = make_message(
        sender=contact.email,
        subject="Re: Printer jams on page two",
        body="It happens again today.\n\nOn Mon, 2 Mar 2026, Service wrote:\n> old",
        in_reply_to="<first@customer.example>",
        references="<first@customer.example>",
    )
    record = process(mailbox, reply, uid=2)
    assert record.status == InboundStatus.THREADED and record.ticket == first.ticket
    assert Ticket.objects.count() == 1
    event = first.ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.body == "It happens again today."
    assert event.data["channel"] == Channel.EMAIL and "lilei@customer.example" in event.data["sender"]


def test_reply_to_our_outgoing_message_id_threads(mailbox, contact, settings):
    ticket = TicketFactory(customer=contact.customer, contact=contact)
    domain = settings.SERVICEDESK["MAIL_DOMAIN"]
    reply = make_message(sender=contact.email, subject="Re: hello", references=f"<{ticket.number}@{domain}>",
                         in_reply_to=f"<{ticket.number}.7@{domain}>")
    record = process(mailbox, reply)
    assert record.status == InboundStatus.THREADED and record.ticket == ticket


def test_reply_by_ticket_number_in_subject_threads_for_the_customers_contact(mailbox, contact):
    ticket = TicketFactory(customer=contact.customer, contact=contact)
    record = process(mailbox, make_message(sender=contact.email, subject=f"Re: [{ticket.number}] still broken"))
    assert record.status == InboundStatus.THREADED and record.ticket == ticket


def test_ticket_number_in_subject_from_a_stranger_does_not_thread(mailbox, contact):
    ticket = TicketFactory(customer=contact.customer, contact=contact)
    record = process(mailbox, make_message(sender="intruder@evil.example", subject=f"Re: [{ticket.number}]"))
    assert record.status == InboundStatus.UNKNOWN_CONTACT and record.ticket is None
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_reply_on_a_closed_ticket_opens_a_follow_up_ticket(mailbox, contact):
    closed = TicketFactory(
        customer=contact.customer, contact=contact, status=Status.CLOSED, resolution="Fuser replaced.", resolved_at=timezone.now(),
        closed_at=timezone.now(),
    )
    record = process(mailbox, make_message(sender=contact.email, subject=f"Re: [{closed.number}] it broke again"))
    assert record.status == InboundStatus.TICKET_CREATED and record.ticket != closed
    assert closed.number in record.ticket.description and closed.number in record.note
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED


def test_reply_on_a_resolved_ticket_is_added_to_it(mailbox, contact):
    resolved = TicketFactory(
        customer=contact.customer, contact=contact, status=Status.RESOLVED, resolution="Fuser replaced.", resolved_at=timezone.now()
    )
    record = process(mailbox, make_message(sender=contact.email, subject=f"Re: [{resolved.number}] not fixed"))
    assert record.status == InboundStatus.THREADED and record.ticket == resolved


@pytest.mark.parametrize(
    "headers", [{"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"X-Autoreply": "yes"}, {"Return-Path": "<>"}]
)
def test_auto_reply_opens_nothing_and_answers_nothing(mailbox, contact, headers):
    ticket = TicketFactory(customer=contact.customer, contact=contact)
    msg = make_message(sender=contact.email, subject=f"Out of office: [{ticket.number}]", headers=headers)
    record = process(mailbox, msg)
    assert record.status == InboundStatus.IGNORED_AUTO and record.ticket is None and record.note
    assert Ticket.objects.count() == 1
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_bounce_from_mailer_daemon_is_ignored(mailbox):
    record = process(mailbox, make_message(sender="MAILER-DAEMON@mx.example", subject="Undelivered Mail"))
    assert record.status == InboundStatus.IGNORED_AUTO
    assert not Ticket.objects.exists()


def test_attachments_are_stored_and_a_refused_one_is_noted(mailbox, contact):
    msg = make_message(
        sender=contact.email,
        attachments=[("photo.png", PNG, "image/png"), ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/octet-stream")],
    )
    record = process(mailbox, msg)
    attachment = TicketAttachment.objects.get(ticket=record.ticket)
    assert attachment.name == "photo.png" and attachment.source == TicketAttachment.Source.EMAIL
    refused = record.ticket.events.get(kind=MailinEventKind.ATTACHMENT_REFUSED)
    assert "tool.exe" in refused.body


def test_broken_encoding_is_stored_as_ignored_with_the_error(mailbox, contact):
    raw = (
        f"From: {contact.email}\r\nTo: s@d.example\r\nSubject: broken\r\nMessage-ID: <broken@x>\r\n"
        "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nbody\r\n"
    ).encode()
    record = services.inbound_email_process(mailbox=mailbox, uid=1, raw=raw, now=NOW)
    assert record.status == InboundStatus.IGNORED_ERROR and "LookupError" in record.note
    assert not Ticket.objects.exists()


def test_unknown_sender_waits_in_the_queue_and_the_agent_opens_the_ticket(mailbox, agent):
    msg = make_message(sender="Han Meimei <han@newco.example>", attachments=[("photo.png", PNG, "image/png")])
    record = process(mailbox, msg)
    assert record.status == InboundStatus.UNKNOWN_CONTACT and record.raw_file
    assert not Ticket.objects.exists()
    ticket = services.inbound_email_assign(
        inbound=record, customer_name="New Co.", contact_name="Han Meimei", actor=agent, now=NOW
    )
    record.refresh_from_db()
    assert record.status == InboundStatus.ASSIGNED and record.ticket == ticket
    contact = Contact.objects.get(email="han@newco.example")
    assert ticket.contact == contact and ticket.customer.name == "New Co." and ticket.channel == Channel.EMAIL
    assert ticket.created_by == agent
    assert TicketAttachment.objects.filter(ticket=ticket, name="photo.png").exists()
    with pytest.raises(ValidationError):
        services.inbound_email_assign(inbound=record, customer_name="New Co.", contact_name="", actor=agent, now=NOW)
    # The next message from this address is a known contact's.
    again = process(mailbox, make_message(sender="han@newco.example", subject="another"), uid=2)
    assert again.status == InboundStatus.TICKET_CREATED


def test_assign_to_an_existing_customer_by_exact_name(mailbox, agent):
    customer = CustomerFactory(name="Existing Co.")
    record = process(mailbox, make_message(sender="x@existing.example"))
    ticket = services.inbound_email_assign(inbound=record, customer_name="Existing Co.", contact_name="", actor=agent, now=NOW)
    assert ticket.customer == customer
    assert Contact.objects.get(email="x@existing.example").name == "x@existing.example"


# --- The poll ------------------------------------------------------------------------------------------


class FakeConnection:
    def __init__(self, messages, validity=1):
        self.messages = messages
        self.validity = validity

    def uid_validity(self):
        return self.validity

    def fetch_after(self, last_uid, *, limit):
        return [m for m in self.messages if m.uid > last_uid][:limit]


def fake_connect(connection=None, error=None):
    @contextmanager
    def connect(mailbox):
        if error is not None:
            raise error
        yield connection

    return connect


def test_poll_processes_new_uids_and_remembers_the_highest(mailbox, contact):
    messages = [Fetched(uid=uid, raw=bytes(make_message(sender=contact.email, subject=f"m{uid}"))) for uid in (3, 5)]
    result = services.mailbox_poll(mailbox=mailbox, now=NOW, connect=fake_connect(FakeConnection(messages)))
    assert result.fetched == 2 and result.statuses == {InboundStatus.TICKET_CREATED: 2} and not result.error
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 5 and mailbox.uid_validity == 1 and mailbox.last_polled_at == NOW
    again = services.mailbox_poll(mailbox=mailbox, now=NOW, connect=fake_connect(FakeConnection(messages)))
    assert again.fetched == 0 and Ticket.objects.count() == 2


def test_poll_after_uidvalidity_change_starts_again_but_dedupes_by_message_id(mailbox, contact):
    messages = [Fetched(uid=1, raw=bytes(make_message(sender=contact.email, message_id="<m1@x>")))]
    services.mailbox_poll(mailbox=mailbox, now=NOW, connect=fake_connect(FakeConnection(messages, validity=1)))
    services.mailbox_poll(mailbox=mailbox, now=NOW, connect=fake_connect(FakeConnection(messages, validity=2)))
    mailbox.refresh_from_db()
    assert mailbox.uid_validity == 2 and Ticket.objects.count() == 1


def test_a_broken_message_does_not_stop_the_poll(mailbox, contact):
    broken = b"From: x@y\r\nMessage-ID: <b@x>\r\nContent-Type: text/plain; charset=x-bad\r\n\r\nzz\r\n"
    messages = [Fetched(uid=1, raw=broken), Fetched(uid=2, raw=bytes(make_message(sender=contact.email)))]
    result = services.mailbox_poll(mailbox=mailbox, now=NOW, connect=fake_connect(FakeConnection(messages)))
    assert result.statuses == {InboundStatus.IGNORED_ERROR: 1, InboundStatus.TICKET_CREATED: 1}
    assert Ticket.objects.count() == 1


def test_one_mailbox_failing_is_stored_and_the_others_are_polled(mailbox, contact, monkeypatch):
    failing = MailboxFactory(password="s3cret-pass")
    MailboxFactory(active=False)
    messages = [Fetched(uid=1, raw=bytes(make_message(sender=contact.email)))]

    def connect_for(box):
        if box.pk == failing.pk:
            return fake_connect(error=OSError("login s3cret-pass refused"))(box)
        return fake_connect(FakeConnection(messages))(box)

    original = services.mailbox_poll
    monkeypatch.setattr(services, "mailbox_poll", lambda *, mailbox, now: original(mailbox=mailbox, now=now, connect=connect_for))
    results = services.mailboxes_poll(now=NOW)
    assert set(results) == {mailbox.pk, failing.pk}
    failing.refresh_from_db()
    assert failing.last_error.startswith("OSError") and "s3cret-pass" not in failing.last_error
    assert Ticket.objects.count() == 1
    beat = Heartbeat.objects.get(name=services.HEARTBEAT)
    assert beat.at == NOW and beat.detail == {"mailboxes": 2, "fetched": 1, "failed": 1}


def test_task_is_scheduled_and_polls(monkeypatch):
    task = PeriodicTask.objects.get(task="mailin.poll_mailboxes")
    assert task.enabled and task.interval.every == 60 and task.interval.period == "seconds"
    from tickets.mailin import tasks

    calls = []
    monkeypatch.setattr(services, "mailboxes_poll", lambda *, now: calls.append(now) or {})
    assert tasks.poll_mailboxes.delay().get() == 0
    assert calls == [NOW]


def test_mailbox_password_not_in_history():
    box = MailboxFactory(password="hidden-pass")
    assert not hasattr(box.history.first(), "password")
    assert Mailbox.objects.get(pk=box.pk).password == "hidden-pass"
