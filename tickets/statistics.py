"""GN-6: monthly statistics of service volume, SLA performance and satisfaction, per engineer and team.

Reads only, aggregated in the database: one grouped query per table, whatever the number of tickets,
clocks or people. Satisfaction comes from the callback surveys (``tickets.care``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from staff.models import User

from .models import Ticket
from .models.tickets import Channel


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
        finished = self.clocks_on_time + self.clocks_breached
        return round(100 * self.clocks_on_time / finished, 1) if finished else None

    @property
    def satisfaction_percent(self) -> float | None:
        return round(100 * self.satisfied / self.surveys, 1) if self.surveys else None


@dataclass
class MonthlyStatistics:
    start: datetime.datetime
    end: datetime.datetime
    total: Row
    engineers: list[Row] = field(default_factory=list)
    teams: list[Row] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)


def _month_counts(start, end):
    in_month = Q(created_at__gte=start, created_at__lt=end)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    return {
        "opened": Count("id", filter=in_month),
        "resolved": Count("id", filter=resolved),
    }, in_month | resolved


def _clock_counts(start, end):
    from tickets.sla.models import SLAClock

    # A clock counts in the month its deadline falls in: on time (met, never breached) or breached.
    clocks = SLAClock.objects.filter(due_at__gte=start, due_at__lt=end, cancelled_at__isnull=True)
    counts = {
        "on_time": Count("id", filter=Q(met_at__isnull=False, breached_at__isnull=True)),
        "breached": Count("id", filter=Q(breached_at__isnull=False)),
    }
    return clocks, counts


def _satisfaction(start, end, *, by: str) -> dict:
    """{engineer id or team name: (surveys, satisfied)} from the callback survey answers (CB-5)."""
    from tickets.care.models import SurveyResponse

    key = {"engineer": "engineer", "team": "engineer__team__name"}[by]
    rows = (
        SurveyResponse.objects.filter(satisfied__isnull=False, answered_at__gte=start, answered_at__lt=end)
        .values(key)
        .annotate(total=Count("id"), happy=Count("id", filter=Q(satisfied=True)))
        .order_by()
    )
    return {row[key]: (row["total"], row["happy"]) for row in rows}


def monthly_statistics(*, start: datetime.datetime, end: datetime.datetime) -> MonthlyStatistics:
    ticket_counts, ticket_filter = _month_counts(start, end)
    tickets = Ticket.objects.filter(ticket_filter)
    clocks, clock_counts = _clock_counts(start, end)

    by_engineer = {
        r["assignee"]: r for r in tickets.values("assignee").annotate(**ticket_counts).order_by()
    }
    clocks_by_person = {
        r["person"]: r
        for r in clocks.annotate(person=Coalesce(F("owner_id"), F("ticket__assignee_id")))
        .values("person")
        .annotate(**clock_counts)
        .order_by()
    }
    by_team = {
        r["assignee__team__name"]: r
        for r in tickets.values("assignee__team__name").annotate(**ticket_counts).order_by()
    }
    clocks_by_team = {
        r["team"]: r
        for r in clocks.annotate(team=Coalesce(F("owner__team__name"), F("ticket__assignee__team__name")))
        .values("team")
        .annotate(**clock_counts)
        .order_by()
    }
    satisfaction_people = _satisfaction(start, end, by="engineer")
    satisfaction_teams = _satisfaction(start, end, by="team")
    channels = dict(
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by()
    )

    people_ids = {pk for pk in (*by_engineer, *clocks_by_person, *satisfaction_people) if pk is not None}
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(pk__in=people_ids).only("pk", "full_name", "first_name", "last_name", "username")
    }

    def row(label, tickets_row, clocks_row, satisfaction) -> Row:
        surveys, satisfied = satisfaction or (0, 0)
        return Row(
            label=label,
            opened=(tickets_row or {}).get("opened", 0),
            resolved=(tickets_row or {}).get("resolved", 0),
            clocks_on_time=(clocks_row or {}).get("on_time", 0),
            clocks_breached=(clocks_row or {}).get("breached", 0),
            surveys=surveys,
            satisfied=satisfied,
        )

    unassigned = str(_("(unassigned)"))
    engineers = [
        line
        for line in (
            row(names.get(pk, unassigned) if pk else unassigned, by_engineer.get(pk), clocks_by_person.get(pk), satisfaction_people.get(pk))
            for pk in sorted({*by_engineer, *clocks_by_person, *satisfaction_people}, key=lambda pk: (pk is None, names.get(pk, "")))
        )
        if line.has_data
    ]
    no_team = str(_("(no team)"))
    teams = [
        line
        for line in (
            row(name or no_team, by_team.get(name), clocks_by_team.get(name), satisfaction_teams.get(name))
            for name in sorted({*by_team, *clocks_by_team, *satisfaction_teams}, key=lambda n: (n is None, n or ""))
        )
        if line.has_data
    ]
    total = Row(label=str(_("Service centre")))
    for line in engineers:
        for attr in ("opened", "resolved", "clocks_on_time", "clocks_breached", "surveys", "satisfied"):
            setattr(total, attr, getattr(total, attr) + getattr(line, attr))
    return MonthlyStatistics(
        start=start,
        end=end,
        total=total,
        engineers=engineers,
        teams=teams,
        channels=[(label, channels.get(value, 0)) for value, label in Channel.choices],
    )
