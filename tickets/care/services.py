"""Every write of callbacks, surveys and complaints (CB-1..CB-6, HL-10, TR-4, ST-6, ST-7).

Hooks other apps call, one line each, idempotent (a DB unique constraint per source):

- ``callback_for_ticket(ticket=, now=)``           from ``tickets.services.ticket_transition``
- ``callback_for_service_order(order=, now=)``     from ``onsite.services.service_order_sign``
- ``callback_for_training_plan(plan=, now=)``      from ``training.services.plan_quality_check``
- ``complaint_open(ticket=, now=)``                from ``tickets.services.ticket_create``
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.services import absolute_url, notification_send
from servicedesk.notify.models import CustomerMessage, MessageKind
from servicedesk.notify.services import customer_message_send, recipient_label
from servicedesk.webhooks import services as webhooks
from staff.roles import Role
from staff.selectors import calendar_load
from tickets.models import Ticket
from tickets.models.tickets import OPEN_STATUSES, Priority, TicketType
from tickets.sla import services as sla
from tickets.sla.models import ClockKind

from . import policies
from .models import (
    Answer,
    AttemptOutcome,
    Callback,
    CallbackAttempt,
    CallbackChannel,
    CallbackSource,
    CallbackStatus,
    CareEventKind,
    Complaint,
    ComplaintDecision,
    ComplaintRoute,
    ComplaintStatus,
    QuestionKind,
    SurveyResponse,
    SurveyTemplate,
)

logger = logging.getLogger(__name__)

SERVICE_TEMPLATE = "service-callback"
TRAINING_TEMPLATE = "training-quality"
TOKEN_SALT = "care.survey"
DECIDER_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)
HANDLER_ROLES = DECIDER_ROLES


class SurveyLinkInvalid(Exception):
    """The token was tampered with or is not a survey token."""


class SurveyLinkExpired(Exception):
    """The token is genuine but older than ``SURVEY_LINK_MAX_AGE_DAYS``."""


class SurveyAlreadyAnswered(ValidationError):
    """The callback has its one answer already (by phone or online)."""

    def __init__(self):
        super().__init__(_("This survey has already been answered."))


def _now(now):
    return now or timezone.now()


def _event(ticket: Ticket | None, kind: str, *, actor=None, at, body: str = "", **data) -> None:
    if ticket is None:
        return
    from tickets.services import ticket_event_record

    ticket_event_record(ticket=ticket, kind=kind, actor=actor, at=at, body=body, data=data)


# --- Callbacks (CB-1, CB-2) ---------------------------------------------------------------------------


def _callback_create(
    *,
    source: str,
    channel: str,
    template_code: str,
    customer,
    now: datetime.datetime,
    ticket=None,
    service_order=None,
    training_plan=None,
    complaint=None,
    contact=None,
    engineer=None,
) -> Callback | None:
    """One callback per source: an existing one is returned; a concurrent insert loses to the
    unique constraint and returns the winner. Starts the ticket's ``callback`` SLA clock (CB-1)."""
    source_field = {
        CallbackSource.TICKET: ("ticket", ticket),
        CallbackSource.SERVICE_ORDER: ("service_order", service_order),
        CallbackSource.TRAINING_PLAN: ("training_plan", training_plan),
        CallbackSource.COMPLAINT: ("complaint", complaint),
    }[source]
    key = {"source": source, source_field[0]: source_field[1]}
    existing = Callback.objects.filter(**key).first()
    if existing is not None:
        return existing
    template = SurveyTemplate.objects.filter(code=template_code, is_active=True).first()
    if template is None:
        logger.warning("no active survey template %r: no callback for %s", template_code, key)
        return None
    callback = Callback(
        source=source,
        channel=channel,
        ticket=ticket,
        service_order=service_order,
        training_plan=training_plan,
        complaint=complaint,
        customer=customer,
        contact=contact,
        engineer=engineer,
        template=template,
        arrived_at=now,
        due_date=policies.callback_due_date(arrived_at=now, calendar=calendar_load()),
    )
    callback.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            callback.save()
    except IntegrityError:  # created concurrently: theirs stands
        return Callback.objects.get(**key)
    # No timeline line here: the hooks run inside other apps' steps, whose own event stays the
    # ticket's latest; the callback shows on the ticket through its SLA clock and the queue.
    if ticket is not None:
        sla.clock_start(ticket=ticket, kind=ClockKind.CALLBACK, started_at=now)
    return callback


