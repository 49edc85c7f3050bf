"""Every write of the SLA engine.

- Clocks: started, paused, resumed, met and cancelled by the domain services of tickets, hotline,
  on-site and callbacks through ``clock_start`` / ``clock_pause`` / ``clock_resume`` /
  ``clock_stop`` / ``clock_cancel`` (never by signals). ``due_at`` is recomputed from scratch on
  every pause, resume and policy change (``policies.clock_deadlines``).
- The sweep (``sla_sweep``, run every minute by Celery beat) warns and breaches clocks exactly once
  and hands escalations to per-clock tasks.
- Contract expiry (CT-2, CT-3): daily reminders for the callback specialists and the notice letter.
"""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.selectors import duty_managers_on_shift
from servicedesk.core import outbox
from servicedesk.core.services import notification_send
from servicedesk.notify.models import CustomerMessage, MessageKind
from servicedesk.notify.services import channel_choose, customer_message_send, recipient_label
from servicedesk.webhooks import services as webhooks
from staff.calendars import Calendar, always_open
from staff.models import WorkCalendar
from staff.selectors import calendar_load, work_calendar_default
from tickets.models import ContactChannel, ServiceContract, Ticket, TicketEvent
from tickets.models.customers import RenewalStatus
from tickets.models.tickets import Status

from . import policies
from .models import (
    PAUSABLE_KINDS,
    ClockKind,
    ContractReminder,
    ContractReminderStep,
    SLABreach,
    SLAClock,
    SLAEventKind,
    SLAPolicy,
    SLATarget,
    default_pause_statuses,
)
from .selectors import callback_specialists_by_load, sla_targets_for, sla_targets_for_key

logger = logging.getLogger(__name__)

# Resolving a ticket makes these pending promises moot (the problem is solved).
CANCEL_ON_RESOLVE = frozenset(
    {ClockKind.DISPATCH, ClockKind.ONSITE_ARRANGEMENT, ClockKind.ARRIVE, ClockKind.DM_CALLBACK}
)
# A breach whose escalation task has not finished after this long is queued again by the sweep.
SWEEP_BATCH_SIZE = 1000
# Outbox topics: what must happen after a sweep batch, a policy edit or a new reminder commits.
WARNING_TOPIC = "sla.warning_notify"
BREACH_TOPIC = "sla.breach_escalate"
RECOMPUTE_TOPIC = "sla.policy_recompute"
CONTRACT_NOTICE_TOPIC = "sla.contract_notice_send"


# --- Clock arithmetic helpers ---------------------------------------------------------------------


class _Calendars:
    """Loads each work calendar once per service call (three queries each, none for 24x7)."""

    def __init__(self):
        self._loaded: dict[int, Calendar] = {}

    def get(self, work_calendar_id: int | None) -> Calendar:
        if work_calendar_id is None:
            return always_open(ZoneInfo(settings.TIME_ZONE))
        if work_calendar_id not in self._loaded:
            self._loaded[work_calendar_id] = calendar_load(WorkCalendar(pk=work_calendar_id))
        return self._loaded[work_calendar_id]


def _pause_statuses(clock: SLAClock) -> list[str]:
    return clock.policy.pause_statuses if clock.policy is not None else default_pause_statuses()


def _apply_target(
    clock: SLAClock, *, target_row: SLATarget | None, explicit: datetime.timedelta | None, calendars: _Calendars
) -> bool:
    """Copy the policy's target, calendar and warning share onto the clock; False without a target."""
    policy = target_row.policy if target_row is not None else None
    business = policy.work_calendar if policy is not None else None
    if explicit is not None:
        resolved = policies.ResolvedTarget(duration=explicit, working_days=None, business_hours=business is not None)
    elif target_row is not None:
        resolved = policies.resolve_target(
            minutes=target_row.minutes,
            off_hours_minutes=target_row.off_hours_minutes,
            working_days=target_row.working_days,
            calendar=calendars.get(business.pk) if business else None,
            started_at=clock.started_at,
        )
    else:
        return False
    if resolved.business_hours:
        # CB-1 working days in a 24x7 policy count in the default (office) calendar.
        clock.calendar = business or work_calendar_default()
    else:
        clock.calendar = None
    clock.policy = policy
    clock.target = resolved.duration
    clock.target_working_days = resolved.working_days
    clock.target_fixed = explicit is not None
    clock.off_hours = resolved.off_hours
    clock.warn_percent = policy.warn_percent if policy is not None else 80
    return True


