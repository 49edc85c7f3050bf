"""Every write to tickets and their timeline goes through these functions."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.webhooks import services as webhooks

from .models import Contact, Customer, Installation, Ticket, TicketAttachment, TicketEvent, TicketSequence
from .models.tickets import Channel, EventKind, Priority, Status, TicketType
from .policies import check_transition, format_ticket_number
from .selectors import contract_in_force
from .sla import services as sla

EDITABLE_TICKET_FIELDS = ("subject", "description", "type", "priority", "channel", "contact", "installation")


def ticket_event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor=None,
    at: datetime | None = None,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """Append one line to a ticket's timeline (also used by hotline, onsite, SLA, ...)."""
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        created_at=at or timezone.now(),
        body=body,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def ticket_number_next(*, opened_at: datetime) -> str:
    """Next number for the local year of ``opened_at``. Must run inside the creating transaction:
    the UPDATE locks the year's row until commit, so two agents never get the same number."""
    year = timezone.localtime(opened_at).year
    TicketSequence.objects.get_or_create(year=year)
    TicketSequence.objects.filter(year=year).update(last_number=F("last_number") + 1)
    sequence = TicketSequence.objects.filter(year=year).values_list("last_number", flat=True).get()
    return format_ticket_number(prefix=settings.SERVICEDESK["TICKET_PREFIX"], year=year, sequence=sequence)


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    description: str,
    created_by,
    type: str = TicketType.FAULT,
    priority: int = Priority.NORMAL,
    channel: str = Channel.HOTLINE,
    contact: Contact | None = None,
    installation: Installation | None = None,
    assignee=None,
    now: datetime | None = None,
) -> Ticket:
    """GN-1: open a numbered ticket; HL-13: remember the contract in force for the SLA level."""
    now = now or timezone.now()
    ticket = Ticket(
        customer=customer,
        contact=contact,
        installation=installation,
        subject=subject.strip(),
        description=description.strip(),
        type=type,
        priority=priority,
        channel=channel,
        created_by=created_by,
        assignee=assignee,
        created_at=now,
        contract=contract_in_force(customer=customer, installation=installation, on=timezone.localdate(now)),
    )
    ticket.full_clean(exclude=["number"])
    ticket.number = ticket_number_next(opened_at=now)
    ticket.save()
    ticket_event_record(ticket=ticket, kind=EventKind.CREATED, actor=created_by, at=now, to_status=Status.NEW)
    if assignee is not None:
        ticket_event_record(
            ticket=ticket,
            kind=EventKind.ASSIGNED,
            actor=created_by,
            at=now,
            data={"to": assignee.pk, "to_name": assignee.display_name},
        )
    sla.ticket_clocks_open(ticket=ticket, at=now)  # OS-8: respond and resolve clocks
    webhooks.ticket_created_emit(ticket=ticket, now=now)  # GN-1, issue 15
    if ticket.type == TicketType.COMPLAINT:
        from tickets.care.services import complaint_open  # HL-10, CB-6 (the app imports tickets)

        complaint_open(ticket=ticket, now=now)
    return ticket


