"""Reads for the SLA engine: which targets apply to a ticket, the duty-manager board, the reminder queue."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from staff.models import Team, User
from staff.roles import Role

from .models import ANY_PRIORITY, ClockKind, ContractReminder, SLAClock, SLATarget

BOARD_ROWS = 50


def sla_targets_for_key(*, level: str | None, priority: int, kinds=None) -> dict[str, SLATarget]:
    """The winning target per clock kind for a contract level (None: no contract) and a priority.

    One query. The most specific active policy wins: a matching level beats "any level", then a
    matching priority beats "any priority" (``''`` and ``0`` sort last when descending).
    """
    levels = [""] if not level else ["", level]
    rows = (
        SLATarget.objects.filter(
            policy__is_active=True, policy__contract_level__in=levels, policy__priority__in=[ANY_PRIORITY, priority]
        )
        .select_related("policy__work_calendar")
        .order_by("kind", "-policy__contract_level", "-policy__priority")
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    winners: dict[str, SLATarget] = {}
    for row in rows:
        winners.setdefault(row.kind, row)
    return winners


def sla_targets_for(*, ticket, kinds=None) -> dict[str, SLATarget]:
    """The targets that apply to ``ticket`` now (its contract's level and its priority)."""
    level = ticket.contract.level if ticket.contract_id else None
    return sla_targets_for_key(level=level, priority=ticket.priority, kinds=kinds)


def _local_day_start(now: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(timezone.localdate(now), datetime.time(0), tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Board:
    due_soon: list[SLAClock]
    breached_today: list[SLAClock]
    callbacks: list[SLAClock]
    counts: dict[str, int]


def board_clocks(*, now: datetime.datetime, team: Team | None = None, kind: str = "") -> Board:
    """The duty manager's SLA board in four queries whatever the number of clocks: the counts, then
    at most ``BOARD_ROWS`` rows each of clocks due within the hour, clocks breached today, and open
    HL-7 duty-manager call-backs."""
    clocks = SLAClock.objects.all()
    if team is not None:
        # Responsible = the clock's owner, else the ticket's assignee.
        clocks = clocks.filter(Q(owner__team=team) | Q(owner__isnull=True, ticket__assignee__team=team))
    if kind:
        clocks = clocks.filter(kind=kind)
    running = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)
    due_soon = (
        running & Q(due_at__gt=now, due_at__lte=now + datetime.timedelta(hours=1)) & ~Q(kind=ClockKind.DM_CALLBACK)
    )
    breached_today = Q(breached_at__gte=_local_day_start(now), breached_at__lte=now)
    callbacks = Q(kind=ClockKind.DM_CALLBACK, met_at__isnull=True, cancelled_at__isnull=True)
    counts = clocks.aggregate(
        due_soon=Count("pk", filter=due_soon),
        breached_today=Count("pk", filter=breached_today),
        callbacks=Count("pk", filter=callbacks),
        paused=Count("pk", filter=Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=False)),
    )
    rows = clocks.select_related("ticket__customer", "ticket__assignee", "owner")
    return Board(
        due_soon=list(rows.filter(due_soon).order_by("due_at", "pk")[:BOARD_ROWS]),
        breached_today=list(rows.filter(breached_today).order_by("-breached_at", "-pk")[:BOARD_ROWS]),
        callbacks=list(rows.filter(callbacks).order_by("due_at", "pk")[:BOARD_ROWS]),
        counts=counts,
    )


class ReminderScope:
    MINE = "mine"
    OPEN = "open"
    CLOSED = "closed"
    ALL = (MINE, OPEN, CLOSED)


def reminder_queue(*, user, scope: str = ReminderScope.MINE) -> QuerySet[ContractReminder]:
    """CT-2 reminders for the callback specialists' queue: mine (open), all open, or closed ones."""
    reminders = ContractReminder.objects.select_related("contract__customer", "assignee", "closed_by")
    if scope == ReminderScope.CLOSED:
        return reminders.exclude(status=ContractReminder.Status.OPEN).order_by("-closed_at", "-pk")
    reminders = reminders.filter(status=ContractReminder.Status.OPEN)
    if scope == ReminderScope.MINE:
        reminders = reminders.filter(assignee=user)
    return reminders.order_by("period_end", "pk")


def callback_specialists_by_load() -> list[User]:
    """Active callback specialists, the one with the fewest open reminders first (one query)."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.CALLBACK_SPECIALIST)
        .annotate(
            open_reminders=Count(
                "contract_reminders", filter=Q(contract_reminders__status=ContractReminder.Status.OPEN), distinct=True
            )
        )
        .order_by("open_reminders", "pk")
    )
