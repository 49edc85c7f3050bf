"""GN-6: monthly statistics of service volume, SLA performance and satisfaction, per engineer and team.

Reads only, aggregated in the database: one grouped query per table, whatever the number of tickets,
clocks or people; team rows are folded from the grouped per-person rows. Satisfaction comes from
the callback surveys (``tickets.care``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from staff.models import User

from .care import policies as care_policies
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
