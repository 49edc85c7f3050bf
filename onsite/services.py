"""Every write of the on-site service. Each status change goes through the transition table
(``policies.TRANSITIONS``), is validated, written on the ticket's timeline and starts or stops the
ticket's SLA clocks (OS-8, HL-6).

Public entry point for the hotline (HL-6 outcome "on-site visit") and the ticket page:
:func:`service_order_request`.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.selectors import duty_managers_on_shift
from servicedesk.core import outbox
from servicedesk.core.services import notification_send
from servicedesk.notify.models import CustomerMessage, MessageKind
from servicedesk.notify.services import customer_message_send
from servicedesk.webhooks import services as webhooks
from staff.models import User
from staff.roles import Role
from staff.selectors import calendar_load, employee_calendar, engineers_available
from staff.services import penalty_propose
from tickets.care import services as care
from tickets.models import Contact, Ticket, TicketAttachment
from tickets.models.tickets import OPEN_STATUSES
from tickets.models.tickets import Status as TicketStatus
from tickets.policies import TransitionNotAllowed
from tickets.services import ticket_assign, ticket_event_record, ticket_transition
from tickets.sla import services as sla
from tickets.sla.models import ClockKind

from . import policies
from .models import (
    CallAttempt,
    MissCause,
    OnsiteEventKind,
    OrderPhoto,
    PartUsed,
    Reschedule,
    ServiceOrder,
    SignOff,
    WorkReport,
)
from .photos import photo_process
from .signatures import signature_png_check

# --- Helpers -------------------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _lock(order: ServiceOrder) -> ServiceOrder:
    """The order's row, locked until commit, so two taps at once cannot both move it."""
    return ServiceOrder.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=order.pk)


def _begin(order: ServiceOrder, action: str, actor) -> ServiceOrder:
    """Lock the order and check that ``actor`` may take ``action`` from its current status."""
    order = _lock(order)
    problem = policies.refusal(
        status=order.status,
        action=action,
        roles=actor.role_names,
        is_order_engineer=order.engineer_id is not None and order.engineer_id == actor.pk,
    )
    if problem:
        raise ValidationError(problem)
    return order


def _require_own_engineer(order: ServiceOrder, user) -> None:
    if order.engineer_id is None or order.engineer_id != user.pk:
        raise ValidationError(_("Only the engineer of this order can do that."))


def _move(order: ServiceOrder, action: str) -> str:
    previous = order.status
    order.status = policies.TRANSITIONS[action].target
    return previous


def _save(order: ServiceOrder) -> ServiceOrder:
    order.full_clean()
    order.save()
    return order


def _event(order: ServiceOrder, kind: str, *, actor, at, body: str = "", **data):
    return ticket_event_record(
        ticket=order.ticket,
        kind=kind,
        actor=actor,
        at=at,
        body=body,
        data={"order": order.pk, "status": order.status, **data},
    )


def _office_calendar():
    """The default (office) calendar: deadlines for handing in forms and factory repairs."""
    return calendar_load()


def approver_rules() -> dict[str, str]:
    """``ONSITE_APPROVER_ROLES`` parsed (OS-1, issue 17)."""
    return policies.role_rules(settings.SERVICEDESK["ONSITE_APPROVER_ROLES"])


def dispatcher_rules() -> dict[str, str]:
    """``ONSITE_DISPATCHER_ROLES`` parsed (issue 17)."""
    return policies.role_rules(settings.SERVICEDESK["ONSITE_DISPATCHER_ROLES"])


def approve_refusal_for(*, user, now: datetime.datetime) -> str | None:
    """Whether ``user`` may approve visits at ``now`` by role and time of day (the order page offers
    the button only when this is None)."""
    return policies.role_rule_refusal(
        roles=user.role_names, rules=approver_rules(), calendar=_office_calendar(), now=now,
        what=_("approve on-site visits"),
    )  # fmt: skip


def dispatch_refusal_for(*, user, now: datetime.datetime) -> str | None:
    return policies.role_rule_refusal(
        roles=user.role_names, rules=dispatcher_rules(), calendar=_office_calendar(), now=now,
        what=_("dispatch engineers"),
    )  # fmt: skip


def early_warning_for(*, order: ServiceOrder, now: datetime.datetime) -> str | None:
    """The early-start warning for the order's engineer at ``now`` (None: on time)."""
    start = timezone.localtime(order.agreed_start) if order.agreed_start else None
    return policies.early_start_warning(
        agreed_start=start, now=now, hours=settings.SERVICEDESK["ONSITE_EARLY_WARNING_HOURS"]
    )


