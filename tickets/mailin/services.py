"""E-mail intake (issue 14, GN-1): poll the mailboxes, turn each message into a ticket, a line on its
ticket's timeline, an entry in the unknown-contact queue, or nothing (automatic mail).

One message is handled in one transaction; the unique (mailbox, Message-ID) makes "the same
message fetched twice" count once. A message that cannot be read is stored as ignored with the
error and never stops the poll.
"""

import email
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from servicedesk.core.services import heartbeat_record
from staff.services import channel_user_get
from tickets import services as tickets
from tickets.intake.services import request_received_send
from tickets.models import Contact, Ticket, TicketAttachment
from tickets.models.tickets import Channel, Status

from . import imap, policies
from .models import InboundEmail, InboundStatus, Mailbox, MailinEventKind

logger = logging.getLogger(__name__)

HEARTBEAT = "mailin.poll"
HEADERS_EXCERPT = 4000
SUBJECT_MAX = 200  # Ticket.subject


def _conf(name: str, default):
    return settings.SERVICEDESK.get(name, default)


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def _received_at(msg: EmailMessage, *, now: datetime) -> datetime:
    try:
        value = parsedate_to_datetime(policies.header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return now
    if value is None or timezone.is_naive(value):
        return now
    return value


def _headers_excerpt(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return head[:HEADERS_EXCERPT].decode("utf-8", errors="replace")


def _own_addresses(mailbox: Mailbox) -> frozenset[str]:
    addresses = {settings.DEFAULT_FROM_EMAIL.lower(), settings.SERVER_EMAIL.lower()}
    if "@" in mailbox.username:
        addresses.add(mailbox.username.lower())
    return frozenset(addresses)


def contact_for_address(address: str) -> Contact | None:
    """The active contact with this e-mail address (case-insensitive); the oldest if several."""
    if not address:
        return None
    return Contact.objects.filter(email__iexact=address, is_active=True).select_related("customer").order_by("pk").first()


def _thread_ticket(msg: EmailMessage, *, sender: str) -> Ticket | None:
    """The ticket a reply belongs to.

    1. In-Reply-To / References naming a message we received for a ticket, or one of our own
       outgoing ids (``<SD-2026-000042@MAIL_DOMAIN>`` or ``<SD-2026-000042.17@MAIL_DOMAIN>``);
    2. else the ticket number in the subject, but only when the sender is a contact of that
       ticket's customer (a number is easy to guess, a stranger must not write onto a ticket).
    """
    refs = policies.referenced_ids(msg)
    if refs:
        received = (
            InboundEmail.objects.filter(message_id__in=refs, ticket__isnull=False).select_related("ticket").first()
        )
        if received is not None:
            return received.ticket
        domain = _conf("MAIL_DOMAIN", "servicedesk.local")
        for mid in refs:
            number = policies.ticket_number_from_our_id(mid, domain=domain)
            ticket = Ticket.objects.filter(number=number).first() if number else None
            if ticket is not None:
                return ticket
    number = policies.ticket_number_from_subject(
        policies.header(msg, "Subject"), prefix=settings.SERVICEDESK["TICKET_PREFIX"]
    )
    if number and sender:
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None and Contact.objects.filter(customer=ticket.customer_id, email__iexact=sender).exists():
            return ticket
    return None


def _attachments_store(*, ticket: Ticket, msg: EmailMessage, now: datetime) -> int:
    """Store the message's files on the ticket; a refused one (type, size) is a timeline line."""
    stored = 0
    for index, part in enumerate(policies.attachment_parts(msg), start=1):
        name = part.get_filename() or f"attachment-{index}"
        try:
            content = part.get_payload(decode=True) or b""
            upload = SimpleUploadedFile(name, content, content_type=part.get_content_type())
            with transaction.atomic():  # a refused file leaves the message's transaction usable
                tickets.ticket_attachment_add(ticket=ticket, upload=upload, source=TicketAttachment.Source.EMAIL, now=now)
            stored += 1
        except ValidationError as exc:
            tickets.ticket_event_record(
                ticket=ticket,
                kind=MailinEventKind.ATTACHMENT_REFUSED,
                at=now,
                body=_("The e-mail attachment “%(name)s” was not stored: %(reason)s")
                % {"name": name[:200], "reason": " ".join(exc.messages)},
                data={"name": name[:200], "size": len(content)},
            )
    return stored


def _reply_text(msg: EmailMessage, body: str) -> str:
    text = policies.strip_quoted(body) or body
    if not text and policies.attachment_parts(msg):
        text = _("(attachments only)")
    return text or _("(empty message)")


@dataclass
class _Parsed:
    msg: EmailMessage
    message_id: str
    sender: str
    name: str
    subject: str
    body: str


def _ticket_open(
    *, record: InboundEmail, parsed: _Parsed, contact: Contact, created_by, msg: EmailMessage, now: datetime,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    description = parsed.body or parsed.subject or _("(empty message)")
    if follow_up_of is not None:
        description = _("Follow-up of the closed ticket %(number)s.") % {"number": follow_up_of.number} + "\n\n" + description
    ticket = tickets.ticket_create(
        channel=Channel.EMAIL,
        created_by=created_by,
        contact=contact,
        customer=contact.customer,
        subject=(parsed.subject or _("E-mail from %(sender)s") % {"sender": parsed.sender})[:SUBJECT_MAX],
        description=description,
        now=now,
    )
    _attachments_store(ticket=ticket, msg=msg, now=now)
    # The confirmation with the status link. Automatic mail never gets here, so an auto-reply
    # cannot start a loop; by e-mail it carries the ticket's thread headers, so the answer threads.
    request_received_send(ticket=ticket, contact=contact, now=now)
    return ticket


def _handle(*, mailbox: Mailbox, uid: int, raw: bytes, msg: EmailMessage, message_id: str, now: datetime) -> InboundEmail:
    sender = policies.sender_address(msg)
    subject = policies.header(msg, "Subject").replace("\n", " ").replace("\r", "")
    record = InboundEmail(
        mailbox=mailbox,
        uid=uid,
        message_id=message_id,
        from_address=sender[:254],
        from_name=policies.sender_name(msg)[:200],
        subject=subject[:255],
        received_at=_received_at(msg, now=now),
        processed_at=now,
        in_reply_to=policies.header(msg, "In-Reply-To")[:2000],
        references=policies.header(msg, "References")[:4000],
        headers=_headers_excerpt(raw),
    )
    reason = policies.automatic_reason(msg, own_addresses=_own_addresses(mailbox))
    if reason:
        record.status = InboundStatus.IGNORED_AUTO
        record.note = reason
        record.save()
        return record
    body = policies.body_text(msg)  # raises on an unreadable charset: the caller stores the error
    parsed = _Parsed(msg=msg, message_id=message_id, sender=sender, name=record.from_name, subject=subject, body=body)
    contact = contact_for_address(sender)
    record.contact = contact
    ticket = _thread_ticket(msg, sender=sender)
    if ticket is not None and ticket.status != Status.CLOSED:
        # A reply, also on a resolved ticket: the agent sees it and may reopen (TRANSITIONS).
        tickets.ticket_customer_message(
            ticket=ticket,
            body=_reply_text(msg, body),
            channel=Channel.EMAIL,
            sender=f"{record.from_name} <{sender}>" if record.from_name else sender,
            data={"message_id": message_id[:255]},
            now=now,
        )
        _attachments_store(ticket=ticket, msg=msg, now=now)
        record.ticket = ticket
        record.status = InboundStatus.THREADED
    elif contact is not None:
        # A new request, or a reply to a closed ticket: a new ticket (that says which one it follows).
        record.ticket = _ticket_open(
            record=record, parsed=parsed, contact=contact, created_by=channel_user_get(), msg=msg, now=now,
            follow_up_of=ticket,
        )
        record.status = InboundStatus.TICKET_CREATED
        if ticket is not None:
            record.note = _("Reply to the closed ticket %(number)s.") % {"number": ticket.number}
    else:
        record.status = InboundStatus.UNKNOWN_CONTACT
        record.body = body
        record.raw_file.save(f"{get_random_string(24)}.eml", ContentFile(raw), save=False)
        if ticket is not None:
            record.note = _("Reply to the closed ticket %(number)s.") % {"number": ticket.number}
    record.save()
    return record


def inbound_email_process(*, mailbox: Mailbox, uid: int, raw: bytes, now: datetime) -> InboundEmail:
    """Handle one received message (all of it in one transaction); returns its stored row.

    The same Message-ID again (a second fetch, a second copy) returns the first row and does
    nothing. A message that cannot be read is stored as ``ignored_error`` with the error."""
    try:
        msg = _parse(raw)
        message_id = policies.message_id_of(msg, raw=raw)
    except Exception as exc:  # noqa: BLE001 - a message the email package cannot even parse
        return _store_broken(mailbox=mailbox, uid=uid, raw=raw, message_id=policies.message_id_of(EmailMessage(), raw=raw), error=exc, now=now)
    existing = InboundEmail.objects.filter(mailbox=mailbox, message_id=message_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _handle(mailbox=mailbox, uid=uid, raw=raw, msg=msg, message_id=message_id, now=now)
    except IntegrityError:
        existing = InboundEmail.objects.filter(mailbox=mailbox, message_id=message_id).first()
        if existing is not None:  # a concurrent poll stored it first
            return existing
        return _store_broken(mailbox=mailbox, uid=uid, raw=raw, message_id=message_id, error=IntegrityError("refused"), now=now)
    except Exception as exc:  # noqa: BLE001 - bad encoding, broken MIME, a refused ticket: never stops the poll
        logger.warning("mailin: message uid %s of mailbox %s not processed: %s", uid, mailbox.pk, type(exc).__name__)
        return _store_broken(mailbox=mailbox, uid=uid, raw=raw, message_id=message_id, error=exc, now=now)


def _store_broken(*, mailbox: Mailbox, uid: int, raw: bytes, message_id: str, error: Exception, now: datetime) -> InboundEmail:
    with transaction.atomic():
        record, _created = InboundEmail.objects.get_or_create(
            mailbox=mailbox,
            message_id=message_id,
            defaults={
                "uid": uid,
                "received_at": now,
                "processed_at": now,
                "status": InboundStatus.IGNORED_ERROR,
                "note": f"{type(error).__name__}: {error}"[:2000],
                "headers": _headers_excerpt(raw),
            },
        )
    return record


# --- Polling --------------------------------------------------------------------------------------------


@dataclass
class PollResult:
    fetched: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error: str = ""


def mailbox_poll(*, mailbox: Mailbox, now: datetime, connect=imap.connect) -> PollResult:
    """Fetch the messages above the highest UID processed and handle each one.

    The UID is advanced after each message's transaction, so a poll that dies half-way resumes
    after the last handled message; the unique Message-ID covers the rest (a message handled but
    not yet counted, a folder whose UIDVALIDITY changed). A connection or login failure is
    stored in ``last_error`` (never the password) and returned, not raised."""
    result = PollResult()
    try:
        with connect(mailbox) as connection:
            validity = connection.uid_validity()
            if validity != mailbox.uid_validity:  # the folder was recreated: its UIDs start again
                Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=0)
                mailbox.uid_validity, mailbox.last_uid = validity, 0
            for fetched in connection.fetch_after(mailbox.last_uid, limit=_conf("MAILIN_BATCH", 100)):
                record = inbound_email_process(mailbox=mailbox, uid=fetched.uid, raw=fetched.raw, now=now)
                result.fetched += 1
                result.statuses[record.status] = result.statuses.get(record.status, 0) + 1
                Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=fetched.uid).update(last_uid=fetched.uid)
                mailbox.last_uid = max(mailbox.last_uid, fetched.uid)
    except Exception as exc:  # noqa: BLE001 - IMAP, network, TLS errors: stored, the others go on
        result.error = f"{type(exc).__name__}: {exc}"[:2000]
        if mailbox.password:  # GN-7: a server that echoes the command must not put it in the admin
            result.error = result.error.replace(mailbox.password, "***")
        logger.warning("mailin: polling mailbox %s failed: %s", mailbox.pk, type(exc).__name__)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_error=result.error)
    mailbox.last_polled_at, mailbox.last_error = now, result.error
    return result


def mailboxes_poll(*, now: datetime) -> dict[int, PollResult]:
    """Poll every active mailbox; one mailbox's failure is stored on it and does not stop the others."""
    results = {mailbox.pk: mailbox_poll(mailbox=mailbox, now=now) for mailbox in Mailbox.objects.filter(active=True)}
    heartbeat_record(
        name=HEARTBEAT,
        now=now,
        detail={"mailboxes": len(results), "fetched": sum(r.fetched for r in results.values()),
                "failed": sum(1 for r in results.values() if r.error)},
    )
    return results


# --- The unknown-contact queue ----------------------------------------------------------------------------


@transaction.atomic
def inbound_email_assign(
    *, inbound: InboundEmail, customer_name: str, contact_name: str, actor, now: datetime
) -> Ticket:
    """An agent names the customer of an unknown sender: the customer (found by exact name or
    created, HL-12), its contact with the sender's address, and the ticket from the message."""
    locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if locked.status != InboundStatus.UNKNOWN_CONTACT:
        raise ValidationError(_("This e-mail has already been handled."))
    customer, _created = tickets.customer_get_or_create(name=customer_name)
    contact = Contact.objects.filter(customer=customer, email__iexact=locked.from_address).first()
    if contact is None:
        contact = tickets.contact_create(
            customer=customer, name=(contact_name or locked.from_name or locked.from_address)[:100], email=locked.from_address
        )
    msg = EmailMessage()
    if locked.raw_file:
        with locked.raw_file.open("rb") as stored:
            msg = _parse(stored.read())
    parsed = _Parsed(
        msg=msg, message_id=locked.message_id, sender=locked.from_address, name=locked.from_name,
        subject=locked.subject, body=locked.body,
    )
    ticket = _ticket_open(record=locked, parsed=parsed, contact=contact, created_by=actor, msg=msg, now=now)
    locked.ticket, locked.contact, locked.status = ticket, contact, InboundStatus.ASSIGNED
    locked.save(update_fields=["ticket", "contact", "status"])
    return ticket