def _stopped_at(clock: SLAClock) -> datetime.datetime | None:
    return clock.met_at or clock.cancelled_at


def _schedule(clock: SLAClock, calendars: _Calendars) -> None:
    """Recompute warn_at / due_at from scratch, and when the sweep looks next. A breached clock
    keeps its deadline: the breach is a fact that later pauses or policy edits do not undo."""
    if clock.breached_at is None:
        deadlines = policies.clock_deadlines(
            calendar=calendars.get(clock.calendar_id),
            started_at=clock.started_at,
            target=clock.target,
            working_days=clock.target_working_days,
            pauses=policies.pauses_from_json(clock.pauses),
            warn_percent=clock.warn_percent,
        )
        clock.warn_at, clock.due_at = deadlines.warn_at, deadlines.due_at
    clock.next_check_at = policies.next_check_at(
        warn_at=clock.warn_at,
        due_at=clock.due_at,
        warned_at=clock.warned_at,
        breached_at=clock.breached_at,
        stopped_at=_stopped_at(clock),
    )


def _save(clock: SLAClock, calendars: _Calendars) -> SLAClock:
    _schedule(clock, calendars)
    clock.full_clean(validate_unique=False, validate_constraints=False)
    clock.save()
    return clock


def _pause(clock: SLAClock, at: datetime.datetime, *, by_status: bool) -> None:
    at = max(at, clock.started_at)
    clock.pauses = [*clock.pauses, [at.isoformat(), None]]
    clock.paused_at, clock.paused_by_status = at, by_status


def _resume(clock: SLAClock, at: datetime.datetime) -> None:
    at = max(at, clock.paused_at)
    clock.pauses = [*clock.pauses[:-1], [clock.pauses[-1][0], at.isoformat()]]
    clock.paused_at, clock.paused_by_status = None, False


def _locked_clock(ticket: Ticket, kind: str) -> SLAClock | None:
    return (
        SLAClock.objects.select_for_update(of=("self",))
        .select_related("policy")
        .filter(ticket=ticket, kind=kind)
        .first()
    )


# --- Public API for tickets, hotline, on-site and callbacks --------------------------------------


@transaction.atomic
def clock_start(
    *,
    ticket: Ticket,
    kind: str,
    started_at: datetime.datetime,
    target: datetime.timedelta | None = None,
    owner=None,
) -> SLAClock | None:
    """Start the ``kind`` clock of ``ticket`` at ``started_at``.

    The target comes from the policy matching the ticket (contract level, priority) unless
    ``target`` is given; ``owner`` is who must meet it (default: the ticket's assignee). A pausable
    clock started while the ticket is in a pausing status starts paused. Idempotent: a clock that
    already exists is returned unchanged, except a cancelled, never-breached one, which starts
    afresh. Returns None (and logs) when no active policy has a target for ``kind``.
    """
    clock = _locked_clock(ticket, kind)
    if clock is not None and not (clock.cancelled_at is not None and clock.breached_at is None):
        return clock
    target_row = sla_targets_for(ticket=ticket, kinds=[kind]).get(kind)
    if clock is None:
        clock = SLAClock(ticket=ticket, kind=kind)
    clock.started_at, clock.owner = started_at, owner
    clock.pauses, clock.paused_at, clock.paused_by_status = [], None, False
    clock.warned_at = clock.met_at = clock.cancelled_at = None
    clock.cancel_reason = ""
    calendars = _Calendars()
    if not _apply_target(clock, target_row=target_row, explicit=target, calendars=calendars):
        logger.warning("no SLA target for %s on ticket %s: clock not started", kind, ticket.pk)
        return None
    if kind in PAUSABLE_KINDS and ticket.status in _pause_statuses(clock):
        _pause(clock, started_at, by_status=True)
    try:
        with transaction.atomic():
            return _save(clock, calendars)
    except IntegrityError:  # started concurrently by another request: theirs stands
        return SLAClock.objects.get(ticket=ticket, kind=kind)