@transaction.atomic
def callback_for_ticket(*, ticket: Ticket, now: datetime.datetime | None = None) -> Callback | None:
    """CB-1 hook of ``ticket_transition``: a resolved hotline/web/messaging ticket (HL-9) or a
    resolved/closed remote ticket gets a callback; a ticket that already has one (e.g. from the
    on-site signature) or a complaint (CB-2, after the answer) gets none."""
    now = _now(now)
    channel = policies.ticket_callback_channel(ticket_channel=ticket.channel, ticket_type=ticket.type, new_status=ticket.status)
    if channel is None:
        return None
    existing = Callback.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    return _callback_create(
        source=CallbackSource.TICKET,
        channel=channel,
        template_code=SERVICE_TEMPLATE,
        customer=ticket.customer,
        contact=ticket.contact,
        engineer=ticket.assignee,
        ticket=ticket,
        now=now,
    )


@transaction.atomic
def callback_for_service_order(*, order, now: datetime.datetime | None = None) -> Callback | None:
    """CB-1, OS-10 hook of ``service_order_sign``: the customer signed the service feedback form."""
    now = _now(now)
    ticket = order.ticket
    return _callback_create(
        source=CallbackSource.SERVICE_ORDER,
        channel=CallbackChannel.ONSITE,
        template_code=SERVICE_TEMPLATE,
        customer=ticket.customer,
        contact=ticket.contact,
        engineer=order.engineer,
        ticket=ticket,
        service_order=order,
        now=now,
    )


@transaction.atomic
def callback_for_training_plan(*, plan, now: datetime.datetime | None = None) -> Callback | None:
    """TR-4 hook of ``plan_quality_check``: after the supervisor's check, a training quality survey."""
    now = _now(now)
    return _callback_create(
        source=CallbackSource.TRAINING_PLAN,
        channel=CallbackChannel.TRAINING,
        template_code=TRAINING_TEMPLATE,
        customer=plan.customer,
        contact=plan.person_in_charge,
        engineer=plan.instructor,
        training_plan=plan,
        now=now,
    )


def _lock_callback(callback: Callback) -> Callback:
    return Callback.objects.select_for_update().get(pk=callback.pk)


@transaction.atomic
def callback_attempt_record(
    *, callback: Callback, actor, reached: bool, note: str = "", now: datetime.datetime | None = None
) -> CallbackAttempt:
    """CB-1: one call to the customer. Unreachable leaves the callback in the queue for a retry."""
    now = _now(now)
    callback = _lock_callback(callback)
    if callback.status != CallbackStatus.OPEN:
        raise ValidationError(_("This callback is already done."))
    attempt = CallbackAttempt(
        callback=callback,
        at=now,
        by=actor,
        outcome=AttemptOutcome.REACHED if reached else AttemptOutcome.UNREACHABLE,
        note=(note or "").strip()[:300],
    )
    attempt.full_clean()
    attempt.save()
    callback.attempts += 1
    callback.last_attempt_at = now
    callback.save(update_fields=["attempts", "last_attempt_at"])
    _event(
        callback.ticket,
        CareEventKind.CALLBACK_ATTEMPT,
        actor=actor,
        at=now,
        body=f"{attempt.get_outcome_display()}. {attempt.note}".strip(),
        callback=callback.pk,
        outcome=attempt.outcome,
    )
    return attempt