def _early_confirmed(order: ServiceOrder, *, now: datetime.datetime, confirm_early: bool) -> dict:
    """Refuse an early start until confirmed; once confirmed, what the timeline event records."""
    warning = early_warning_for(order=order, now=now)
    if warning is None:
        return {}
    if not confirm_early:
        raise ValidationError({"confirm_early": warning})
    hours = int((order.agreed_start - now).total_seconds() // 3600)
    return {"early_hours": hours, "agreed_start": order.agreed_start.isoformat()}


def _early_note(early: dict) -> str:
    if not early:
        return ""
    return _("Confirmed going ahead %(hours)d hours before the agreed visit window.") % {"hours": early["early_hours"]}


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _window_text(order: ServiceOrder) -> str:
    if order.agreed_start is None:
        return ""
    end = timezone.localtime(order.agreed_end)
    return f"{_local(order.agreed_start)}–{end:%H:%M}"


def _require_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _position(latitude, longitude, accuracy) -> tuple[Decimal | None, Decimal | None, int | None]:
    """A position from the browser, or nothing; half a position or nonsense is refused."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
        acc = None if accuracy in (None, "") else max(0, int(round(float(accuracy))))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError(_("The position from the phone could not be read.")) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("The position from the phone could not be read."))
    return lat, lon, acc


def _trip_due(order: ServiceOrder, now: datetime.datetime) -> None:
    """OS-7: a trip happened (the engineer left for the customer) and is not yet in the service
    record: it is due by the end of the next working day."""
    if order.departed_at is not None and order.trip_recorded_at is None and order.trip_due_at is None:
        order.trip_due_at = policies.next_day_deadline(at=now, calendar=_office_calendar())


VISIT_WINDOW_TOPIC = "onsite.visit_window_email"


def _email_window_after_commit(order: ServiceOrder) -> None:
    """OS-3: the visit window notice is an outbox message, once per order and agreed window."""
    window = order.agreed_start.isoformat() if order.agreed_start else ""
    outbox.enqueue(
        topic=VISIT_WINDOW_TOPIC, payload={"order_id": order.pk}, key=f"{VISIT_WINDOW_TOPIC}:{order.pk}:{window}"
    )


def default_site_address(ticket: Ticket) -> str:
    if ticket.installation_id and ticket.installation.address:
        return ticket.installation.address
    return ticket.customer.address


# --- Request, approval, dispatch (HL-6, OS-1, OS-8, GN-3) ---------------------------------------------


@transaction.atomic
def service_order_request(
    *,
    ticket: Ticket,
    requested_by,
    problem: str,
    contact: Contact | None = None,
    site_address: str = "",
    offered_by: datetime.date | None = None,
    agreed_start: datetime.datetime | None = None,
    agreed_end: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """OS-1: the on-site service request form of an open ticket, waiting for a service manager.

    ``contact`` defaults to the ticket's contact, ``site_address`` to the installation's or the
    customer's address. ``offered_by`` is the date the agent offered (HL-6: within three days of the
    call, setting ``ONSITE_OFFER_DAYS``); ``agreed_start``/``agreed_end`` the window the customer
    agreed, if any (both or neither). With a window and no offered date, the window's first local
    day is the offered date. Starts the ticket's ``onsite_arrangement`` (HL-6, 24 h; kept
    as it is when the hotline started it already), ``dispatch`` and ``arrive`` clocks (OS-8), all
    counted from the call (the ticket's opening). One open order per ticket: a second request is
    refused with a ``ValidationError``. Service managers are notified that a visit awaits approval.
    """
    now = _now(now)
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError(_("A visit can only be requested for an open ticket."))
    contact = contact or ticket.contact
    if contact is not None and contact.customer_id != ticket.customer_id:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    # HL-6 (issue 17): an agreed window is the offer; its first day is the offered date, so the
    # agent does not type the date a second time.
    offered_field = "offered_by"
    if offered_by is None and agreed_start is not None:
        offered_by, offered_field = timezone.localdate(agreed_start), "agreed_start"
    problem_text = policies.offered_date_problem(
        offered_by=offered_by,
        called_on=timezone.localdate(ticket.created_at),
        max_days=settings.SERVICEDESK["ONSITE_OFFER_DAYS"],
    )
    if problem_text:
        raise ValidationError({offered_field: problem_text})
    window = policies.window_problem(start=agreed_start, end=agreed_end, required=False)
    if window:
        raise ValidationError({"agreed_end": window})
    order = ServiceOrder(
        ticket=ticket,
        problem=_require_text(problem, field="problem", message=_("Describe the problem to solve on site.")),
        contact=contact,
        site_address=(site_address or "").strip() or default_site_address(ticket),
        offered_by=offered_by,
        agreed_start=agreed_start,
        agreed_end=agreed_end,
        requested_by=requested_by,
        requested_at=now,
    )
    order.full_clean()
    order.save()
    _event(order, OnsiteEventKind.REQUESTED, actor=requested_by, at=now, body=order.problem, window=_window_text(order))
    for kind in (ClockKind.ONSITE_ARRANGEMENT, ClockKind.DISPATCH, ClockKind.ARRIVE):
        sla.clock_start(ticket=ticket, kind=kind, started_at=ticket.created_at)
    managers = User.objects.filter(is_active=True, groups__name=Role.SERVICE_MANAGER).exclude(pk=requested_by.pk)
    notification_send(
        recipients=list(managers.distinct()),
        title=_("On-site visit to approve: %(customer)s (%(number)s)")
        % {"customer": ticket.customer.name, "number": ticket.number},
        body=order.problem,
        url=order.get_absolute_url(),
        kind="onsite_approval",
        key=f"onsite-approval:{order.pk}",
        now=now,
    )
    return order


@transaction.atomic
def service_order_approve(
    *,
    order: ServiceOrder,
    approver,
    agreed_start: datetime.datetime | None = None,
    agreed_end: datetime.datetime | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """OS-1: a service manager approves the visit with the window agreed with the customer. Never
    the order's engineer, nor an engineer approving a visit they asked for. HL-6: the visit is now
    arranged, so the ``onsite_arrangement`` clock is met."""
    now = _now(now)
    order = _begin(order, "approve", approver)
    refused = policies.approval_refusal(
        approver_id=approver.pk,
        roles=approver.role_names,
        requested_by_id=order.requested_by_id,
        engineer_id=order.engineer_id,
        rules=approver_rules(),
        calendar=_office_calendar(),
        now=now,
    )
    if refused:
        raise ValidationError(refused)
    start, end = agreed_start or order.agreed_start, agreed_end or order.agreed_end
    window = policies.window_problem(start=start, end=end, required=True)
    if window:
        raise ValidationError({"agreed_end": window})
    _move(order, "approve")
    order.agreed_start, order.agreed_end = start, end
    order.approved_by, order.approved_at = approver, now
    _save(order)
    _event(order, OnsiteEventKind.APPROVED, actor=approver, at=now, body=note.strip(), window=_window_text(order))
    sla.clock_stop(ticket=order.ticket, kind=ClockKind.ONSITE_ARRANGEMENT, at=now)  # HL-6
    return order


@transaction.atomic
def service_order_assign(*, order: ServiceOrder, engineer, actor, now: datetime.datetime | None = None) -> ServiceOrder:
    """Dispatch ``engineer`` (GN-3 ranks the candidates; the dispatcher decides). The engineer must
    not be on approved leave in the window nor be the approver (OS-1). Meets the ``dispatch`` clock
    (OS-8), tells the engineer and e-mails the customer the agreed window."""
    now = _now(now)
    order = _begin(order, "assign", actor)
    refused = dispatch_refusal_for(user=actor, now=now)  # ONSITE_DISPATCHER_ROLES (issue 17)
    if refused:
        raise ValidationError(refused)
    if not (engineer.is_active and engineer.has_role(Role.ENGINEER)):
        raise ValidationError({"engineer": _("%(name)s is not an active engineer.") % {"name": engineer}})
    refused = policies.assignment_refusal(engineer_id=engineer.pk, approved_by_id=order.approved_by_id)
    if refused:
        raise ValidationError({"engineer": refused})
    if not engineers_available(start=order.agreed_start, end=order.agreed_end).filter(pk=engineer.pk).exists():
        raise ValidationError({"engineer": _("%(name)s is on approved leave in the visit window.") % {"name": engineer}})
    previous = order.engineer
    if previous is not None and previous.pk != engineer.pk:
        order.precall_done_at = None  # OS-3: the new engineer makes their own call
    _move(order, "assign")
    order.engineer, order.assigned_by, order.assigned_at = engineer, actor, now
    _save(order)
    _event(
        order,
        OnsiteEventKind.ASSIGNED,
        actor=actor,
        at=now,
        body=_("%(engineer)s, %(window)s") % {"engineer": engineer.display_name, "window": _window_text(order)},
        engineer=engineer.pk,
        engineer_name=engineer.display_name,
        previous=previous.pk if previous else None,
    )
    sla.clock_stop(ticket=order.ticket, kind=ClockKind.DISPATCH, at=now)  # OS-8
    webhooks.order_dispatched_emit(order=order, now=now)  # GN-3, OS-8, issue 15
    # GN-6: the dispatched engineer owns the ticket (statistics, "my open tickets"), and the work
    # has started: a new ticket moves to "In progress" instead of jumping to "Resolved" at the signature.
    ticket_assign(ticket=order.ticket, assignee=engineer, actor=actor, now=now)
    if order.ticket.status == TicketStatus.NEW:
        ticket_transition(ticket=order.ticket, action="start", actor=actor, now=now)
    notification_send(
        recipients=[engineer],
        title=_("On-site visit %(window)s: %(customer)s")
        % {"window": _window_text(order), "customer": order.ticket.customer.name},
        body=order.problem,
        url=order.get_absolute_url(),
        kind="onsite_assigned",
        key=f"onsite-assigned:{order.pk}:{engineer.pk}:{order.agreed_start.isoformat()}",
        now=now,
    )
    _email_window_after_commit(order)
    return order


@outbox.handler(VISIT_WINDOW_TOPIC)
def visit_window_notice_send(*, order_id: int, now: datetime.datetime) -> bool:
    """OS-3: tell the customer's contact the agreed visit window and the engineer, once per window,
    by the contact's channel (e-mail, SMS or WeChat, servicedesk/notify) in the customer's language.
    False when there is nothing (new) to send or the contact cannot be reached on any channel.

    The topic and the Celery task keep their old name ``onsite.visit_window_email``: stored outbox
    rows and queued tasks carry it."""
    with transaction.atomic():
        order = (
            ServiceOrder.objects.select_for_update(of=("self",))
            .select_related("ticket__customer", "contact__customer", "engineer")
            .filter(pk=order_id)
            .first()
        )
        if order is None or not order.is_open or order.agreed_start is None or order.engineer is None:
            return False
        if order.window_emailed_for == order.agreed_start or order.contact is None:
            return False
        message = customer_message_send(
            contact=order.contact,
            kind=MessageKind.VISIT_WINDOW,
            ticket=order.ticket,
            context={
                "order": order,
                "start": timezone.localtime(order.agreed_start),
                "end": timezone.localtime(order.agreed_end),
                "window": _window_text(order),
                "engineer": order.engineer.display_name,
            },
            key=f"visit_window:{order.pk}:{order.agreed_start.isoformat()}",
            now=now,
        )
        if message is None or message.status == CustomerMessage.Status.SKIPPED:
            return False  # unreachable, or no active template (the skipped row says so in admin)
        order.window_emailed_for, order.window_emailed_at = order.agreed_start, now
        order.save(update_fields=["window_emailed_for", "window_emailed_at"])
    return True


# --- The visit (OS-2, OS-3, OS-4, OS-5, OS-8, OS-11) --------------------------------------------------


@transaction.atomic
def precall_attempt_record(
    *, order: ServiceOrder, engineer, reached: bool, checks: dict, note: str = "", now: datetime.datetime | None = None
) -> CallAttempt:
    """OS-3: the engineer's call before leaving. Reached: every checklist item is confirmed and the
    order moves to "pre-visit call done". Unreachable: logged, and the next try is due by the close
    of the engineer's next working day (``policies.call_retry_due``)."""
    now = _now(now)
    order = _begin(order, "call", engineer)
    ticked = {key: bool(checks.get(key)) for key in policies.PRECALL_CHECKS}
    if reached:
        missing = policies.checks_missing(checklist=policies.PRECALL_CHECKS, ticked=ticked)
        if missing:
            raise ValidationError(_("Go through the whole call checklist first: %(missing)s.") % {"missing": ", ".join(missing)})
    attempt = CallAttempt(order=order, called_at=now, called_by=engineer, reached=reached, note=note.strip(), **ticked)
    attempt.full_clean()
    attempt.save()
    if reached:
        _move(order, "call")
        order.precall_done_at, order.call_retry_due_at = now, None
        body = note.strip() or _("Customer reached; checklist done.")
    else:
        order.call_retry_due_at = policies.call_retry_due(attempted_at=now, calendar=employee_calendar(engineer))
        body = _("Customer unreachable; call again by %(due)s.") % {"due": _local(order.call_retry_due_at)}
        if note.strip():
            body += "\n" + note.strip()
    _save(order)
    _event(order, OnsiteEventKind.CALL, actor=engineer, at=now, body=body, reached=reached)
    return attempt


@transaction.atomic
def service_order_depart(
    *,
    order: ServiceOrder,
    engineer,
    can_solve: bool,
    address_known: bool,
    confirm_early: bool = False,
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """OS-2: the engineer leaves only when sure they can solve it and knows the address; otherwise
    they consult the hotline first. A trip already recorded for an earlier visit makes this a new
    trip to record (OS-7). Leaving well before the agreed window asks ``confirm_early`` first and
    then notes it on the timeline (issue 17)."""
    now = _now(now)
    order = _begin(order, "depart", engineer)
    missing = policies.checks_missing(
        checklist=policies.DEPART_CHECKS, ticked={"can_solve": can_solve, "address_known": address_known}
    )
    if missing:
        raise ValidationError(_("Consult the hotline before leaving: %(missing)s.") % {"missing": ", ".join(missing)})  # OS-2
    early = _early_confirmed(order, now=now, confirm_early=confirm_early)
    _move(order, "depart")
    order.departed_at = now
    if order.trip_recorded_at is not None:
        order.trip_recorded_at, order.trip_due_at = None, None
    _save(order)
    _event(order, OnsiteEventKind.DEPARTED, actor=engineer, at=now, body=_early_note(early), **early)
    return order


@transaction.atomic
def service_order_check_in(
    *,
    order: ServiceOrder,
    engineer,
    latitude=None,
    longitude=None,
    accuracy=None,
    confirm_early: bool = False,
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """The engineer is on site: time and, when the phone gave it, position. Meets ``arrive`` (OS-8).
    Checking in well before the agreed window asks ``confirm_early`` first (issue 17)."""
    now = _now(now)
    order = _begin(order, "check_in", engineer)
    early = _early_confirmed(order, now=now, confirm_early=confirm_early)
    lat, lon, acc = _position(latitude, longitude, accuracy)
    _move(order, "check_in")
    order.checked_in_at, order.checkin_latitude, order.checkin_longitude, order.checkin_accuracy = now, lat, lon, acc
    order.checked_out_at = None
    _save(order)
    _event(
        order, OnsiteEventKind.CHECKED_IN, actor=engineer, at=now,
        latitude=str(lat) if lat is not None else None, longitude=str(lon) if lon is not None else None,
        body=_early_note(early), **early,
    )  # fmt: skip
    sla.clock_stop(ticket=order.ticket, kind=ClockKind.ARRIVE, at=now)  # OS-8
    return order


@transaction.atomic
def work_report_submit(
    *,
    order: ServiceOrder,
    engineer,
    checks: dict,
    cause: str,
    actions: str,
    prevention: str = "",
    parts: list[dict] = (),
    now: datetime.datetime | None = None,
) -> WorkReport:
    """OS-4: every on-site step ticked, cause and actions written; OS-11: the parts used, each with
    its quantity and time; a part sent back to the factory is due back within five working days
    (``ONSITE_FACTORY_REPAIR_DAYS``, office calendar).

    A part row with ``part`` (a catalogue ``Part`` from the engineer's van, issue 16) is taken out
    of the van through ``parts.services.part_consume`` in this transaction, linked to its
    ``PartUsed`` row (counted once; ``serial_out``/``serial_in`` swap a serial-tracked unit on the
    installation). A refused consumption ("Only 0 left in van of ...") refuses the whole report:
    nothing is saved. A row with only a ``name`` is a part not in the catalogue (bought on the way,
    the customer's own): on the report, not on the stock ledger."""
    now = _now(now)
    order = _begin(order, "report", engineer)
    ticked = {key: bool(checks.get(key)) for key in policies.ONSITE_CHECKS}
    missing = policies.checks_missing(checklist=policies.ONSITE_CHECKS, ticked=ticked)
    if missing:
        raise ValidationError(_("Finish the on-site checklist first: %(missing)s.") % {"missing": ", ".join(missing)})  # OS-4
    report = WorkReport(
        order=order,
        cause=_require_text(cause, field="cause", message=_("Write down the cause.")),
        actions=_require_text(actions, field="actions", message=_("Write down what you did.")),
        prevention=(prevention or "").strip(),
        reported_at=now,
        reported_by=engineer,
        **ticked,
    )
    report.full_clean()
    report.save()
    today = timezone.localdate(now)
    calendar = None
    rows = []
    for index, part in enumerate(parts, start=1):
        to_factory = bool(part.get("return_to_factory"))
        if to_factory and calendar is None:
            calendar = _office_calendar()
        catalogue_part = part.get("part")
        row = PartUsed(
            report=report,
            name=catalogue_part.name if catalogue_part else (part.get("name") or "").strip(),
            part_number=catalogue_part.number if catalogue_part else (part.get("part_number") or "").strip(),
            quantity=part.get("quantity") or 1,
            used_at=now,
            return_to_factory=to_factory,
            factory_due_on=policies.factory_repair_due(
                sent_on=today, calendar=calendar, working_days=settings.SERVICEDESK["ONSITE_FACTORY_REPAIR_DAYS"]
            )
            if to_factory
            else None,
        )
        row.full_clean()
        row.save()
        rows.append(row)
        if catalogue_part is not None:
            _van_part_consume(
                order=order, engineer=engineer, row=row, part=catalogue_part, index=index, now=now,
                serial_out=part.get("serial_out") or "", serial_in=part.get("serial_in") or "",
            )  # fmt: skip
    _move(order, "report")
    _save(order)
    _event(
        order,
        OnsiteEventKind.WORK_DONE,
        actor=engineer,
        at=now,
        body=_("Cause: %(cause)s\nActions: %(actions)s") % {"cause": report.cause, "actions": report.actions},
        parts=[{"name": p.name, "quantity": p.quantity, "factory": p.return_to_factory} for p in rows],
    )
    return report


def _van_part_consume(*, order, engineer, row: PartUsed, part, index: int, now, serial_out: str, serial_in: str) -> None:
    """Issue 16, OS-11: one van part of the work report out of the van (see ``work_report_submit``).
    The move's key is the report row's own: one report row, one move, whatever resends."""
    # Imported here: the parts app builds on this module (its services use part_factory_returned).
    from onsite.parts.services import part_consume

    try:
        part_consume(
            order=order, part=part, quantity=row.quantity, engineer=engineer, serial_out=serial_out,
            serial_in=serial_in, key=f"onsite-report-part:{row.pk}", now=now, part_used=row,
        )  # fmt: skip
    except ValidationError as exc:
        raise ValidationError(
            _("Parts row %(row)s (%(part)s): %(problem)s") % {"row": index, "part": part.name, "problem": " ".join(exc.messages)}
        ) from exc


def _resolution_text(report: WorkReport) -> str:
    text = _("On-site service: %(cause)s\n%(actions)s") % {"cause": report.cause, "actions": report.actions}
    if report.prevention:
        text += "\n" + report.prevention
    return text


@transaction.atomic
def service_order_sign(
    *,
    order: ServiceOrder,
    engineer,
    signature_png: bytes,
    customer_name: str,
    rating: int,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> SignOff:
    """OS-4: the customer signs the service feedback form on the engineer's phone and rates the
    service 1-5 (OS-10). The signature must be a real, non-empty PNG of bounded size; it is stored
    as a file with its SHA-256 checksum.

    Deadlines start: the signed form is handed in (OS-6, ST-8) and the trip written into the service
    record (OS-7, ST-10) by the end of the next working day. The ``resolve`` clock is met (OS-8) and
    the ticket is resolved with the work report as its resolution when it is still open; a ticket
    that cannot be resolved yet (e.g. a remote record is missing, RM-1) stays open with a note.
    """
    now = _now(now)
    order = _begin(order, "sign", engineer)
    image = signature_png_check(signature_png, max_bytes=settings.SERVICEDESK["ONSITE_SIGNATURE_MAX_KB"] * 1024)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Ask the customer for a rating from 1 to 5.")})
    sign_off = SignOff(
        order=order,
        customer_name=_require_text(customer_name, field="customer_name", message=_("Write the name of the customer who signs.")),
        rating=rating,
        comment=(comment or "").strip(),
        signed_at=now,
        recorded_by=engineer,
        signature_sha256=hashlib.sha256(image.data).hexdigest(),
    )
    sign_off.full_clean(exclude=["signature"])
    sign_off.signature.save("signature.png", ContentFile(image.data), save=False)
    stored = sign_off.signature
    try:  # the file is written first; remove it again when the rows cannot be saved
        sign_off.save()
        _move(order, "sign")
        calendar = _office_calendar()
        order.form_due_at = policies.next_day_deadline(at=now, calendar=calendar)
        _trip_due(order, now)
        _save(order)
    except Exception:
        stored.storage.delete(stored.name)
        raise
    _event(
        order,
        OnsiteEventKind.SIGNED,
        actor=engineer,
        at=now,
        body=_("%(name)s signed; rating %(rating)d/5. %(comment)s")
        % {"name": sign_off.customer_name, "rating": rating, "comment": sign_off.comment},
        rating=rating,
        form_due_at=order.form_due_at.isoformat(),
    )
    care.callback_for_service_order(order=order, now=now)  # CB-1, OS-10: the feedback form arrived
    webhooks.order_completed_emit(order=order, sign_off=sign_off, now=now)  # OS-4, issue 15
    ticket = order.ticket
    sla.clock_stop(ticket=ticket, kind=ClockKind.RESOLVE, at=now)  # OS-8: solved when the customer signs
    if ticket.status in OPEN_STATUSES:
        try:
            ticket_transition(
                ticket=ticket, action="resolve", actor=engineer, resolution=_resolution_text(order.work_report), now=now
            )
        except TransitionNotAllowed as exc:
            _event(order, OnsiteEventKind.SIGNED, actor=None, at=now, body=_("Ticket not resolved: %(why)s") % {"why": exc.message})
    return sign_off


@transaction.atomic
def service_order_check_out(
    *, order: ServiceOrder, engineer, latitude=None, longitude=None, accuracy=None, now: datetime.datetime | None = None
) -> ServiceOrder:
    """The engineer leaves the site: time and, when the phone gave it, position."""
    now = _now(now)
    order = _lock(order)
    _require_own_engineer(order, engineer)
    refused = policies.check_out_refusal(
        status=order.status, checked_in_at=order.checked_in_at, checked_out_at=order.checked_out_at
    )
    if refused:
        raise ValidationError(refused)
    lat, lon, acc = _position(latitude, longitude, accuracy)
    order.checked_out_at, order.checkout_latitude, order.checkout_longitude, order.checkout_accuracy = now, lat, lon, acc
    _save(order)
    _event(order, OnsiteEventKind.CHECKED_OUT, actor=engineer, at=now)
    return order


@transaction.atomic
def service_form_hand_in(*, order: ServiceOrder, actor, now: datetime.datetime | None = None) -> ServiceOrder:
    """OS-6: the signed service feedback form is handed in (by the engineer, or recorded by the
    manager who received it). Late is late: the daily check still proposes ST-8 for it."""
    now = _now(now)
    order = _begin(order, "hand_in", actor)
    _move(order, "hand_in")
    order.form_handed_in_at, order.form_handed_in_by = now, actor
    _save(order)
    late = policies.is_past(due_at=order.form_due_at, done_at=now, now=now)
    _event(order, OnsiteEventKind.HANDED_IN, actor=actor, at=now, late=late)
    return order


@transaction.atomic
def trip_record_write(*, order: ServiceOrder, engineer, text: str, now: datetime.datetime | None = None) -> ServiceOrder:
    """OS-7: once the trip has ended (signed, rescheduled or cancelled after leaving) the engineer
    writes it into the service record (the ticket's timeline and the order). Each trip once; a later
    visit of the same order is a new trip."""
    now = _now(now)
    order = _lock(order)
    _require_own_engineer(order, engineer)
    refused = policies.trip_record_refusal(
        status=order.status, departed_at=order.departed_at, trip_recorded_at=order.trip_recorded_at
    )
    if refused:
        raise ValidationError(refused)
    text = _require_text(text, field="text", message=_("Describe the trip: route, times, what was done."))
    heading = f"[{_local(order.departed_at)}]"
    order.trip_record = f"{order.trip_record}\n\n{heading} {text}".strip()
    order.trip_recorded_at = now
    _save(order)
    _event(order, OnsiteEventKind.TRIP_RECORDED, actor=engineer, at=now, body=text)
    return order


@transaction.atomic
def service_order_escalate(*, order: ServiceOrder, engineer, reason: str, now: datetime.datetime | None = None) -> ServiceOrder:
    """OS-5: the engineer cannot solve it on site; after telling the customer they ask the duty
    manager for support, who is notified at once (in the app and by e-mail)."""
    now = _now(now)
    order = _begin(order, "escalate", engineer)
    reason = _require_text(reason, field="reason", message=_("Say what you need help with."))
    _move(order, "escalate")
    _save(order)
    event = _event(order, OnsiteEventKind.ESCALATED, actor=engineer, at=now, body=reason)
    phone = f" ({engineer.phone})" if engineer.phone else ""
    notification_send(
        recipients=list(duty_managers_on_shift(at=now)),
        title=_("On-site support needed: %(customer)s (%(number)s)")
        % {"customer": order.ticket.customer.name, "number": order.ticket.number},
        body=_("%(engineer)s%(phone)s at %(address)s: %(reason)s")
        % {"engineer": engineer.display_name, "phone": phone, "address": order.site_address, "reason": reason},
        url=order.get_absolute_url(),
        kind="onsite_escalation",
        key=f"onsite-escalation:{event.pk}",
        now=now,
    )
    return order


@transaction.atomic
def service_order_resume(*, order: ServiceOrder, actor, note: str = "", now: datetime.datetime | None = None) -> ServiceOrder:
    """After an escalation: support given, the engineer carries on on site."""
    now = _now(now)
    order = _begin(order, "resume", actor)
    _move(order, "resume")
    _save(order)
    _event(order, OnsiteEventKind.RESUMED, actor=actor, at=now, body=note.strip())
    return order


@transaction.atomic
def service_order_reschedule(
    *,
    order: ServiceOrder,
    actor,
    caused_by: str,
    reason: str,
    new_start: datetime.datetime,
    new_end: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Reschedule:
    """OS-9: a late arrival or missed appointment is rebooked with a reason and who caused it
    (company-caused misses are counted per engineer). The engineer calls the customer again before
    the new visit (OS-3); a trip already made is due in the service record (OS-7). The customer is
    told the new window (OS-3 notice, by their channel)."""
    now = _now(now)
    order = _begin(order, "reschedule", actor)
    if caused_by not in MissCause.values:
        raise ValidationError({"caused_by": _("Say who caused the change.")})
    reason = _require_text(reason, field="reason", message=_("Give the reason for the change."))
    window = policies.window_problem(start=new_start, end=new_end, required=True)
    if window:
        raise ValidationError({"new_end": window})
    row = Reschedule(
        order=order,
        caused_by=caused_by,
        reason=reason,
        old_start=order.agreed_start,
        old_end=order.agreed_end,
        new_start=new_start,
        new_end=new_end,
        engineer=order.engineer,
        recorded_by=actor,
        recorded_at=now,
    )
    row.full_clean()
    row.save()
    _move(order, "reschedule")
    order.agreed_start, order.agreed_end = new_start, new_end
    order.precall_done_at = None
    _trip_due(order, now)
    _save(order)
    _event(
        order,
        OnsiteEventKind.RESCHEDULED,
        actor=actor,
        at=now,
        body=f"{row.get_caused_by_display()}: {reason}",
        caused_by=caused_by,
        window=_window_text(order),
    )
    if order.engineer_id:
        _email_window_after_commit(order)
    return row


@transaction.atomic
def service_order_cancel(*, order: ServiceOrder, actor, reason: str, now: datetime.datetime | None = None) -> ServiceOrder:
    """The visit is no longer needed; its pending dispatch, arrival and arrangement clocks are
    cancelled. A trip already made still has to be recorded (OS-7)."""
    now = _now(now)
    order = _begin(order, "cancel", actor)
    order.cancel_reason = _require_text(reason, field="reason", message=_("Give the reason for cancelling."))
    _move(order, "cancel")
    _trip_due(order, now)
    _save(order)
    _event(order, OnsiteEventKind.CANCELLED, actor=actor, at=now, body=order.cancel_reason)
    for kind in (ClockKind.ONSITE_ARRANGEMENT, ClockKind.DISPATCH, ClockKind.ARRIVE):
        sla.clock_cancel(ticket=order.ticket, kind=kind, at=now, reason="on-site order cancelled")
    return order


@transaction.atomic
def service_order_close(*, order: ServiceOrder, actor, now: datetime.datetime | None = None) -> ServiceOrder:
    """A manager closes the order once the signed form is handed in and the trip is recorded (OS-7)."""
    now = _now(now)
    order = _begin(order, "close", actor)
    if order.departed_at is not None and order.trip_recorded_at is None:
        raise ValidationError(_("The engineer has not written the trip into the service record yet."))  # OS-7
    _move(order, "close")
    order.closed_at, order.closed_by = now, actor
    _save(order)
    _event(order, OnsiteEventKind.CLOSED, actor=actor, at=now)
    return order


@transaction.atomic
def part_factory_returned(
    *, part: PartUsed, actor, returned_on: datetime.date, now: datetime.datetime | None = None
) -> PartUsed:
    """OS-11: a part is back from the factory repair (late when after its due date)."""
    now = _now(now)
    part = PartUsed.objects.select_for_update(of=("self",)).select_related("report__order__ticket").get(pk=part.pk)
    if not part.return_to_factory or part.factory_returned_on is not None:
        raise ValidationError(_("This part is not waiting for a factory repair."))
    if not actor.has_role(*policies.DISPATCH_ROLES):
        raise ValidationError(_("You cannot do that."))
    part.factory_returned_on = returned_on
    part.full_clean()
    part.save()
    order = part.report.order
    late = returned_on > part.factory_due_on
    _event(order, OnsiteEventKind.PART_RETURNED, actor=actor, at=now, body=f"{part.name} x {part.quantity}", late=late)
    return part


# --- Visit photos (issue 16) --------------------------------------------------------------------------


def photo_add_refusal_for(*, order: ServiceOrder, user, photo_count: int) -> str | None:
    """Whether ``user`` may add a photo to ``order`` now (the order page offers the form only then)."""
    return policies.photo_add_refusal(
        status=order.status,
        checked_out_at=order.checked_out_at,
        roles=user.role_names,
        is_order_engineer=order.engineer_id is not None and order.engineer_id == user.pk,
        photo_count=photo_count,
        max_photos=settings.SERVICEDESK["PHOTO_MAX_PER_ORDER"],
    )


def _photo_repeat(*, key: str, order: ServiceOrder, actor) -> OrderPhoto | None:
    """The photo already stored under ``key`` (a form sent twice), or None."""
    if not key:
        return None
    photo = OrderPhoto.objects.filter(key=key).first()
    if photo is not None and (photo.order_id != order.pk or photo.added_by_id != actor.pk):
        raise PermissionDenied(_("This form was sent by someone else."))
    return photo


def _delete_files(files) -> None:
    for stored in files:
        if stored.name:
            stored.storage.delete(stored.name)


def _photo_name(upload, *, extension: str, order: ServiceOrder) -> str:
    stem = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return f"{(stem or order.code)[:150]}.{extension}"


@transaction.atomic
def order_photo_add(
    *, order: ServiceOrder, actor, upload, caption: str = "", key: str = "", now: datetime.datetime | None = None
) -> OrderPhoto:
    """A photo taken on the visit, by the order's engineer (from check-in until check-out) or a
    service manager. The file is checked (a JPEG, PNG or WebP within ``PHOTO_MAX_MB`` and
    ``PHOTO_MAX_PIXELS``), turned upright, stripped of its EXIF/GPS metadata unless
    ``PHOTO_KEEP_LOCATION`` is on, and stored as a ticket attachment with a thumbnail; the ticket's
    timeline gets a line with it. The same non-empty ``key`` twice stores one photo: the repeat
    returns the first (the unique key also settles two requests at once)."""
    return _photo_store(order=order, actor=actor, upload=upload, caption=caption, key=key, now=_now(now))[0]


def _photo_store(*, order, actor, upload, caption: str, key: str, now) -> tuple[OrderPhoto, bool]:
    """``order_photo_add``; also says whether the photo is new (False: a repeat of ``key``)."""
    repeat = _photo_repeat(key=key, order=order, actor=actor)
    if repeat is not None:
        return repeat, False
    order = _lock(order)
    refused = photo_add_refusal_for(order=order, user=actor, photo_count=order.photos.count())
    if refused:
        raise ValidationError(refused)
    conf = settings.SERVICEDESK
    processed = photo_process(
        upload,
        max_bytes=conf["PHOTO_MAX_MB"] * 1024 * 1024,
        max_pixels=conf["PHOTO_MAX_PIXELS"],
        max_side=conf["PHOTO_MAX_SIDE"],
        thumb_side=conf["PHOTO_THUMB_PX"],
        keep_location=conf["PHOTO_KEEP_LOCATION"],
    )
    name = _photo_name(upload, extension=processed.extension, order=order)
    attachment = TicketAttachment(
        ticket=order.ticket,
        name=name,
        content_type=processed.content_type,
        size=len(processed.data),
        source=TicketAttachment.Source.ONSITE,
        uploaded_by=actor,
        created_at=now,
    )
    photo = OrderPhoto(
        order=order,
        caption=(caption or "").strip(),
        width=processed.width,
        height=processed.height,
        location_kept=processed.location_kept,
        key=key or "",
        added_by=actor,
        added_at=now,
    )
    attachment.full_clean(exclude=["file"])
    photo.full_clean(exclude=["attachment", "thumbnail"], validate_constraints=False)  # the key: below
    attachment.file.save(name, ContentFile(processed.data), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(processed.thumbnail), save=False)
    stored = [attachment.file, photo.thumbnail]
    try:  # the files are written first; remove them again when the rows cannot be saved
        with transaction.atomic():  # savepoint: a twin with the same key may have committed meanwhile
            attachment.save()
            photo.attachment = attachment
            photo.save()
    except IntegrityError:
        _delete_files(stored)
        repeat = _photo_repeat(key=key, order=order, actor=actor)
        if repeat is None:
            raise
        return repeat, False
    except Exception:
        _delete_files(stored)
        raise
    _event(
        order,
        OnsiteEventKind.PHOTO_ADDED,
        actor=actor,
        at=now,
        body=photo.caption,
        photo=photo.pk,
        attachment=attachment.pk,
    )
    return photo, True


@transaction.atomic
def order_photos_add(
    *, order: ServiceOrder, actor, uploads, caption: str = "", key: str = "", now: datetime.datetime | None = None
) -> list[OrderPhoto]:
    """Several photos of one upload form, all or none; each file has its own key (``key-1``, ...)."""
    now = _now(now)
    photos, written = [], []
    try:
        for number, upload in enumerate(uploads, start=1):
            photo, created = _photo_store(
                order=order, actor=actor, upload=upload, caption=caption, key=f"{key}-{number}" if key else "", now=now
            )
            photos.append(photo)
            if created:
                written += [photo.attachment.file, photo.thumbnail]
    except Exception:
        _delete_files(written)  # their rows roll back with this transaction; so must their files
        raise
    return photos


# --- Deadlines (OS-6/ST-8, OS-7/ST-10): called by the daily task ---------------------------------------


def _report_late(*, order_id: int, now, due_field: str, done_field: str, flag_field: str, rule_code: str, details: str) -> bool:
    order = ServiceOrder.objects.select_related("engineer", "ticket").filter(pk=order_id).first()
    if order is None or order.engineer is None:
        return False
    due_at = getattr(order, due_field)
    if not policies.is_past(due_at=due_at, done_at=getattr(order, done_field), now=now):
        return False
    # Exactly once per order: only the run that flips the flag proposes (penalty_propose is
    # idempotent per rule and source as well).
    claimed = ServiceOrder.objects.filter(pk=order_id, **{f"{flag_field}__isnull": True}).update(**{flag_field: now})
    if not claimed:
        return False
    penalty_propose(
        rule_code=rule_code,
        employee=order.engineer,
        source=order,
        occurred_at=due_at,
        details=details % {"code": order.code, "number": order.ticket.number, "due": _local(due_at)},
    )
    return True


@transaction.atomic
def service_form_late_report(*, order_id: int, now: datetime.datetime) -> bool:
    """ST-8 (OS-6): propose the fine when the signed form was not handed in by its deadline."""
    return _report_late(
        order_id=order_id, now=now, due_field="form_due_at", done_field="form_handed_in_at",
        flag_field="form_late_reported_at", rule_code="st8-late-service-form",
        details=_("Service form of %(code)s (%(number)s) not handed in by %(due)s."),
    )  # fmt: skip


@transaction.atomic
def trip_record_late_report(*, order_id: int, now: datetime.datetime) -> bool:
    """ST-10 (OS-7): propose the fine when the trip was not in the service record by its deadline."""
    return _report_late(
        order_id=order_id, now=now, due_field="trip_due_at", done_field="trip_recorded_at",
        flag_field="trip_late_reported_at", rule_code="st10-trip-not-recorded",
        details=_("Field trip of %(code)s (%(number)s) not written into the service record by %(due)s."),
    )  # fmt: skip
