"""Every write of the customers' own door (GN-1, issue 14): status links and service requests.

``status_link_url(ticket=)`` is what other channels (notify, mail-in, WeChat) call to give the
customer the link to the ticket's public status page."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.services import caller_customer_get_or_create
from servicedesk.core.services import absolute_url
from servicedesk.notify.models import MessageKind
from servicedesk.notify.services import customer_message_send
from staff.services import channel_user_get
from tickets import services as ticket_services
from tickets.selectors import contacts_by_phone
from tickets.services import ticket_event_record
from tickets.models import Contact, Customer, Installation, Region, Ticket, TicketAttachment, TicketEvent
from tickets.models.tickets import Channel, TicketType
from tickets.phones import normalize_phone, validate_phone

from . import policies
from .models import IntakeEventKind, ServiceRequest, StatusLink
from .selectors import installation_by_serial

# Photos and scans a customer may send with a request (checked by servicedesk.core.uploads).
REQUEST_FILE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "pdf")

TOKEN_SALT = "intake.status"


class StatusLinkInvalid(Exception):
    """The token was tampered with, is not a status token, or names no link."""


class StatusLinkRevoked(Exception):
    """The token is genuine but its link was revoked (or replaced by a newer one)."""


def _now(now):
    return now or timezone.now()


# --- Status link ----------------------------------------------------------------------------------------


def _new_key() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits: the signature proves it is ours, the key names it


def status_token_make(*, link: StatusLink) -> str:
    """The signed token of ``link`` (``django.core.signing``, as the care survey link)."""
    return signing.dumps({"k": link.key}, salt=TOKEN_SALT, compress=True)


def status_link_get_or_create(*, ticket: Ticket, now: datetime.datetime | None = None) -> StatusLink:
    """The ticket's live link: the existing one, a fresh key when it was revoked, or a new one.
    A concurrent twin loses on the unique ticket and gets the winner's link."""
    link = StatusLink.objects.filter(ticket=ticket).first()
    if link is None:
        link = StatusLink(ticket=ticket, key=_new_key(), created_at=_now(now))
        try:
            with transaction.atomic():  # savepoint: a lost race leaves the caller's transaction usable
                link.save()
        except IntegrityError:
            link = StatusLink.objects.get(ticket=ticket)
    if link.is_revoked:
        with transaction.atomic():
            link = StatusLink.objects.select_for_update().get(pk=link.pk)
            if link.is_revoked:  # a new key: the revoked URL stays dead
                link.key = _new_key()
                link.created_at = _now(now)
                link.revoked_at = None
                link.revoked_by = None
                link.save(update_fields=["key", "created_at", "revoked_at", "revoked_by"])
    return link


def status_link_url(*, ticket: Ticket) -> str:
    """The absolute URL of the ticket's public status page (signed, revocable); created on first use."""
    link = status_link_get_or_create(ticket=ticket)
    return absolute_url(reverse("intake:status", args=[status_token_make(link=link)]))


