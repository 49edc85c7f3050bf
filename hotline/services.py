"""Every write of the hotline: the call record (HL-1, HL-5), its outcomes with their follow-ups
(HL-6, HL-7, HL-8, HL-10, HL-11), the duty manager's and the agent's queue work, the CTI events.

``call_log_submit`` is what the call screen calls: intake and outcome in one transaction, so a call
is never half logged. The outcome functions can also be called on their own for a call that
already has its intake (and its ticket).
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from onsite.models import ServiceOrder
from onsite.services import service_order_request
from servicedesk.core.services import notification_send
from tickets import services as ticket_services
from tickets.models import Contact, Customer, Installation, Region, Ticket
from tickets.models.tickets import OPEN_STATUSES, Channel, TicketType
from tickets.phones import normalize_phone
from tickets.policies import ContractState, contract_state
from tickets.selectors import contract_in_force
from tickets.sla import services as sla
from tickets.sla.models import ClockKind

from . import policies
from .models import (
    CallbackPromise,
    CallLog,
    DiagnosticChecklist,
    DutyRequest,
    DutyRequestKind,
    ForbiddenPhrase,
    HotlineEventKind,
    Outcome,
)
from .selectors import duty_managers_on_shift


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str | None) -> str:
    return (value or "").strip()


def active_forbidden_phrases() -> list[str]:
    return list(ForbiddenPhrase.objects.filter(is_active=True).values_list("phrase", flat=True))


# --- Intake (HL-1, HL-5, HL-12, HL-13) ------------------------------------------------------------


def caller_customer_get_or_create(
    *, organisation: str, region: Region | None, address: str, phone: str, contact_name: str, email: str = ""
) -> tuple[Customer, Contact | None]:
    """An unknown caller: the customer by its exact full name, or a new one, and a new contact.
    Also how the public request form (issue 14) turns an unknown requester into a customer."""
    customer, _created = ticket_services.customer_get_or_create(
        name=organisation, region=region, address=address, phone=phone
    )
    contact = None
    if contact_name:
        digits = normalize_phone(phone)
        is_mobile = len(digits) == 11 and digits.startswith("1")
        contact = ticket_services.contact_create(
            customer=customer,
            name=contact_name,
            mobile=phone if is_mobile else "",
            phone="" if is_mobile else phone,
            email=email,
        )
    return customer, contact


def _contract_facts(*, customer: Customer, installation: Installation | None, on: datetime.date) -> tuple[str, Any]:
    """HL-13: the contract state the agent saw and the end date to record."""
    contract = contract_in_force(customer=customer, installation=installation, on=on)
    if contract is None:
        contract = customer.contracts.order_by("-end_date").first()
    if contract is None:
        return ContractState.NONE, None
    state = contract_state(
        start_date=contract.start_date,
        end_date=contract.end_date,
        today=on,
        warning_days=settings.SERVICEDESK["CONTRACT_EXPIRY_WARNING_DAYS"],
    )
    return state, contract.end_date


@transaction.atomic
def call_intake_record(
    *,
    agent,
    started_at: datetime.datetime,
    caller_phone: str,
    organisation: str,
    problem: str,
    call: CallLog | None = None,
    customer: Customer | None = None,
    contact: Contact | None = None,
    contact_name: str = "",
    address: str = "",
    region: Region | None = None,
    installation: Installation | None = None,
    checklist: DiagnosticChecklist | None = None,
    checklist_answers: list[dict] | None = None,
    handling: str = "",
    seat: str = "",
    answered_at: datetime.datetime | None = None,
    ring_seconds: int | None = None,
    now: datetime.datetime | None = None,
) -> CallLog:
    """HL-1, HL-12: write what the agent asked, in intake order, onto the call (new, or the one the
    PBX reported). An unknown caller becomes a customer and a contact. Records the contract state
    and end date (HL-13) and the forbidden phrases in the notes (HL-14)."""
    now = _now(now)
    organisation, caller_phone, problem = _text(organisation), _text(caller_phone), _text(problem)
    errors = {}
    if not organisation and customer is None:
        errors["organisation"] = _("Ask for the organisation's full name first.")  # HL-12
    if not caller_phone:
        errors["caller_phone"] = _("Enter the caller's phone number.")
    if not problem:
        errors["problem"] = _("Describe the problem.")
    if errors:
        raise ValidationError(errors)
    if call is not None:
        call = CallLog.objects.select_for_update().get(pk=call.pk)
        if call.is_logged:
            raise ValidationError(_("This call has been logged already."))
    else:
        call = CallLog(started_at=started_at, answered_at=answered_at, ring_seconds=ring_seconds)
    if customer is None:
        customer, new_contact = caller_customer_get_or_create(
            organisation=organisation, region=region, address=_text(address), phone=caller_phone, contact_name=_text(contact_name)
        )
        contact = contact or new_contact
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    if installation is not None and installation.customer_id != customer.pk:
        raise ValidationError({"installation": _("This installation belongs to another customer.")})
    call.agent = call.agent or agent
    call.seat = call.seat or seat
    call.caller_phone = caller_phone
    call.customer, call.contact, call.installation = customer, contact, installation
    call.organisation = organisation or customer.name
    call.address = _text(address) or (installation.address if installation else customer.address)
    call.contact_name = _text(contact_name) or (contact.name if contact else "")
    call.region = region or customer.region
    call.problem, call.handling = problem, _text(handling)
    call.checklist = checklist
    call.checklist_answers = [row for row in (checklist_answers or []) if _text(row.get("answer"))]
    if call.ring_seconds is None:
        call.ring_seconds = policies.ring_seconds(started_at=call.started_at, answered_at=call.answered_at)
    call.contract_state, call.contract_end_date = _contract_facts(
        customer=customer, installation=installation, on=timezone.localdate(call.started_at)
    )
    call.flagged_phrases = policies.forbidden_phrases_in(
        texts=[problem, call.handling, *(row.get("answer", "") for row in call.checklist_answers)],
        phrases=active_forbidden_phrases(),
    )
    call.full_clean()
    call.save()
    return call


def _problem_text(call: CallLog) -> str:
    lines = [call.problem]
    if call.checklist_answers:
        lines.append("")
        lines.extend(f"- {row['question']}: {row['answer']}" for row in call.checklist_answers)
    if call.handling:
        lines.extend(["", _("Handling on the call: %(text)s") % {"text": call.handling}])
    return "\n".join(lines)


def _subject(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:120] or _("Hotline call")


@transaction.atomic
def call_ticket_attach(
    *, call: CallLog, actor, ticket: Ticket | None = None, type: str = TicketType.FAULT, now: datetime.datetime | None = None
) -> Ticket:
    """Link the call to the customer's open ticket about the same problem, or open a new ticket
    (GN-1) at the call time. The ticket timeline records the call either way."""
    now = _now(now)
    if ticket is not None:
        if ticket.customer_id != call.customer_id:
            raise ValidationError({"link_ticket": _("That ticket belongs to another customer.")})
        if ticket.status not in OPEN_STATUSES:
            raise ValidationError({"link_ticket": _("That ticket is no longer open; open a new one.")})
    else:
        ticket = ticket_services.ticket_create(
            customer=call.customer,
            contact=call.contact,
            installation=call.installation,
            subject=_subject(call.problem),
            description=_problem_text(call),
            type=type,
            channel=Channel.HOTLINE,
            created_by=actor,
            now=call.started_at,
        )
    call.ticket = ticket
    call.save(update_fields=["ticket"])
    ticket_services.ticket_event_record(
        ticket=ticket,
        kind=HotlineEventKind.CALL_LOGGED,
        actor=actor,
        at=now,
        body=_problem_text(call),
        data={"call": call.pk, "phone": call.caller_phone, "seat": call.seat},
    )
    return ticket


def _finish(call: CallLog, *, outcome: str, actor, now: datetime.datetime) -> CallLog:
    call.outcome = outcome
    call.logged_at = now
    call.logged_by = actor
    if call.ended_at is None and call.pbx_call_id is None:
        call.ended_at = max(now, call.started_at)  # the agent logs a manual call when it ends
    call.full_clean()
    call.save()
    return call


def _require_ticket(call: CallLog, actor, now) -> Ticket:
    return call.ticket or call_ticket_attach(call=call, actor=actor, now=now)


# --- Outcomes ------------------------------------------------------------------------------------------


@transaction.atomic
def call_solve_on_phone(*, call: CallLog, actor, resolution: str, now: datetime.datetime | None = None) -> CallLog:
    """Solved on the phone: the ticket is resolved (the satisfaction callback, CB-1, hooks that)."""
    now = _now(now)
    if not _text(resolution):
        raise ValidationError({"resolution": _("Say how the problem was solved.")})
    ticket = _require_ticket(call, actor, now)
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=actor, resolution=resolution, now=now)
    return _finish(call, outcome=Outcome.SOLVED, actor=actor, now=now)


@transaction.atomic
def call_callback_promise(
    *, call: CallLog, actor, owner, due_at: datetime.datetime, note: str, now: datetime.datetime | None = None
) -> CallbackPromise:
    """HL-11: a question not answerable on the call: ``owner`` reproduces the fault and calls back by
    ``due_at``; the promise stays in the owner's queue until done."""
    now = _now(now)
    problem = policies.callback_due_problem(due_at=due_at, now=now)
    if problem:
        raise ValidationError({"callback_due_at": problem})
    if owner is None or not owner.is_active:
        raise ValidationError({"callback_owner": _("Choose who calls back.")})
    ticket = _require_ticket(call, actor, now)
    promise = CallbackPromise(call=call, ticket=ticket, owner=owner, due_at=due_at, note=_text(note), created_at=now)
    promise.full_clean()
    promise.save()
    ticket_services.ticket_event_record(
        ticket=ticket,
        kind=HotlineEventKind.CALLBACK_PROMISED,
        actor=actor,
        at=now,
        body=promise.note,
        data={"owner": owner.pk, "owner_name": owner.display_name, "due_at": due_at.isoformat()},
    )
    if owner.pk != actor.pk:
        notification_send(
            recipients=[owner],
            title=_("Call-back promised to %(customer)s by %(due)s")
            % {"customer": call.organisation, "due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")},
            body=promise.note,
            url=reverse("hotline:my_callbacks"),
            kind="hotline_callback",
            key=f"hotline-promise-{promise.pk}",
            now=now,
        )
    _finish(call, outcome=Outcome.CALLBACK, actor=actor, now=now)
    return promise


