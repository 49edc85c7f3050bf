"""GN-6: monthly statistics of service volume, SLA performance and satisfaction, per engineer and team.

Reads only, aggregated in the database: one grouped query per table, whatever the number of tickets,
clocks or people; team rows are folded from the grouped per-person rows. Satisfaction comes from
the callback surveys (``tickets.care``).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.dates import add_months, local_midnight, month_start
from staff.models import User

from .care import policies as care_policies
from .models import Ticket
from .models.tickets import Channel


def sla_met_percent(*, on_time: int, breached: int) -> float | None:
    """GN-6: the share of finished deadlines met on time, in percent (None when none finished)."""
    finished = on_time + breached
    return round(100 * on_time / finished, 1) if finished else None


@dataclass
class Row:
    """One line of the table: an engineer, a team or the whole centre."""

    label: str
    opened: int = 0
    resolved: int = 0
    clocks_on_time: int = 0
    clocks_breached: int = 0
    surveys: int = 0
    satisfied: int = 0

    @property
    def has_data(self) -> bool:
        return any((self.opened, self.resolved, self.clocks_on_time, self.clocks_breached, self.surveys))

    @property
    def sla_percent(self) -> float | None:
        return sla_met_percent(on_time=self.clocks_on_time, breached=self.clocks_breached)

    @property
    def satisfaction_percent(self) -> float | None:
        return care_policies.satisfaction_percent(  # CB-5: one definition of the satisfied share
            satisfied=self.satisfied, total=self.surveys
        )


@dataclass
class MonthlyStatistics:
    start: datetime.datetime
    end: datetime.datetime
    total: Row
    engineers: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)


_FIELDS = ("opened", "resolved", "clocks_on_time", "clocks_breached", "surveys", "satisfied")


def _person_counts(start, end) -> tuple[dict[int | None, Row], dict[str, int]]:
    """Per person (id, None = unassigned) the month's counts, and the new tickets per channel.

    One grouped query per table, each on an index range: tickets opened (created_at, grouped by
    assignee and channel), tickets resolved (partial resolved_at index), SLA clocks due in the month
    (a clock counts for its owner, else the ticket's assignee: met on time or breached; cancelled
    ones left out) and callback answers (CB-5)."""
    from tickets.care.models import SurveyResponse
    from tickets.sla.models import SLAClock

    people: dict[int | None, Row] = {}
    channels: dict[str, int] = {}

    def add(pk, **counts) -> None:
        line = people.setdefault(pk, Row(label=""))
        for name, value in counts.items():
            setattr(line, name, getattr(line, name) + value)

    opened = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("assignee", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in opened:
        add(row["assignee"], opened=row["n"])
        channels[row["channel"]] = channels.get(row["channel"], 0) + row["n"]
    resolved = (
        Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("assignee")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in resolved:
        add(row["assignee"], resolved=row["n"])
    clocks = (
        SLAClock.objects.filter(due_at__gte=start, due_at__lt=end, cancelled_at__isnull=True)
        .annotate(person=Coalesce(F("owner_id"), F("ticket__assignee_id")))
        .values("person")
        .annotate(
            on_time=Count("id", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
            breached=Count("id", filter=Q(breached_at__isnull=False)),
        )
        .order_by()
    )
    for row in clocks:
        add(row["person"], clocks_on_time=row["on_time"], clocks_breached=row["breached"])
    answers = (
        SurveyResponse.objects.filter(satisfied__isnull=False, answered_at__gte=start, answered_at__lt=end)
        .values("engineer")
        .annotate(total=Count("id"), happy=Count("id", filter=Q(satisfied=True)))
        .order_by()
    )
    for row in answers:
        add(row["engineer"], surveys=row["total"], satisfied=row["happy"])
    return people, channels


def monthly_statistics(*, start: datetime.datetime, end: datetime.datetime) -> MonthlyStatistics:
    people, channels = _person_counts(start, end)
    staff = {
        user.pk: user
        for user in User.objects.filter(pk__in=[pk for pk in people if pk is not None])
        .select_related("team")
        .only("pk", "full_name", "first_name", "last_name", "username", "team__name")
    }
    unassigned, no_team = str(_("(unassigned)")), str(_("(no team)"))
    # Teams are folded from the per-person rows (a few dozen already grouped rows, not tickets).
    teams: dict[str, Row] = {}
    total = Row(label=str(_("Service centre")))
    for pk, line in people.items():
        user = staff.get(pk)
        line.label = user.display_name if user else unassigned
        team_name = user.team.name if user and user.team else no_team
        team = teams.setdefault(team_name, Row(label=team_name))
        for name in _FIELDS:
            setattr(team, name, getattr(team, name) + getattr(line, name))
            setattr(total, name, getattr(total, name) + getattr(line, name))
    return MonthlyStatistics(
        start=start,
        end=end,
        total=total,
        engineers=sorted(
            (line for pk, line in people.items() if line.has_data), key=lambda line: (line.label == unassigned, line.label)
        ),
        teams=sorted((line for line in teams.values() if line.has_data), key=lambda line: (line.label == no_team, line.label)),
        channels=[(label, channels.get(value, 0)) for value, label in Channel.choices],
    )


# --- Issue 17: the 12-month KPI trend (GN-6, CB-5) ------------------------------------------------


@dataclass
class TrendMonth:
    """One month of the KPI dashboard: new tickets per channel, SLA deadlines met or breached,
    callback answers (CB-5)."""

    month: datetime.date
    channels: dict[str, int] = field(default_factory=dict)
    clocks_on_time: int = 0
    clocks_breached: int = 0
    surveys: int = 0
    satisfied: int = 0

    @property
    def opened(self) -> int:
        return sum(self.channels.values())

    @property
    def sla_percent(self) -> float | None:
        return sla_met_percent(on_time=self.clocks_on_time, breached=self.clocks_breached)

    @property
    def satisfaction_percent(self) -> float | None:
        return care_policies.satisfaction_percent(satisfied=self.satisfied, total=self.surveys)


def _month_key(value) -> datetime.date:
    """TruncMonth gives an aware datetime (PostgreSQL, SQLite with USE_TZ) or a date: the local month."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().replace(day=1)
    return value.replace(day=1)