def status_link_from_token(*, token: str) -> StatusLink:
    """The live link of a status token; raises ``StatusLinkInvalid`` or ``StatusLinkRevoked``."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        key = payload["k"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise StatusLinkInvalid from exc
    if not isinstance(key, str):
        raise StatusLinkInvalid
    link = StatusLink.objects.select_related("ticket").filter(key=key).first()
    if link is None:
        # A key replaced after a revocation lives on in the history only: say "revoked", not "invalid".
        if StatusLink.history.filter(key=key).exists():
            raise StatusLinkRevoked
        raise StatusLinkInvalid
    if link.is_revoked:
        raise StatusLinkRevoked
    return link


@transaction.atomic
def status_link_revoke(*, ticket: Ticket, actor, now: datetime.datetime | None = None) -> StatusLink | None:
    """Kill the ticket's status URL (a leaked link, a customer's request). Idempotent: an already
    revoked or missing link is left as it is. Recorded on the (staff) timeline."""
    now = _now(now)
    link = StatusLink.objects.select_for_update().filter(ticket=ticket).first()
    if link is None or link.is_revoked:
        return link
    link.revoked_at = now
    link.revoked_by = actor
    link.save(update_fields=["revoked_at", "revoked_by"])

    ticket_event_record(ticket=ticket, kind=IntakeEventKind.STATUS_LINK_REVOKED, actor=actor, at=now)
    return link


# --- Service request (GN-1, HL-12, HL-13, OS-8) ---------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _requester(
    *, installation: Installation | None, organisation: str, region: Region | None, phone: str, contact_name: str, email: str
) -> tuple[Customer, Contact | None]:
    """Who is asking: the installation's customer (HL-13: the serial number names it), else the
    customer of a contact with this phone number, else a new customer and contact exactly as for
    an unknown hotline caller (hotline.services.caller_customer_get_or_create). An existing
    contact's details are never changed from the public form."""

    known = contacts_by_phone(phone=phone)
    if installation is not None:
        customer = installation.customer
        contact = known.filter(customer=customer).first()
        if contact is None:
            contact = ticket_services.contact_create(customer=customer, name=contact_name, mobile=phone, email=email)
        return customer, contact
    contacts = list(known[:20])
    if contacts:
        contact = next((c for c in contacts if c.customer.name == organisation), contacts[0])
        return contact.customer, contact
    return caller_customer_get_or_create(
        organisation=organisation, region=region, address="", phone=phone, contact_name=contact_name, email=email
    )


def _description(*, description: str, checklist_answers: list[dict], serial_number: str, installation, email: str) -> str:
    lines = [description]
    if checklist_answers:
        lines.append("")
        lines.extend(f"- {row['question']}: {row['answer']}" for row in checklist_answers)
    if serial_number and installation is None:
        lines.extend(["", _("Serial number given, not found: %(serial)s") % {"serial": serial_number}])
    if email:
        lines.extend(["", _("E-mail given: %(email)s") % {"email": email}])
    return "\n".join(lines)