@transaction.atomic
def clock_stop(*, ticket: Ticket, kind: str, at: datetime.datetime) -> SLAClock | None:
    """Meet the clock at ``at``. Idempotent: a met or cancelled clock (or none) is left as it is.

    Met after its deadline, it is breached by the next sweep if it was not already.
    """
    clock = _locked_clock(ticket, kind)
    if clock is None or not clock.is_open:
        return clock
    if clock.paused_at is not None:
        _resume(clock, at)
    clock.met_at = max(at, clock.started_at)
    return _save(clock, _Calendars())


@transaction.atomic
def clock_pause(*, ticket: Ticket, kind: str, at: datetime.datetime) -> SLAClock | None:
    """Stop counting from ``at`` until ``clock_resume``; no-op on a paused, met or cancelled clock."""
    clock = _locked_clock(ticket, kind)
    if clock is None or not clock.is_open or clock.paused_at is not None:
        return clock
    _pause(clock, at, by_status=False)
    return _save(clock, _Calendars())


@transaction.atomic
def clock_resume(*, ticket: Ticket, kind: str, at: datetime.datetime) -> SLAClock | None:
    """Count again from ``at``; ``due_at`` moves by the paused working time. No-op unless paused."""
    clock = _locked_clock(ticket, kind)
    if clock is None or not clock.is_open or clock.paused_at is None:
        return clock
    _resume(clock, at)
    return _save(clock, _Calendars())


@transaction.atomic
def clock_cancel(*, ticket: Ticket, kind: str, at: datetime.datetime, reason: str = "") -> SLAClock | None:
    """The promise no longer applies (visit withdrawn, ticket resolved by phone). Idempotent.

    A clock cancelled after its deadline is still breached by the sweep if it was not already.
    """
    clock = _locked_clock(ticket, kind)
    if clock is None or not clock.is_open:
        return clock
    if clock.paused_at is not None:
        _resume(clock, at)
    clock.cancelled_at, clock.cancel_reason = max(at, clock.started_at), reason[:200]
    return _save(clock, _Calendars())


# --- Hooks called by tickets.services -------------------------------------------------------------


def ticket_clocks_open(*, ticket: Ticket, at: datetime.datetime) -> None:
    """OS-8: a new ticket starts its respond and resolve clocks; one opened with an assignee has
    had its first response already."""
    for kind in (ClockKind.RESPOND, ClockKind.RESOLVE):
        clock_start(ticket=ticket, kind=kind, started_at=at)
    if ticket.assignee_id is not None:
        ticket_responded(ticket=ticket, at=at)


def ticket_responded(*, ticket: Ticket, at: datetime.datetime) -> None:
    """OS-8 respond: the first human response (assignment, status change or staff comment) meets it."""
    clock_stop(ticket=ticket, kind=ClockKind.RESPOND, at=at)


@transaction.atomic
def ticket_status_changed(*, ticket: Ticket, action: str, at: datetime.datetime) -> None:
    """Apply a status change (``ticket.status`` is the new one) to the ticket's clocks.

    - any action but reopen is a response: meets respond;
    - resolved: meets resolve, cancels the pending dispatch / arrangement / arrival / HL-7 clocks;
    - reopen: the resolve clock runs again where it stopped; the time the ticket spent resolved
      or closed is recorded as a pause, so the rest of the target counts, not a fresh one;
    - a pausing status of the clock's policy (default: waiting on customer) pauses the pausable
      clocks; leaving it resumes the clocks that the status had paused.
    """
    calendars = _Calendars()
    for clock in SLAClock.objects.select_for_update(of=("self",)).select_related("policy").filter(ticket=ticket):
        changed = False
        if clock.kind == ClockKind.RESPOND and action != "reopen" and clock.is_open:
            if clock.paused_at is not None:
                _resume(clock, at)
            clock.met_at, changed = max(at, clock.started_at), True
        if ticket.status == Status.RESOLVED and clock.is_open:
            if clock.paused_at is not None:
                _resume(clock, at)
            if clock.kind == ClockKind.RESOLVE:
                clock.met_at, changed = max(at, clock.started_at), True
            elif clock.kind in CANCEL_ON_RESOLVE:
                clock.cancelled_at, clock.cancel_reason, changed = max(at, clock.started_at), "resolved", True
        if action == "reopen" and clock.kind == ClockKind.RESOLVE and clock.met_at is not None:
            clock.pauses = [*clock.pauses, [clock.met_at.isoformat(), at.isoformat()]]
            clock.met_at, changed = None, True
        changed |= _apply_status_pause(clock, status=ticket.status, at=at)
        if changed:
            _save(clock, calendars)