def _counted_months(*, first: datetime.date, months: int) -> dict[datetime.date, TrendMonth]:
    """``months`` calendar months from ``first``, each counted like the GN-6 monthly page (tickets
    in the month they were opened, deadlines in the month they fell due, answers in the month they
    were given). Three grouped queries (TruncMonth in the current time zone) whatever the number of
    tickets; months without data are listed too."""
    from tickets.care.models import SurveyResponse
    from tickets.sla.models import SLAClock

    start, end = local_midnight(first), local_midnight(add_months(first, months))
    trend = {}
    day = first
    while len(trend) < months:
        trend[day] = TrendMonth(month=day, channels={value: 0 for value in Channel.values})
        day = add_months(day, 1)
    opened = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in opened:
        line = trend.get(_month_key(row["month"]))
        if line is not None:
            line.channels[row["channel"]] = line.channels.get(row["channel"], 0) + row["n"]
    clocks = (
        SLAClock.objects.filter(due_at__gte=start, due_at__lt=end, cancelled_at__isnull=True)
        .annotate(month=TruncMonth("due_at"))
        .values("month")
        .annotate(
            on_time=Count("id", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
            breached=Count("id", filter=Q(breached_at__isnull=False)),
        )
        .order_by()
    )
    for row in clocks:
        line = trend.get(_month_key(row["month"]))
        if line is not None:
            line.clocks_on_time += row["on_time"]
            line.clocks_breached += row["breached"]
    answers = (
        SurveyResponse.objects.filter(satisfied__isnull=False, answered_at__gte=start, answered_at__lt=end)
        .annotate(month=TruncMonth("answered_at"))
        .values("month")
        .annotate(total=Count("id"), happy=Count("id", filter=Q(satisfied=True)))
        .order_by()
    )
    for row in answers:
        line = trend.get(_month_key(row["month"]))
        if line is not None:
            line.surveys += row["total"]
            line.satisfied += row["happy"]
    return trend


def _cache_key(month: datetime.date) -> str:
    return f"kpi-trend:v1:{timezone.get_current_timezone_name()}:{month:%Y-%m}"


def monthly_trend(*, last_month: datetime.date, now: datetime.datetime, months: int = 12) -> list[TrendMonth]:
    """The ``months`` calendar months up to and including ``last_month``, oldest first.

    Months that ended before ``now`` barely change (a late survey answer counts in the month it was
    given, a resolved ticket in the month it was resolved), so they are cached for
    ``KPI_CACHE_SECONDS``; the running month is always counted afresh. A cold cache costs the three
    grouped queries over the missing closed months, a warm one three over the running month only,
    which keeps the dashboard fast at 100k tickets (docs/performance.md)."""
    first = add_months(month_start(last_month), 1 - months)
    wanted = [add_months(first, n) for n in range(months)]
    running = month_start(timezone.localtime(now).date())
    closed = [month for month in wanted if month < running]
    found: dict[datetime.date, TrendMonth] = {}
    cached = cache.get_many([_cache_key(month) for month in closed])
    for month in closed:
        entry = cached.get(_cache_key(month))
        if entry is not None:
            found[month] = TrendMonth(month=month, **entry)
    missing = [month for month in closed if month not in found]
    if missing:
        counted = _counted_months(first=missing[0], months=len(closed) - closed.index(missing[0]))
        fresh = {month: counted[month] for month in missing}
        cache.set_many(
            {
                _cache_key(month): {name: getattr(line, name) for name in ("channels", *_FIELDS[2:])}
                for month, line in fresh.items()
            },
            timeout=settings.KPI_CACHE_SECONDS,
        )
        found.update(fresh)
    live = [month for month in wanted if month >= running]
    if live:
        found.update(_counted_months(first=live[0], months=len(live)))
    return [found[month] for month in wanted]