def _subject(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[:120] or _("Web request")


def _validate(*, organisation, contact_name, phone, email, description, uploads) -> None:
    errors: dict[str, list] = {}
    if not organisation:
        errors["organisation"] = [_("Enter the full name of your organisation.")]
    if not contact_name:
        errors["contact_name"] = [_("Enter your name.")]
    if not phone:
        errors["phone"] = [_("Enter your mobile phone number.")]
    else:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            if not policies.is_mobile(phone):
                errors["phone"] = [_("Enter a mobile number: 11 digits starting with 1, e.g. 138 0013 8000.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address or leave it empty.")]
    if not description:
        errors["description"] = [_("Describe the fault.")]
    if len(uploads) > settings.SERVICEDESK["INTAKE_MAX_FILES"]:
        errors["files"] = [
            _("Send at most %(count)s files.") % {"count": settings.SERVICEDESK["INTAKE_MAX_FILES"]}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def service_request_submit(
    *,
    organisation: str,
    contact_name: str,
    phone: str,
    description: str,
    idempotency_key: str,
    email: str = "",
    serial_number: str = "",
    region: Region | None = None,
    checklist_answers: list[dict] | None = None,
    uploads: Sequence = (),
    client_ip: str | None = None,
    language: str = "",
    now: datetime.datetime,
) -> tuple[ServiceRequest, bool]:
    """GN-1: the public form's request becomes a ticket (channel web) through the hotline's
    services: ``ticket_create`` by the channel user starts the OS-8 respond and resolve clocks and
    records the contract in force (HL-13); the answers to the product's diagnostic checklist
    (HL-12) go into the description; the photos are stored by ``ticket_attachment_add``.

    Idempotent: a repeat of ``idempotency_key`` (a double submit, a retry, a concurrent twin)
    returns the first request and ``created=False``; the unique key decides, not a read.
    Returns ``(service_request, created)``."""
    organisation, contact_name, phone = _text(organisation), _text(contact_name), _text(phone)
    email, serial_number, description = _text(email), _text(serial_number), _text(description)
    answers = [
        {"question": str(row["question"])[:200], "answer": _text(row.get("answer"))[:500]}
        for row in (checklist_answers or [])
        if _text(row.get("answer"))
    ]
    _validate(
        organisation=organisation, contact_name=contact_name, phone=phone, email=email, description=description, uploads=uploads
    )
    if not idempotency_key:
        idempotency_key = secrets.token_urlsafe(24)  # no key sent: no protection, but a valid row

    installation = installation_by_serial(serial_number=serial_number) if serial_number else None
    request = ServiceRequest(
        idempotency_key=idempotency_key,
        organisation=organisation,
        contact_name=contact_name,
        phone=phone,
        phone_normalized=normalize_phone(phone),
        email=email,
        serial_number=serial_number,
        installation=installation,
        region=region,
        description=description,
        checklist_answers=answers,
        client_ip=client_ip or None,
        language=language[:10],
        created_at=now,
    )
    request.full_clean(exclude=["ticket", "idempotency_key"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():  # savepoint: the unique key decides who is first
            request.save()
    except IntegrityError:
        first = ServiceRequest.objects.select_related("ticket").filter(idempotency_key=idempotency_key).first()
        if first is None:
            raise
        return first, False


    customer, contact = _requester(
        installation=installation,
        organisation=organisation,
        region=region,
        phone=phone,
        contact_name=contact_name,
        email=email,
    )
    ticket = ticket_services.ticket_create(
        customer=customer,
        contact=contact,
        installation=installation,
        subject=_subject(description),
        description=_description(
            description=description, checklist_answers=answers, serial_number=serial_number, installation=installation, email=email
        ),
        type=TicketType.FAULT,
        channel=Channel.WEB,
        created_by=channel_user_get(),
        now=now,
    )
    for upload in uploads:
        try:
            ticket_services.ticket_attachment_add(
                ticket=ticket, upload=upload, source=TicketAttachment.Source.WEB, extensions=REQUEST_FILE_EXTENSIONS, now=now
            )
        except ValidationError as exc:
            name = getattr(upload, "name", "")
            raise ValidationError({"files": [f"{name}: {message}" for message in exc.messages]}) from exc
    request.ticket = ticket
    request.save(update_fields=["ticket"])
    status_link_get_or_create(ticket=ticket, now=now)
    request_received_send(ticket=ticket, contact=contact, now=now)
    return request, True


def request_received_send(*, ticket: Ticket, contact: Contact | None, now: datetime.datetime) -> None:
    """The "we received your request" notice with the status link, written in the caller's
    transaction through the notify outbox (issue 14): on the contact's preferred channel, with
    fallback; nothing when the contact cannot be reached. The key makes it once per ticket. Used by
    every customer channel that opens tickets (the form, e-mail intake)."""
    if contact is None:
        return
    customer_message_send(
        contact=contact,
        kind=MessageKind.REQUEST_RECEIVED,
        context={"status_url": status_link_url(ticket=ticket)},
        ticket=ticket,
        key=f"request_received:{ticket.pk}",
        now=now,
    )


# --- Status page comment ---------------------------------------------------------------------------------


def status_comment_add(*, link: StatusLink, body: str, now: datetime.datetime) -> TicketEvent:
    """The customer's comment from the status page: a customer message on the timeline (channel
    web), not an OS-8 staff response. The link must still be live."""

    link = StatusLink.objects.select_related("ticket__contact").get(pk=link.pk)
    if link.is_revoked:
        raise StatusLinkRevoked
    body = _text(body)
    if len(body) > 4000:
        raise ValidationError({"body": [_("Keep the message under 4000 characters.")]})
    ticket = link.ticket
    sender = ticket.contact.name if ticket.contact_id else ""
    return ticket_services.ticket_customer_message(
        ticket=ticket, body=body, channel="web", sender=sender, data={"via": "status_page"}, now=now
    )
