"""Pure rules of the duty roster (HL-2, HL-3, HL-4, ST-16): no database, the clock passed in."""

import datetime
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from staff.roles import Role

# Who edits and publishes the roster; who has a "my duty" page.
ROSTER_EDITOR_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)
DUTY_ROLES = (Role.AGENT, Role.DUTY_MANAGER, Role.ENGINEER)


def required_seats(*, active_users: int, per_mille: Decimal | int, minimum: int = 0) -> int:
    """HL-2: staffed seats per shift >= ceil(active customer users x per mille / 1000).

    With the default 2 per mille: 0 users -> 0 (or ``minimum``), 1..500 -> 1, 501..1000 -> 2.
    """
    if active_users < 0:
        raise ValueError("active_users must not be negative")
    seats = (Decimal(active_users) * Decimal(per_mille) / 1000).to_integral_value(rounding=ROUND_CEILING)
    return max(int(seats), minimum)


def shift_span(
    *, day: datetime.date, start: datetime.time, end: datetime.time, tz: ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants a shift from ``start`` to ``end`` (local wall clock) on ``day`` covers.

    An end at or before the start crosses midnight and falls on the next day.
    """
    starts_at = datetime.datetime.combine(day, start, tzinfo=tz)
    end_day = day if end > start else day + datetime.timedelta(days=1)
    ends_at = datetime.datetime.combine(end_day, end, tzinfo=tz)
    return starts_at, ends_at


def template_runs_on(*, days: str, working_day: bool) -> bool:
    """Does a shift template with ``days`` (working / non_working / every) run on a day?"""
    if days == "every":
        return True
    return working_day if days == "working" else not working_day


def publication_is_late(*, starts_at: datetime.datetime, now: datetime.datetime, lead_hours: int) -> bool:
    """HL-3: publishing at ``now`` is late for a shift starting at ``starts_at`` when less than
    ``lead_hours`` remain. Exactly ``lead_hours`` before is still in time."""
    return starts_at - now < datetime.timedelta(hours=lead_hours)


def sign_in_opens_at(*, starts_at: datetime.datetime, early_minutes: int) -> datetime.datetime:
    """HL-4: a duty engineer may sign in at their seat from ``early_minutes`` before the shift."""
    return starts_at - datetime.timedelta(minutes=early_minutes)


def sign_in_open(
    *, starts_at: datetime.datetime, ends_at: datetime.datetime, now: datetime.datetime, early_minutes: int
) -> bool:
    """HL-4: whether the seat sign-in of a duty is open at ``now`` (shortly before the shift until its end)."""
    return sign_in_opens_at(starts_at=starts_at, early_minutes=early_minutes) <= now < ends_at


def seat_ready_deadline(
    *, starts_at: datetime.datetime, assigned_at: datetime.datetime, ready_minutes: int
) -> datetime.datetime:
    """HL-4: the moment a duty engineer must be signed in at their seat: ``ready_minutes`` after
    the shift starts, or after they were assigned when that happened once the shift had started."""
    return max(starts_at, assigned_at) + datetime.timedelta(minutes=ready_minutes)


def spans_overlap(
    a: tuple[datetime.datetime, datetime.datetime], b: tuple[datetime.datetime, datetime.datetime]
) -> bool:
    """Half-open intervals: a shift ending at 17:30 does not overlap one starting at 17:30."""
    return a[0] < b[1] and b[0] < a[1]


def can_edit_roster(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*ROSTER_EDITOR_ROLES))