def _apply_status_pause(clock: SLAClock, *, status: str, at: datetime.datetime) -> bool:
    if not clock.is_open or clock.kind not in PAUSABLE_KINDS:
        return False
    pausing = status in _pause_statuses(clock)
    if pausing and clock.paused_at is None:
        _pause(clock, at, by_status=True)
        return True
    if not pausing and clock.paused_at is not None and clock.paused_by_status:
        _resume(clock, at)
        return True
    return False


@transaction.atomic
def ticket_clocks_reapply_policy(*, ticket: Ticket, at: datetime.datetime) -> int:
    """The ticket's priority or contract changed: its open clocks take the policy that matches now."""
    targets = sla_targets_for(ticket=ticket)
    clocks = SLAClock.objects.select_for_update(of=("self",)).select_related("policy").filter(ticket=ticket)
    calendars = _Calendars()
    return sum(_reapply(clock, targets.get(clock.kind), ticket.status, at, calendars) for clock in clocks)


def _reapply(clock: SLAClock, target_row, status: str, at, calendars: _Calendars) -> bool:
    """Policy change: new target and calendar from the clock's start, same pauses. Breached, met
    and cancelled clocks keep what they have; a caller-set target keeps its duration."""
    if not clock.is_open or clock.breached_at is not None or target_row is None:
        return False
    explicit = clock.target if clock.target_fixed else None
    _apply_target(clock, target_row=target_row, explicit=explicit, calendars=calendars)
    _apply_status_pause(clock, status=status, at=at)
    _save(clock, calendars)
    return True


