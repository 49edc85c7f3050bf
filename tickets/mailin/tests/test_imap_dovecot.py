"""E-mail intake against a real IMAP server (issue 14): the Dovecot that ``.ci/dovecot.sh`` starts.

The messages are put into the test user's INBOX with IMAP APPEND, then ``mailbox_poll`` fetches
them over the network exactly as the beat task does. Without IMAP_TEST_HOST these tests skip;
with REQUIRE_IMAP=1 (set by .ci/run) a missing server is a failure, not a skip.
"""

import datetime
import os
import socket

import pytest
from imap_tools import MailBoxUnencrypted

from servicedesk.notify.models import CustomerMessage
from tickets.mailin import services
from tickets.mailin.models import InboundEmail, InboundStatus, Mailbox, Security
from tickets.models import Ticket
from tickets.models.tickets import Channel, EventKind
from tickets.tests.factories import ContactFactory

from .messages import make_message

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

HOST = os.environ.get("IMAP_TEST_HOST", "")
PORT = int(os.environ.get("IMAP_TEST_PORT", "10143"))
USER = os.environ.get("IMAP_TEST_USER", "")
PASSWORD = os.environ.get("IMAP_TEST_PASSWORD", "")
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _server_answers() -> bool:
    if not HOST:
        return False
    try:
        with socket.create_connection((HOST, PORT), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module", autouse=True)
def _dovecot():
    if not _server_answers():
        reason = f"no IMAP server at {HOST or '(IMAP_TEST_HOST unset)'}:{PORT}; run `source .ci/dovecot.sh`"
        if os.environ.get("REQUIRE_IMAP") == "1":
            pytest.fail(reason + " and REQUIRE_IMAP=1")
        pytest.skip(reason)


@pytest.fixture
def imap():
    """A raw client on the test user's INBOX, emptied before the test."""
    with MailBoxUnencrypted(HOST, PORT).login(USER, PASSWORD, initial_folder="INBOX") as client:
        uids = client.uids()
        if uids:
            client.delete(uids)
        yield client


@pytest.fixture
def mailbox():
    return Mailbox.objects.create(
        name="ci", host=HOST, port=PORT, security=Security.NONE, username=USER, password=PASSWORD, folder="INBOX"
    )


@pytest.fixture
def contact():
    return ContactFactory(email="lilei@customer.example", name="Li Lei")


def _deliver(imap, msg) -> None:
    imap.append(msg.as_bytes(), "INBOX", dt=None, flag_set=[])


def test_new_message_over_imap_opens_an_email_ticket(imap, mailbox, contact):
    _deliver(imap, make_message(sender="Li Lei <lilei@customer.example>", subject="Printer jams on page two"))
    result = services.mailbox_poll(mailbox=mailbox, now=NOW)
    assert result.error == "" and result.fetched == 1
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.contact == contact
    assert ticket.subject == "Printer jams on page two"
    record = InboundEmail.objects.get()
    assert record.status == InboundStatus.TICKET_CREATED and record.ticket == ticket
    mailbox.refresh_from_db()
    assert mailbox.last_uid > 0 and mailbox.last_error == "" and mailbox.last_polled_at == NOW
    # The confirmation with the status link goes through the notify outbox (issue 14).
    confirmation = CustomerMessage.objects.get(ticket=ticket)
    assert confirmation.kind == "request_received" and confirmation.recipient == contact.email


def test_reply_over_imap_threads_onto_the_same_ticket(imap, mailbox, contact):
    first = make_message(sender=contact.email, subject="Scanner offline")
    _deliver(imap, first)
    services.mailbox_poll(mailbox=mailbox, now=NOW)
    ticket = Ticket.objects.get()
    reply = make_message(
        sender=contact.email,
        subject="Re: Scanner offline",
        body="It is still offline after the restart.",
        in_reply_to=first["Message-ID"],
        references=first["Message-ID"],
    )
    _deliver(imap, reply)
    result = services.mailbox_poll(mailbox=mailbox, now=NOW + datetime.timedelta(minutes=1))
    assert result.fetched == 1  # only the new message: the poll resumes above the last UID
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE, body__contains="still offline").exists()
    assert InboundEmail.objects.filter(status=InboundStatus.THREADED, ticket=ticket).count() == 1


def test_auto_reply_over_imap_opens_nothing_and_answers_nothing(imap, mailbox, contact):
    _deliver(imap, make_message(sender=contact.email, subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    services.mailbox_poll(mailbox=mailbox, now=NOW)
    assert not Ticket.objects.exists()
    assert InboundEmail.objects.get().status == InboundStatus.IGNORED_AUTO
    assert not CustomerMessage.objects.exists()  # no loop: nothing is sent back


def test_the_same_message_fetched_twice_opens_one_ticket(imap, mailbox, contact):
    msg = make_message(sender=contact.email, subject="Display flickers")
    _deliver(imap, msg)
    _deliver(imap, msg)  # a second copy with the same Message-ID (a resend, a second folder rule)
    services.mailbox_poll(mailbox=mailbox, now=NOW)
    # The folder is read again from the start, as after a lost UID state.
    Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
    mailbox.refresh_from_db()
    result = services.mailbox_poll(mailbox=mailbox, now=NOW + datetime.timedelta(minutes=1))
    assert result.fetched == 2
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_wrong_password_is_stored_on_the_mailbox_without_the_password(imap, mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(password="wrong-secret-77")
    mailbox.refresh_from_db()
    result = services.mailbox_poll(mailbox=mailbox, now=NOW)
    assert result.error and "wrong-secret-77" not in result.error
    mailbox.refresh_from_db()
    assert mailbox.last_error == result.error and mailbox.last_polled_at == NOW
    assert not Ticket.objects.exists()