def _display(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor, data: dict[str, Any], now: datetime | None = None) -> Ticket:
    """Change the editable details; the timeline records which fields changed, from what to what."""
    unknown = set(data) - set(EDITABLE_TICKET_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    # Compare with the stored row, not with an instance a form may already have changed.
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    changes = {}
    for field, value in data.items():
        old = getattr(ticket, field)
        if old != value:
            setattr(ticket, field, value)
            label = str(Ticket._meta.get_field(field).verbose_name)
            changes[field] = {"label": label, "from": _display(old), "to": _display(value)}
    if not changes:
        return ticket
    contract_before = ticket.contract_id
    if "installation" in changes:
        ticket.contract = contract_in_force(
            customer=ticket.customer, installation=ticket.installation, on=timezone.localdate(ticket.created_at)
        )
    ticket.full_clean()
    ticket.save()
    ticket_event_record(ticket=ticket, kind=EventKind.UPDATED, actor=actor, at=now, data={"changes": changes})
    if "priority" in changes or ticket.contract_id != contract_before:
        # Another SLA policy may match now: the open clocks take its targets.
        sla.ticket_clocks_reapply_policy(ticket=ticket, at=now or timezone.now())
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, actor, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    if assignee is not None and not assignee.is_active:
        raise ValidationError(_("%(name)s is not an active member of staff.") % {"name": assignee})
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    previous = ticket.assignee
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    ticket_event_record(
        ticket=ticket,
        kind=EventKind.ASSIGNED,
        actor=actor,
        at=now,
        data={
            "from": previous.pk if previous else None,
            "from_name": previous.display_name if previous else "",
            "to": assignee.pk if assignee else None,
            "to_name": assignee.display_name if assignee else "",
        },
    )
    if assignee is not None:
        sla.ticket_responded(ticket=ticket, at=now)  # OS-8: assigning someone is the first response
    return ticket


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor,
    note: str = "",
    resolution: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket through the transition table (``policies.TRANSITIONS``) and record it.

    The row is locked first so two people pressing buttons at once cannot both succeed from the
    same starting status. Raises ``TransitionNotAllowed`` with a message fit for the user.
    """
    now = now or timezone.now()
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    transition = check_transition(status=locked.status, action=action, note=note, resolution=resolution)
    if transition.target in (Status.RESOLVED, Status.CLOSED):
        from tickets.remote.services import ticket_records_check  # RM-1..RM-4 (the app imports tickets)

        ticket_records_check(ticket=locked)
    from_status = locked.status
    locked.status = transition.target
    if transition.target == Status.RESOLVED:
        locked.resolution = resolution.strip()
        locked.resolved_at = now
    elif transition.target == Status.CLOSED:
        locked.closed_at = now
    if transition.action == "reopen":
        locked.resolved_at = None
        locked.closed_at = None
        locked.reopen_count += 1
    locked.save()
    event = ticket_event_record(
        ticket=locked,
        kind=EventKind.STATUS,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=transition.target,
        body=(note or resolution).strip(),
        data={"action": transition.action},
    )
    webhooks.ticket_status_changed_emit(ticket=locked, event=event, now=now)  # issue 15
    # OS-8: meets respond (and resolve), pauses/resumes clocks for pausing statuses, reopen resumes.
    sla.ticket_status_changed(ticket=locked, action=transition.action, at=now)
    from tickets.care.services import callback_for_ticket  # CB-1 (the app imports tickets)

    callback_for_ticket(ticket=locked, now=now)
    return locked


@transaction.atomic
def ticket_comment(*, ticket: Ticket, author, body: str, now: datetime | None = None) -> TicketEvent:
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ValidationError(_("A comment cannot be empty."))
    event = ticket_event_record(ticket=ticket, kind=EventKind.COMMENT, actor=author, at=now, body=body)
    sla.ticket_responded(ticket=ticket, at=now)  # OS-8: a staff comment is a response
    return event


@transaction.atomic
def ticket_customer_message(
    *, ticket: Ticket, body: str, channel: str, sender: str = "", data: dict | None = None, now: datetime | None = None
) -> TicketEvent:
    """A message from the customer (status page, e-mail reply, WeChat; issue 14) on the timeline.

    Not a staff response: the OS-8 respond clock keeps running. ``sender`` is the name or address
    the customer wrote from, shown beside the text."""
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ValidationError(_("A message cannot be empty."))
    return ticket_event_record(
        ticket=ticket,
        kind=EventKind.CUSTOMER_MESSAGE,
        actor=None,
        at=now,
        body=body,
        data={"channel": channel, "sender": sender[:200], **(data or {})},
    )


@transaction.atomic
def ticket_attachment_add(
    *, ticket: Ticket, upload, source: str, uploaded_by=None, extensions=None, now: datetime | None = None
) -> TicketAttachment:
    """Store a file on the ticket after the app's one upload check (size, extension, content)."""
    from servicedesk.core.uploads import DOCUMENT_EXTENSIONS, upload_check

    sniffed = upload_check(upload, extensions=extensions or DOCUMENT_EXTENSIONS)
    name = (getattr(upload, "name", "") or f"file.{sniffed.extension}").replace("\\", "/").rsplit("/", 1)[-1]
    attachment = TicketAttachment(
        ticket=ticket,
        name=name[:200],
        content_type=sniffed.mime,
        size=upload.size,
        source=source,
        uploaded_by=uploaded_by,
        created_at=now or timezone.now(),
    )
    upload.seek(0)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def customer_create(*, name: str, region=None, address: str = "", phone: str = "", notes: str = "") -> Customer:
    customer = Customer(name=name.strip(), region=region, address=address.strip(), phone=phone.strip(), notes=notes)
    customer.full_clean()
    customer.save()
    return customer


def customer_get_or_create(*, name: str, region=None, address: str = "", phone: str = "") -> tuple[Customer, bool]:
    """The customer with exactly this full name, or a new one (HL-12). Survives a concurrent twin:
    when another request inserts the same name between our read and our insert, the unique name
    constraint (or the uniqueness check of ``full_clean``) refuses ours and we return theirs, so
    neither request fails and there is one customer. Returns ``(customer, created)``."""
    name = name.strip()
    customer = Customer.objects.filter(name=name).first()
    if customer is not None:
        return customer, False
    try:
        with transaction.atomic():  # savepoint: a refused insert leaves the caller's transaction usable
            return customer_create(name=name, region=region, address=address, phone=phone), True
    except (IntegrityError, ValidationError):
        customer = Customer.objects.filter(name=name).first()
        if customer is None:  # not a lost race: a real validation error
            raise
        return customer, False


@transaction.atomic
def contact_create(
    *,
    customer: Customer,
    name: str,
    phone: str = "",
    mobile: str = "",
    email: str = "",
    department: str = "",
    title: str = "",
) -> Contact:
    contact = Contact(
        customer=customer,
        name=name.strip(),
        phone=phone.strip(),
        mobile=mobile.strip(),
        email=email.strip(),
        department=department.strip(),
        title=title.strip(),
    )
    contact.full_clean()
    contact.save()
    return contact