@transaction.atomic
def policy_clocks_recompute(*, policy: SLAPolicy, at: datetime.datetime) -> int:
    """After a policy, its targets or its calendar changed: recompute every open, unbreached clock
    that used the policy or whose ticket it now matches. Returns how many clocks it recomputed."""
    matches = Q(policy=policy)
    if policy.contract_level or policy.priority:
        specific = Q()
        if policy.contract_level:
            specific &= Q(ticket__contract__level=policy.contract_level)
        if policy.priority:
            specific &= Q(ticket__priority=policy.priority)
        matches |= specific
    else:  # the fallback: a more specific policy still wins for the tickets it matches
        matches |= Q(policy__isnull=True)
    clocks = (
        SLAClock.objects.filter(matches, met_at__isnull=True, cancelled_at__isnull=True, breached_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("policy", "ticket__contract")
    )
    calendars, targets_by_key, count = _Calendars(), {}, 0
    for clock in clocks:
        ticket = clock.ticket
        key = (ticket.contract.level if ticket.contract_id else None, ticket.priority)
        if key not in targets_by_key:
            targets_by_key[key] = sla_targets_for_key(level=key[0], priority=key[1])
        count += _reapply(clock, targets_by_key[key].get(clock.kind), ticket.status, at, calendars)
    return count


def policy_clocks_recompute_later(*, policy: SLAPolicy, now: datetime.datetime | None = None) -> None:
    """Admin edit of a policy: recompute its clocks in a worker once the edit is committed (it may
    touch many clocks; the admin page stays fast). An outbox message, one per edit."""
    now = now or timezone.now()
    outbox.enqueue(
        topic=RECOMPUTE_TOPIC,
        payload={"policy_id": policy.pk},
        key=f"{RECOMPUTE_TOPIC}:{policy.pk}:{now.isoformat()}",
        now=now,
    )


@outbox.handler(RECOMPUTE_TOPIC)
def policy_clocks_recompute_deliver(*, policy_id: int, now: datetime.datetime) -> int:
    policy = SLAPolicy.objects.filter(pk=policy_id).first()
    if policy is None:  # deleted since: nothing to recompute
        return 0
    return policy_clocks_recompute(policy=policy, at=now)


# --- The sweep --------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)


def sla_sweep(*, now: datetime.datetime, batch_size: int = SWEEP_BATCH_SIZE, max_batches: int = 50) -> SweepResult:
    """Warn the clocks past their warning share and breach the clocks past due, each exactly once.

    Reads only clocks whose ``next_check_at`` has come (a partial index), so the work depends on
    how many clocks fall due, not on how many are open. Each batch is one transaction: rows are
    claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (a second worker takes other
    rows), SQLite serialises writers (IMMEDIATE transactions); the updates are conditional and
    ``SLABreach.clock`` is unique, so running twice or concurrently breaches once. A worker that
    was down catches up: everything that fell due meanwhile is due now. Each warning and breach
    writes its outbox message in the batch's transaction (one key per clock), so a worker killed
    after the commit loses nothing: the relay delivers whatever the fast path did not.
    """
    result = SweepResult()
    for _batch in range(max_batches):
        with transaction.atomic():
            claimed, warned, breached = _sweep_batch(now=now, batch_size=batch_size)
            outbox.enqueue_many(
                topic=WARNING_TOPIC, items=[(f"{WARNING_TOPIC}:{pk}", {"clock_id": pk}) for pk in warned], now=now
            )
            outbox.enqueue_many(
                topic=BREACH_TOPIC, items=[(f"{BREACH_TOPIC}:{pk}", {"clock_id": pk}) for pk in breached], now=now
            )
        result.warned += warned
        result.breached += breached
        if claimed < batch_size:
            break
    return result


def _sweep_batch(*, now: datetime.datetime, batch_size: int) -> tuple[int, list[int], list[int]]:
    candidates = (
        SLAClock.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at", "pk")
        .select_related("ticket")
        .only(
            "ticket__assignee",
            "kind",
            "warn_at",
            "due_at",
            "warned_at",
            "breached_at",
            "met_at",
            "cancelled_at",
            "owner",
        )
    )
    if connection.features.has_select_for_update_skip_locked:
        # The ticket rows are locked too (the inserts below reference them): a clock whose ticket
        # someone is changing right now is left for the next sweep instead of risking a deadlock.
        candidates = candidates.select_for_update(skip_locked=True, of=("self", "ticket"))
    clocks = list(candidates[:batch_size])
    warn, breach, stale = [], [], []
    for clock in clocks:
        action = policies.sweep_action(
            now=now,
            warn_at=clock.warn_at,
            due_at=clock.due_at,
            warned_at=clock.warned_at,
            breached_at=clock.breached_at,
            stopped_at=_stopped_at(clock),
        )
        {policies.SweepAction.WARN: warn, policies.SweepAction.BREACH: breach}.get(action, stale).append(clock)
    if warn:
        SLAClock.objects.filter(pk__in=[c.pk for c in warn], warned_at__isnull=True).update(
            warned_at=now, next_check_at=F("due_at")
        )
    if breach:
        SLAClock.objects.filter(pk__in=[c.pk for c in breach], breached_at__isnull=True).update(
            breached_at=F("due_at"), next_check_at=None
        )
        SLABreach.objects.bulk_create(
            SLABreach(
                clock_id=c.pk,
                ticket_id=c.ticket_id,
                kind=c.kind,
                due_at=c.due_at,
                detected_at=now,
                responsible_id=c.owner_id or c.ticket.assignee_id,
            )
            for c in breach
        )
    TicketEvent.objects.bulk_create(
        [_sweep_event(c, SLAEventKind.WARNING, at=c.warn_at) for c in warn]
        + [_sweep_event(c, SLAEventKind.BREACHED, at=c.due_at) for c in breach]
    )
    for clock in stale:  # next_check_at out of date (e.g. edited in admin): put it right
        SLAClock.objects.filter(pk=clock.pk).update(
            next_check_at=policies.next_check_at(
                warn_at=clock.warn_at,
                due_at=clock.due_at,
                warned_at=clock.warned_at,
                breached_at=clock.breached_at,
                stopped_at=_stopped_at(clock),
            )
        )
    return len(clocks), [c.pk for c in warn], [c.pk for c in breach]


def _sweep_event(clock: SLAClock, kind: str, *, at: datetime.datetime) -> TicketEvent:
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    return TicketEvent(
        ticket_id=clock.ticket_id,
        kind=kind,
        created_at=at,
        body=_("%(clock)s: due %(due)s.") % {"clock": clock.get_kind_display(), "due": due},
        data={"clock": clock.pk, "clock_kind": clock.kind, "due_at": clock.due_at.isoformat()},
    )


def _clock_message(clock: SLAClock, ticket: Ticket) -> str:
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    return _("%(clock)s for %(number)s (%(customer)s) is due %(due)s.") % {
        "clock": clock.get_kind_display(),
        "number": ticket.number,
        "customer": ticket.customer.name,
        "due": due,
    }


@outbox.handler(WARNING_TOPIC)
@transaction.atomic
def clock_warning_notify(*, clock_id: int, now: datetime.datetime) -> bool:
    """The warning of one clock: to whoever is responsible, else to the duty managers on shift.
    Idempotent (notification key); False when the clock no longer needs a warning."""
    clock = (
        SLAClock.objects.select_related("ticket__customer", "ticket__assignee", "owner")
        .filter(pk=clock_id, warned_at__isnull=False, breached_at__isnull=True)
        .first()
    )
    if clock is None or not clock.is_open:
        return False
    webhooks.sla_warning_emit(clock=clock, now=now)  # OS-8, issue 15
    responsible = clock.owner or clock.ticket.assignee
    recipients = [responsible] if responsible is not None else list(duty_managers_on_shift(at=now))
    return bool(
        notification_send(
            recipients=recipients,
            title=_("SLA warning: %(clock)s on %(number)s")
            % {"clock": clock.get_kind_display(), "number": clock.ticket.number},
            body=_clock_message(clock, clock.ticket),
            url=clock.ticket.get_absolute_url(),
            kind="sla_warning",
            key=f"sla-warning:{clock.pk}",
            now=now,
        )
    )


@outbox.handler(BREACH_TOPIC)
@transaction.atomic
def clock_breach_escalate(*, clock_id: int, now: datetime.datetime) -> bool:
    """Escalate one breach: notify the duty managers on shift, the responsible person and their
    manager (in-app and by e-mail). Runs at most once per breach; a repeat does nothing."""
    breach = (
        SLABreach.objects.select_for_update(of=("self",))
        .select_related("clock", "ticket__customer", "responsible__manager")
        .filter(clock_id=clock_id, escalated_at__isnull=True)
        .first()
    )
    if breach is None:
        return False
    responsible = breach.responsible
    recipients = [*duty_managers_on_shift(at=now), responsible, responsible.manager if responsible else None]
    notification_send(
        recipients=recipients,
        title=_("SLA breached: %(clock)s on %(number)s")
        % {"clock": breach.get_kind_display(), "number": breach.ticket.number},
        body=_clock_message(breach.clock, breach.ticket)
        + "\n"
        + (
            _("Responsible: %(name)s.") % {"name": responsible.display_name}
            if responsible
            else _("Nobody is assigned.")
        ),
        url=breach.ticket.get_absolute_url(),
        kind="sla_breach",
        key=f"sla-breach:{clock_id}",
        now=now,
    )
    breach.escalated_at = now
    breach.save(update_fields=["escalated_at"])
    webhooks.sla_breached_emit(breach=breach, now=now)  # OS-8, issue 15
    return True


# --- Contract expiry (CT-2, CT-3) -----------------------------------------------------------------


@transaction.atomic
def contract_reminders_create(*, now: datetime.datetime) -> list[ContractReminder]:
    """CT-2, daily: each open contract ending within the longest reminder step gets the reminder of
    the step reached today, once per (contract, period end, step), assigned to the least busy
    callback specialist, who is notified; the expiry notice is sent after commit.

    The period is the contract's current end date: a renewal that moves it starts a new series
    (CT-3). Open reminders of contracts renewed, lost, or of a period that has moved are closed.
    """
    today = timezone.localdate(now)
    _reminders_close_stale(now=now)
    steps = list(ContractReminderStep.objects.filter(is_active=True).values_list("days_before", flat=True))
    if not steps:
        return []
    contracts = list(
        ServiceContract.objects.filter(
            renewal_status=RenewalStatus.OPEN,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=max(steps)),
        ).select_related("customer")
    )
    existing = set(
        ContractReminder.objects.filter(contract__in=[c.pk for c in contracts]).values_list(
            "contract_id", "period_end", "days_before"
        )
    )
    specialists = callback_specialists_by_load()
    load = {user.pk: user.open_reminders for user in specialists}
    created = []
    for contract in contracts:
        step = policies.reminder_step_due(end_date=contract.end_date, today=today, steps=steps)
        if step is None or (contract.pk, contract.end_date, step) in existing:
            continue
        assignee = min(specialists, key=lambda user: (load[user.pk], user.pk)) if specialists else None
        reminder = _reminder_create(contract=contract, step=step, today=today, assignee=assignee, now=now)
        if reminder is None:
            continue
        if assignee is not None:
            load[assignee.pk] += 1
        created.append(reminder)
    return created