def _parse_answers(callback: Callback, raw: dict[int, Any]) -> list[Answer]:
    """Validate the answers against the template's questions; errors keyed ``q_<id>``."""
    errors, answers = {}, []
    for question in callback.template.questions.all():
        value = raw.get(question.pk)
        answer = Answer(question=question)
        if question.kind == QuestionKind.SCALE:
            try:
                rating = int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                rating = -1
            if rating is not None and not 1 <= rating <= 5:
                errors[f"q_{question.pk}"] = _("Choose a rating from 1 to 5.")
                continue
            answer.rating = rating
            empty = rating is None
        elif question.kind == QuestionKind.YES_NO:
            if value in (True, "yes", "true", "1", 1):
                answer.yes = True
            elif value in (False, "no", "false", "0", 0):
                answer.yes = False
            elif value not in (None, ""):
                errors[f"q_{question.pk}"] = _("Answer yes or no.")
                continue
            empty = answer.yes is None
        else:
            answer.text = str(value or "").strip()
            empty = not answer.text
        if empty:
            if question.required:
                errors[f"q_{question.pk}"] = _("Please answer this question.")
            continue
        answers.append(answer)
    if errors:
        raise ValidationError(errors)
    return answers


@transaction.atomic
def survey_answer_record(
    *,
    callback: Callback,
    answers: dict[int, Any],
    via: str,
    actor=None,
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    """CB-1, CB-5: store the survey answer (by phone with ``actor``, or online without), close the
    callback, meet its SLA clock. Exactly one answer per callback (the one-to-one refuses a second).
    CB-3: a "not solved" answer escalates to the service manager."""
    now = _now(now)
    callback = _lock_callback(callback)
    if SurveyResponse.objects.filter(callback=callback).exists():
        raise SurveyAlreadyAnswered()
    parsed = _parse_answers(callback, answers)
    satisfied = resolved = None
    for answer in parsed:
        if answer.question.is_overall:
            satisfied = policies.answer_is_satisfied(
                rule=policies.QuestionRule(
                    kind=answer.question.kind,
                    is_overall=True,
                    is_resolution=answer.question.is_resolution,
                    satisfied_min=answer.question.satisfied_min,
                ),
                rating=answer.rating,
                yes=answer.yes,
            )
        if answer.question.is_resolution:
            resolved = answer.yes
    response = SurveyResponse(
        callback=callback,
        via=via,
        answered_at=now,
        answered_by=actor,
        satisfied=satisfied,
        resolved=resolved,
        channel=callback.channel,
        engineer=callback.engineer,
    )
    response.full_clean(exclude=["callback"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:  # answered concurrently (phone and link at once)
        raise SurveyAlreadyAnswered() from exc
    for answer in parsed:
        answer.response = response
    Answer.objects.bulk_create(parsed)
    callback.status, callback.done_at = CallbackStatus.DONE, now
    callback.save(update_fields=["status", "done_at"])
    if callback.ticket_id:
        sla.clock_stop(ticket=callback.ticket, kind=ClockKind.CALLBACK, at=now)
    _event(
        callback.ticket,
        CareEventKind.SURVEY_ANSWERED,
        actor=actor,
        at=now,
        body=_("Survey answered (%(via)s): %(result)s.")
        % {
            "via": response.get_via_display(),
            "result": _("satisfied") if satisfied else (_("not satisfied") if satisfied is False else _("no rating")),
        },
        callback=callback.pk,
        satisfied=satisfied,
        resolved=resolved,
    )
    webhooks.callback_answered_emit(callback=callback, response=response, now=now)  # CB-1, CB-5, issue 15
    if callback.complaint_id:  # CB-2: the complaint's callback closes it
        Complaint.objects.filter(pk=callback.complaint_id, status=ComplaintStatus.ANSWERED).update(
            status=ComplaintStatus.CLOSED, closed_at=now
        )
    if resolved is False:
        callback_escalate(callback=callback, actor=actor, now=now)
    return response


def service_manager_pick():
    """CB-3: the active service manager with the fewest open assigned tickets (then the lowest id)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SERVICE_MANAGER)
        .annotate(open_load=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES)))
        .order_by("open_load", "id")
        .first()
    )


@transaction.atomic
def callback_escalate(*, callback: Callback, actor=None, now: datetime.datetime | None = None) -> Ticket | None:
    """CB-3: an unresolved issue found during a callback becomes a ticket assigned at once to the
    service manager, linked to the callback, exactly once (the one-to-one link)."""
    from tickets.services import ticket_create

    now = _now(now)
    callback = _lock_callback(callback)
    if callback.escalation_ticket_id:
        return callback.escalation_ticket
    manager = service_manager_pick()
    creator = actor or manager
    if creator is None:
        logger.warning("CB-3: no service manager to escalate callback %s to", callback.pk)
        return None
    origin = callback.ticket.number if callback.ticket_id else callback.get_source_display()
    ticket = ticket_create(
        customer=callback.customer,
        contact=callback.contact,
        subject=_("Unresolved after callback: %(origin)s") % {"origin": origin},
        description=_("The customer said in the satisfaction callback that the problem is not solved."),  # CB-3
        type=TicketType.FAULT,
        priority=Priority.HIGH,
        created_by=creator,
        assignee=manager,
        now=now,
    )
    callback.escalation_ticket = ticket
    callback.save(update_fields=["escalation_ticket"])
    _event(callback.ticket, CareEventKind.CALLBACK_ESCALATED, actor=actor, at=now, body=ticket.number, escalation=ticket.pk)
    _event(ticket, CareEventKind.CALLBACK_ESCALATED, actor=actor, at=now, body=_("From callback #%(id)s") % {"id": callback.pk})
    if manager is not None:
        notification_send(
            recipients=[manager],
            title=_("Unresolved after callback: %(number)s") % {"number": ticket.number},
            body=callback.customer.name,
            url=ticket.get_absolute_url(),
            kind="care_escalation",
            key=f"care-escalation-{callback.pk}",
            now=now,
        )
    return ticket


# --- Public survey link -------------------------------------------------------------------------------


def survey_token_make(*, callback: Callback) -> str:
    """A signed, timestamped token for the public survey of ``callback``."""
    return signing.dumps({"c": callback.pk}, salt=TOKEN_SALT, compress=True)


def survey_token_callback(*, token: str) -> Callback:
    """The callback of a survey token; raises ``SurveyLinkExpired`` or ``SurveyLinkInvalid``."""
    max_age = datetime.timedelta(days=settings.SERVICEDESK["SURVEY_LINK_MAX_AGE_DAYS"])
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise SurveyLinkExpired from exc
    except signing.BadSignature as exc:
        raise SurveyLinkInvalid from exc
    try:
        return Callback.objects.select_related("template", "customer").get(pk=payload["c"])
    except (Callback.DoesNotExist, KeyError, TypeError) as exc:
        raise SurveyLinkInvalid from exc


def survey_link_path(*, callback: Callback) -> str:
    """The public survey page of ``callback`` (CB-1), as a path on this site."""
    return reverse("care:survey_public", args=[survey_token_make(callback=callback)])


def survey_link_url(*, callback: Callback) -> str:
    return absolute_url(survey_link_path(callback=callback))


# CB-1: a second "send" of the survey link within this many seconds of the first is the same
# click twice (or a re-submitted form) and sends nothing new; later it is a deliberate re-send.
SURVEY_LINK_REPEAT_SECONDS = 60


@transaction.atomic
def survey_link_send(*, callback: Callback, actor, now: datetime.datetime | None = None) -> CustomerMessage:
    """CB-1: send the public survey link to the callback's contact by their channel (e-mail, SMS or
    WeChat, servicedesk/notify); returns the customer message (its ``params["url"]`` is the link).

    Each deliberate send is a new message, keyed ``survey_link:<callback>:<n>``. A send within
    ``SURVEY_LINK_REPEAT_SECONDS`` of the previous one returns that message and records nothing,
    so a double click (the callback row is locked, the second request waits for the first) writes
    one message; two racing requests that still meet compute the same key and get one row."""
    now = _now(now)
    callback = _lock_callback(callback)
    if callback.status != CallbackStatus.OPEN:
        raise ValidationError(_("This callback is already done."))
    unreachable = _("The contact cannot be reached by e-mail, SMS or WeChat.")
    if not callback.contact_id:
        raise ValidationError(unreachable)
    prefix = f"survey_link:{callback.pk}:"
    sent = CustomerMessage.objects.filter(kind=MessageKind.SURVEY_LINK, key__startswith=prefix)
    previous = sent.order_by("-created_at", "-pk").first()
    if previous is not None and now - previous.created_at < datetime.timedelta(seconds=SURVEY_LINK_REPEAT_SECONDS):
        return previous  # the same click twice
    message = customer_message_send(
        contact=callback.contact,
        kind=MessageKind.SURVEY_LINK,
        ticket=callback.ticket,
        context={"name": callback.contact.name, "url": survey_link_url(callback=callback)},
        key=f"{prefix}{sent.count() + 1}",
        now=now,
    )
    if message is None:
        raise ValidationError(unreachable)
    if message.status == CustomerMessage.Status.SKIPPED:
        raise ValidationError(
            _("The survey link was not sent: there is no active %(channel)s message template for it.")
            % {"channel": message.get_channel_display()}
        )
    callback.link_sent_at = now
    callback.save(update_fields=["link_sent_at"])
    _event(
        callback.ticket,
        CareEventKind.CALLBACK_ATTEMPT,
        actor=actor,
        at=now,
        body=_("Survey link sent by %(channel)s to %(recipient)s")
        % {"channel": message.get_channel_display(), "recipient": recipient_label(message)},
        message=message.pk,
    )
    return message


# --- Complaints (HL-10, CB-6, CB-2, ST-6, ST-7) --------------------------------------------------------


@transaction.atomic
def complaint_open(*, ticket: Ticket, now: datetime.datetime | None = None) -> Complaint | None:
    """HL-10 hook of ``ticket_create``: every complaint ticket gets its complaint record, with the
    answer due in N working days (CB-6). Idempotent (one per ticket)."""
    if ticket.type != TicketType.COMPLAINT:
        return None
    now = _now(now)
    existing = Complaint.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    complaint = Complaint(
        ticket=ticket,
        received_at=now,
        due_date=policies.complaint_due_date(
            received_at=now, calendar=calendar_load(), working_days=settings.SERVICEDESK["COMPLAINT_ANSWER_WORKING_DAYS"]
        ),
    )
    complaint.full_clean(exclude=["ticket"])
    complaint.save()
    _event(
        ticket,
        CareEventKind.COMPLAINT_RECEIVED,
        actor=ticket.created_by,
        at=now,
        body=_("Answer and plan due by %(day)s.") % {"day": complaint.due_date.isoformat()},  # CB-6
        complaint=complaint.pk,
    )
    webhooks.complaint_opened_emit(complaint=complaint, now=now)  # HL-10, CB-6, issue 15
    return complaint


def _lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)


def _require_handler(actor, roles=HANDLER_ROLES) -> None:
    if not actor.has_role(*roles):
        raise PermissionDenied(_("Only a duty or service manager handles complaints."))


@transaction.atomic
def complaint_verify(
    *,
    complaint: Complaint,
    actor,
    route: str,
    verification: str = "",
    partner_name: str = "",
    vendor_reference: str = "",
    employee=None,
    about_attitude: bool = False,
    now: datetime.datetime | None = None,
) -> Complaint:
    """HL-10: find out what the complaint is about and check it. A service partner is verified with
    that partner (result recorded); a product complaint goes to the vendor (reference recorded);
    an employee complaint names the employee (ST-6, ST-7 follow the decision)."""
    now = _now(now)
    _require_handler(actor)
    complaint = _lock_complaint(complaint)
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.VERIFIED):
        raise ValidationError(_("The complaint has already been decided."))
    if route not in ComplaintRoute.values:
        raise ValidationError({"route": _("Choose what the complaint is about.")})
    complaint.route = route
    complaint.verification = (verification or "").strip()
    complaint.partner_name = (partner_name or "").strip() if route == ComplaintRoute.PARTNER else ""
    complaint.vendor_reference = (vendor_reference or "").strip() if route == ComplaintRoute.PRODUCT else ""
    complaint.employee = employee if route == ComplaintRoute.EMPLOYEE else None
    complaint.about_attitude = bool(about_attitude) and route == ComplaintRoute.EMPLOYEE
    messages = {
        "partner_name": _("Name the service partner the complaint is verified with."),
        "verification": _("Record the result of the verification."),
        "vendor_reference": _("Record the vendor's reference for the escalated product complaint."),
        "employee": _("Choose the employee the complaint is about."),
    }
    errors = {
        field: messages[field] for field in policies.VERIFY_ROUTES_NEED[route] if not getattr(complaint, field)
    }
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.verified_at, complaint.verified_by = ComplaintStatus.VERIFIED, now, actor
    complaint.full_clean(exclude=["ticket"])
    complaint.save()
    _event(
        complaint.ticket,
        CareEventKind.COMPLAINT_VERIFIED,
        actor=actor,
        at=now,
        body=" · ".join(
            part
            for part in (
                complaint.get_route_display(),
                complaint.partner_name,
                complaint.vendor_reference,
                complaint.employee.display_name if complaint.employee else "",
                complaint.verification,
            )
            if part
        ),
        route=route,
    )
    return complaint


@transaction.atomic
def complaint_decide(
    *, complaint: Complaint, actor, confirmed: bool, reasons: str, now: datetime.datetime | None = None
) -> Complaint:
    """HL-10: confirmed or not, with the reasons. A confirmed complaint about an employee is
    reported to staff (ST-6 fine / dismissal proposal for attitude, ST-7 three within six months)."""
    from staff.services import complaint_confirmed_record

    now = _now(now)
    _require_handler(actor, DECIDER_ROLES)
    complaint = _lock_complaint(complaint)
    if complaint.status != ComplaintStatus.VERIFIED:
        raise ValidationError(_("Verify the complaint before deciding it."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    complaint.decision = ComplaintDecision.CONFIRMED if confirmed else ComplaintDecision.NOT_CONFIRMED
    complaint.reasons = reasons
    complaint.status, complaint.decided_at, complaint.decided_by = ComplaintStatus.DECIDED, now, actor
    complaint.full_clean(exclude=["ticket"])
    complaint.save()
    _event(
        complaint.ticket,
        CareEventKind.COMPLAINT_DECIDED,
        actor=actor,
        at=now,
        body=f"{complaint.get_decision_display()}: {reasons}",
        decision=complaint.decision,
    )
    if confirmed and complaint.route == ComplaintRoute.EMPLOYEE and complaint.employee_id:
        complaint_confirmed_record(
            employee=complaint.employee, source=complaint, confirmed_at=now, about_attitude=complaint.about_attitude
        )
    return complaint


@transaction.atomic
def complaint_answer(
    *, complaint: Complaint, actor, answer: str, plan: str, now: datetime.datetime | None = None
) -> Complaint:
    """CB-6: the customer gets the answer and a plan; CB-2: the handling result gets a callback."""
    now = _now(now)
    _require_handler(actor)
    complaint = _lock_complaint(complaint)
    if complaint.status != ComplaintStatus.DECIDED:
        raise ValidationError(_("Decide the complaint before answering the customer."))
    complaint.answer, complaint.plan = (answer or "").strip(), (plan or "").strip()
    errors = {}
    if not complaint.answer:
        errors["answer"] = _("Write the answer given to the customer.")
    if not complaint.plan:
        errors["plan"] = _("Write the plan agreed with the customer.")
    if errors:
        raise ValidationError(errors)
    complaint.status, complaint.answered_at, complaint.answered_by = ComplaintStatus.ANSWERED, now, actor
    complaint.full_clean(exclude=["ticket"])
    complaint.save()
    late = timezone.localdate(now) > complaint.due_date
    _event(complaint.ticket, CareEventKind.COMPLAINT_ANSWERED, actor=actor, at=now, body=complaint.answer, late=late)
    ticket = complaint.ticket
    _callback_create(
        source=CallbackSource.COMPLAINT,
        channel=CallbackChannel.COMPLAINT,
        template_code=SERVICE_TEMPLATE,
        customer=ticket.customer,
        contact=ticket.contact,
        engineer=complaint.employee or ticket.assignee,
        ticket=ticket,
        complaint=complaint,
        now=now,
    )
    return complaint