@transaction.atomic
def call_onsite_request(
    *,
    call: CallLog,
    actor,
    agreed_start: datetime.datetime | None,
    agreed_end: datetime.datetime | None,
    site_address: str = "",
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """HL-6: not solvable by phone: the on-site request with the visit window the agent offered and
    the customer agreed, starting within three days of the call; the offered date is the window's
    first day. The 24-hour arrangement clock counts from the call; the contract end date is on the
    call (HL-13)."""
    now = _now(now)
    problems = policies.visit_window_problems(
        start=agreed_start,
        end=agreed_end,
        called_at=call.started_at,
        max_days=settings.SERVICEDESK["ONSITE_OFFER_DAYS"],
    )
    if problems:
        raise ValidationError(problems)
    ticket = _require_ticket(call, actor, now)
    # HL-6: 24 h from the call, also when the call joined an older ticket (onsite keeps a started clock).
    sla.clock_start(ticket=ticket, kind=ClockKind.ONSITE_ARRANGEMENT, started_at=call.started_at)
    order = service_order_request(
        ticket=ticket,
        requested_by=actor,
        problem=_problem_text(call),
        contact=call.contact,
        site_address=site_address,
        offered_by=policies.visit_offered_date(start=agreed_start),
        agreed_start=agreed_start,
        agreed_end=agreed_end,
        now=call.started_at,
    )
    _finish(call, outcome=Outcome.ONSITE, actor=actor, now=now)
    return order


def _duty_request(*, call: CallLog, actor, kind: str, demands: str, now) -> DutyRequest:
    if not _text(demands):
        raise ValidationError({"demands": _("Write down what the customer demands.")})
    ticket = _require_ticket(call, actor, now)
    due_at = None
    managers = list(duty_managers_on_shift(at=now))
    if kind == DutyRequestKind.URGENT_VISIT:
        # HL-7: the duty manager calls back within the dm_callback target (1 h, SLA policy row).
        clock = sla.clock_start(
            ticket=ticket, kind=ClockKind.DM_CALLBACK, started_at=now, owner=managers[0] if len(managers) == 1 else None
        )
        due_at = clock.due_at if clock is not None else None
    request = DutyRequest(kind=kind, call=call, ticket=ticket, demands=_text(demands), due_at=due_at, created_at=now)
    request.full_clean()
    request.save()
    ticket_services.ticket_event_record(
        ticket=ticket,
        kind=HotlineEventKind.DUTY_REQUEST,
        actor=actor,
        at=now,
        body=request.demands,
        data={"kind": kind, "due_at": due_at.isoformat() if due_at else None, "to": [m.pk for m in managers]},
    )
    title = (
        _("Call back within 1 hour: %(customer)s wants a visit (%(number)s)")
        if kind == DutyRequestKind.URGENT_VISIT
        else _("Offered visit time rejected: %(customer)s (%(number)s)")
    )
    notification_send(
        recipients=managers,
        title=title % {"customer": call.organisation, "number": ticket.number},
        body=request.demands,
        url=reverse("hotline:queue"),
        kind=f"hotline_{kind}",
        key=f"hotline-duty-{request.pk}",
        now=now,
    )
    return request


@transaction.atomic
def call_urgent_visit_escalate(
    *, call: CallLog, actor, demands: str, now: datetime.datetime | None = None
) -> DutyRequest:
    """HL-7: a same-day or next-day visit demand goes at once to the duty manager on shift, who must
    call the customer back within 1 hour (``dm_callback`` clock; notified now)."""
    now = _now(now)
    request = _duty_request(call=call, actor=actor, kind=DutyRequestKind.URGENT_VISIT, demands=demands, now=now)
    _finish(call, outcome=Outcome.URGENT_VISIT, actor=actor, now=now)
    return request


@transaction.atomic
def call_rejected_time_escalate(
    *, call: CallLog, actor, demands: str, now: datetime.datetime | None = None
) -> DutyRequest:
    """HL-8: the customer rejects the offered time with specific demands: to the duty manager, who
    arranges it and phones the customer."""
    now = _now(now)
    request = _duty_request(call=call, actor=actor, kind=DutyRequestKind.REJECTED_TIME, demands=demands, now=now)
    _finish(call, outcome=Outcome.REJECTED_TIME, actor=actor, now=now)
    return request


@transaction.atomic
def call_complaint_log(
    *, call: CallLog, actor, about: str, complaint: str, now: datetime.datetime | None = None
) -> Ticket:
    """HL-10: a complaint call becomes a ticket of type complaint (channel hotline) saying who or
    what it is about; the complaint workflow attaches itself to complaint tickets."""
    now = _now(now)
    about, complaint = _text(about), _text(complaint)
    errors = {}
    if not about:
        errors["complaint_about"] = _("Say who or what the complaint is about (an engineer, a partner, the product).")
    if not complaint:
        errors["complaint_text"] = _("Write down the complaint.")
    if errors:
        raise ValidationError(errors)
    if call.ticket is not None:
        raise ValidationError({"link_ticket": _("A complaint is a ticket of its own; do not link it to another ticket.")})
    call.problem = f"{complaint}\n\n{_('About: %(about)s') % {'about': about}}"
    ticket = call_ticket_attach(call=call, actor=actor, type=TicketType.COMPLAINT, now=now)
    _finish(call, outcome=Outcome.COMPLAINT, actor=actor, now=now)
    return ticket


OUTCOME_SERVICES = {
    Outcome.SOLVED: lambda call, actor, d, now: call_solve_on_phone(
        call=call, actor=actor, resolution=d.get("resolution", ""), now=now
    ),
    Outcome.CALLBACK: lambda call, actor, d, now: call_callback_promise(
        call=call,
        actor=actor,
        owner=d.get("callback_owner"),
        due_at=d.get("callback_due_at"),
        note=d.get("callback_note", ""),
        now=now,
    ),
    Outcome.ONSITE: lambda call, actor, d, now: call_onsite_request(
        call=call,
        actor=actor,
        agreed_start=d.get("agreed_start"),
        agreed_end=d.get("agreed_end"),
        site_address=d.get("site_address", ""),
        now=now,
    ),
    Outcome.URGENT_VISIT: lambda call, actor, d, now: call_urgent_visit_escalate(
        call=call, actor=actor, demands=d.get("demands", ""), now=now
    ),
    Outcome.REJECTED_TIME: lambda call, actor, d, now: call_rejected_time_escalate(
        call=call, actor=actor, demands=d.get("demands", ""), now=now
    ),
    Outcome.COMPLAINT: lambda call, actor, d, now: call_complaint_log(
        call=call, actor=actor, about=d.get("complaint_about", ""), complaint=d.get("complaint_text", ""), now=now
    ),
}


@transaction.atomic
def call_log_submit(
    *,
    agent,
    outcome: str,
    intake: dict[str, Any],
    details: dict[str, Any] | None = None,
    link_ticket: Ticket | None = None,
    now: datetime.datetime | None = None,
) -> CallLog:
    """The call screen's one write: intake (``call_intake_record`` keywords), the ticket (linked or
    new) and the outcome with its follow-up, all or nothing. Raises ``ValidationError`` keyed by
    form field names."""
    now = _now(now)
    details = details or {}
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose how the call ended.")})
    missing = policies.outcome_missing(outcome=outcome, values=details)
    if missing:
        raise ValidationError({name: _("Needed for this outcome.") for name in missing})
    call = call_intake_record(agent=agent, now=now, **intake)
    if outcome != Outcome.COMPLAINT:
        call_ticket_attach(call=call, actor=agent, ticket=link_ticket, now=now)
    elif link_ticket is not None:
        raise ValidationError({"link_ticket": _("A complaint is a ticket of its own; do not link it to another ticket.")})
    OUTCOME_SERVICES[outcome](call, agent, details, now)
    call.refresh_from_db()
    return call


# --- Queues --------------------------------------------------------------------------------------------


def _mark_done(task, *, actor, result: str, now: datetime.datetime, missing: str):
    """Lock a queue item (promise or duty request) and mark it done with ``result``. Returns the
    item and whether this call did it (False: it was already done, nothing changes)."""
    task = type(task).objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        return task, False
    if not _text(result):
        raise ValidationError({"result": missing})
    task.done_at, task.done_by, task.result = now, actor, _text(result)
    task.full_clean()
    task.save()
    return task, True


@transaction.atomic
def callback_promise_done(
    *, promise: CallbackPromise, actor, result: str, now: datetime.datetime | None = None
) -> CallbackPromise:
    """HL-11: the promised call-back was made; ``result`` says what was reproduced and told."""
    now = _now(now)
    promise, done_now = _mark_done(
        promise, actor=actor, result=result, now=now, missing=_("Say what you found and told the customer.")
    )
    if not done_now:
        return promise
    ticket_services.ticket_event_record(
        ticket=promise.ticket,
        kind=HotlineEventKind.CALLBACK_DONE,
        actor=actor,
        at=now,
        body=promise.result,
        data={"late": promise.due_at < now},
    )
    return promise


@transaction.atomic
def duty_request_complete(
    *, request: DutyRequest, actor, result: str, now: datetime.datetime | None = None
) -> DutyRequest:
    """HL-7/HL-8: the duty manager phoned the customer and arranged the visit; the 1-hour clock stops."""
    now = _now(now)
    request, done_now = _mark_done(
        request, actor=actor, result=result, now=now, missing=_("Write down what you arranged with the customer.")
    )
    if not done_now:
        return request
    if request.kind == DutyRequestKind.URGENT_VISIT:
        sla.clock_stop(ticket=request.ticket, kind=ClockKind.DM_CALLBACK, at=now)
    ticket_services.ticket_event_record(
        ticket=request.ticket,
        kind=HotlineEventKind.DUTY_CALLED,
        actor=actor,
        at=now,
        body=request.result,
        data={"kind": request.kind, "late": bool(request.due_at and request.due_at < now)},
    )
    return request


# --- CTI (telephony) events ----------------------------------------------------------------------------


class CtiEvent:
    RINGING = "ringing"
    ANSWERED = "answered"
    HANGUP = "hangup"
    ALL = (RINGING, ANSWERED, HANGUP)


def _earliest(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


@transaction.atomic
def cti_event_receive(
    *,
    call_id: str,
    event: str,
    at: datetime.datetime,
    caller: str = "",
    seat: str = "",
    started_at: datetime.datetime | None = None,
    answered_at: datetime.datetime | None = None,
    ended_at: datetime.datetime | None = None,
    ring_seconds: int | None = None,
) -> CallLog:
    """HL-1, HL-5: the PBX reports a call event. Creates or updates the one CallLog of ``call_id``;
    replayed or out-of-order events merge into it (earliest start, first answer, hang-up time), so
    nothing is duplicated (the PBX call id is unique in the database). The agent signed in at the
    called seat becomes the call's agent and sees it pop up."""
    from hotline.roster.selectors import seat_holder

    call_id = _text(call_id)
    if not call_id or event not in CtiEvent.ALL:
        raise ValidationError(_("A CTI event needs a call id and one of: %(events)s.") % {"events": ", ".join(CtiEvent.ALL)})
    if event == CtiEvent.RINGING:
        started_at = _earliest(started_at, at)
    elif event == CtiEvent.ANSWERED:
        answered_at = answered_at or at
    else:
        ended_at = ended_at or at
    call = CallLog.objects.select_for_update().filter(pbx_call_id=call_id).first()
    if call is None:
        start = _earliest(started_at, answered_at, ended_at, at)
        try:
            with transaction.atomic():
                call = CallLog.objects.create(pbx_call_id=call_id, started_at=start)
        except IntegrityError:  # the same event arrived twice at once: the other one created it
            pass
        call = CallLog.objects.select_for_update().get(pbx_call_id=call_id)
    call.started_at = _earliest(call.started_at, started_at, answered_at, ended_at)
    call.answered_at = _earliest(call.answered_at, answered_at)
    if ended_at is not None:
        call.ended_at = max(v for v in (call.ended_at, ended_at) if v is not None)  # the last hang-up report wins
    if caller and not call.caller_phone:
        call.caller_phone = _text(caller)[:40]
    if seat and not call.seat:
        call.seat = _text(seat)[:16]
    if ring_seconds is not None:
        call.ring_seconds = ring_seconds
    elif call.answered_at is not None:
        call.ring_seconds = policies.ring_seconds(started_at=call.started_at, answered_at=call.answered_at)
    if call.agent_id is None and call.seat:
        call.agent = seat_holder(seat=call.seat, at=call.started_at) or seat_holder(seat=call.seat, at=at)
    if call.caller_phone and call.customer_id is None:
        from .selectors import caller_match

        match = caller_match(phone=call.caller_phone)
        call.customer, call.contact = match["customer"], match["contact"]
    call.save()
    return call


def active_forbidden_phrases_rows():
    """HL-14: the phrases with what to say instead, for the script panel."""
    return list(ForbiddenPhrase.objects.filter(is_active=True).only("phrase", "instead"))