def _reminder_create(*, contract, step: int, today, assignee, now) -> ContractReminder | None:
    reminder = ContractReminder(
        contract=contract,
        period_end=contract.end_date,
        days_before=step,
        due_on=today,
        assignee=assignee,
        language=policies.letter_language(customer_name=contract.customer.name),
        created_at=now,
    )
    reminder.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            reminder.save()
    except IntegrityError:  # the daily task ran twice at once: the other run created it
        return None
    if assignee is not None:
        notification_send(
            recipients=[assignee],
            title=_("Contract %(number)s of %(customer)s ends on %(date)s: remind the customer")
            % {"number": contract.number, "customer": contract.customer.name, "date": contract.end_date.isoformat()},
            url=reverse("sla:reminders"),
            kind="contract_reminder",
            key=f"contract-reminder:{reminder.pk}",
            now=now,
        )
    outbox.enqueue(
        topic=CONTRACT_NOTICE_TOPIC,
        payload={"reminder_id": reminder.pk},
        key=f"{CONTRACT_NOTICE_TOPIC}:{reminder.pk}",
        now=now,
    )
    webhooks.contract_expiring_emit(reminder=reminder, now=now)  # CT-2, issue 15
    return reminder


def _reminders_close_stale(*, now: datetime.datetime) -> None:
    """Close open reminders that no longer apply: contract renewed or lost, or a moved period end."""
    stale = ContractReminder.objects.filter(status=ContractReminder.Status.OPEN).filter(
        ~Q(contract__renewal_status=RenewalStatus.OPEN) | ~Q(period_end=F("contract__end_date"))
    )
    for reminder in stale.select_related("contract"):
        lost = reminder.contract.renewal_status == RenewalStatus.LOST
        reminder.status = ContractReminder.Status.LOST if lost else ContractReminder.Status.RENEWED
        reminder.closed_at = now
        reminder.save(update_fields=["status", "closed_at"])


@outbox.handler(CONTRACT_NOTICE_TOPIC)
def contract_notice_send(*, reminder_id: int, now: datetime.datetime) -> bool:
    """CT-2: send the expiry notice of an open reminder to each active contact of the customer, one
    customer message per contact by their channel (servicedesk/notify): by e-mail the whole letter
    in the reminder's language (text and HTML), by SMS or WeChat the short notice of the
    ``contract_expiring`` template. At most once per reminder (that is, per period and step) and
    contact: the row stays locked until the messages are written and the reminder is stamped, and
    each message's key is ``contract_expiring:<reminder>:<contact>``. False when there is nothing
    to send or nobody can be reached (the queue then says to print and fax it)."""
    from .letters import notice_render

    with transaction.atomic():
        reminder = (
            ContractReminder.objects.select_for_update(of=("self",))
            .select_related("contract__customer")
            .filter(pk=reminder_id, notice_sent_at__isnull=True, status=ContractReminder.Status.OPEN)
            .first()
        )
        if reminder is None:
            return False
        contract = reminder.contract
        letter = None
        recipients = []
        for contact in contract.customer.contacts.filter(is_active=True).select_related("customer").order_by("pk"):
            channel = channel_choose(contact=contact)
            if channel is None:
                continue
            context = {
                "contract": contract,
                "contract_number": contract.number,
                "end_date": contract.end_date.isoformat(),
            }
            if channel == ContactChannel.EMAIL:
                # Only the e-mail carries the letter: SMS and WeChat send the context's plain values
                # as template parameters, and the letter is no parameter.
                letter = letter or notice_render(
                    reminder=reminder, language=reminder.language, today=timezone.localdate(now)
                )
                context |= {"letter_subject": letter.subject, "letter_text": letter.text, "body_html": letter.html}
            message = customer_message_send(
                contact=contact,
                kind=MessageKind.CONTRACT_EXPIRING,
                context=context,
                channel=channel,
                key=f"contract_expiring:{reminder.pk}:{contact.pk}",
                now=now,
            )
            if message is None or message.status == CustomerMessage.Status.SKIPPED:
                continue
            label = recipient_label(message)
            if message.channel != ContactChannel.EMAIL:
                label = f"{label} ({message.get_channel_display()})"
            recipients.append(label)
        if not recipients:
            return False
        reminder.notice_sent_at = now
        reminder.notice_recipients = ", ".join(recipients)
        reminder.save(update_fields=["notice_sent_at", "notice_recipients"])
    return True


def _reminder_close(reminder: ContractReminder, *, status: str, actor, note: str, now) -> ContractReminder:
    reminder.status, reminder.closed_at, reminder.closed_by = status, now, actor
    if note.strip():
        reminder.note = note.strip()
    reminder.full_clean(validate_unique=False)
    reminder.save()
    return reminder


def _reminder_locked_open(reminder: ContractReminder) -> ContractReminder:
    locked = ContractReminder.objects.select_for_update().get(pk=reminder.pk)
    if not locked.is_open:
        raise ValidationError(_("This reminder is already closed."))
    return locked


@transaction.atomic
def contract_reminder_done(
    *, reminder: ContractReminder, actor, note: str = "", now: datetime.datetime
) -> ContractReminder:
    """The callback specialist reminded the customer (CT-2). The next step still comes unless the
    contract is renewed or marked lost."""
    return _reminder_close(
        _reminder_locked_open(reminder), status=ContractReminder.Status.DONE, actor=actor, note=note, now=now
    )


@transaction.atomic
def contract_mark_lost(*, reminder: ContractReminder, actor, note: str, now: datetime.datetime) -> ContractReminder:
    """The customer will not renew: the contract is marked lost (no more reminders) and every open
    reminder of it is closed."""
    if not note.strip():
        raise ValidationError({"note": _("Say why the contract is lost.")})
    reminder = _reminder_locked_open(reminder)
    contract = ServiceContract.objects.select_for_update().get(pk=reminder.contract_id)
    contract.renewal_status = RenewalStatus.LOST
    contract.full_clean()
    contract.save()
    for other in (
        ContractReminder.objects.select_for_update()
        .filter(contract=contract, status=ContractReminder.Status.OPEN)
        .exclude(pk=reminder.pk)
    ):
        _reminder_close(other, status=ContractReminder.Status.LOST, actor=actor, note="", now=now)
    return _reminder_close(reminder, status=ContractReminder.Status.LOST, actor=actor, note=note, now=now)
