"""Pure SLA rules: which target applies, when a clock is due, when the sweep looks at it, and the
contract reminder schedule (CT-2). No database; every function takes the moment it decides for.

Working-time arithmetic comes from ``staff.calendars``; a 24x7 clock counts in ``always_open``.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from staff.calendars import Calendar, add_working_days, add_working_time, intervals_on, working_time_between

Pause = tuple[datetime.datetime, datetime.datetime | None]
ZERO = datetime.timedelta(0)


def is_working_moment(calendar: Calendar, moment: datetime.datetime) -> bool:
    """True when ``moment`` lies inside one of the calendar's opening intervals."""
    return add_working_time(calendar, moment, ZERO) == moment


@dataclass(frozen=True)
class ResolvedTarget:
    """What a clock has to meet: a duration of counted time, or "close of the Nth working day"."""

    duration: datetime.timedelta | None
    working_days: int | None
    business_hours: bool  # counts the working time of a business calendar (else round the clock)
    off_hours: bool = False


def resolve_target(
    *,
    minutes: int | None,
    off_hours_minutes: int | None,
    working_days: int | None,
    calendar: Calendar | None,
    started_at: datetime.datetime,
) -> ResolvedTarget:
    """OS-8 and 004 §1.2: the policy's calendar decides how a target counts.

    - no calendar (24x7): the minutes count round the clock;
    - a business calendar: the minutes count its working time, from the next opening when the clock
      starts outside working hours, unless the target has an off-hours value, which then applies
      instead and counts round the clock (the duty staff's night and weekend commitment);
    - working days (CB-1) always count in a business calendar: the caller passes the policy's or
      the default one.
    """
    if working_days is not None:
        return ResolvedTarget(duration=None, working_days=working_days, business_hours=True)
    duration = datetime.timedelta(minutes=minutes)
    if calendar is None:
        return ResolvedTarget(duration=duration, working_days=None, business_hours=False)
    if off_hours_minutes and not is_working_moment(calendar, started_at):
        return ResolvedTarget(
            duration=datetime.timedelta(minutes=off_hours_minutes),
            working_days=None,
            business_hours=False,
            off_hours=True,
        )
    return ResolvedTarget(duration=duration, working_days=None, business_hours=True)


def _deadline(
    calendar: Calendar, started_at: datetime.datetime, amount: datetime.timedelta, pauses: Sequence[Pause]
) -> datetime.datetime | None:
    """When ``amount`` of counted time has run, skipping the paused intervals.

    None while the clock is paused before reaching it (the deadline is unknown until it resumes).
    A deadline reached before a pause stays where it is: pausing late does not undo a breach.
    """
    remaining, cursor = amount, started_at
    for pause_start, pause_end in pauses:
        if pause_start > cursor:
            available = working_time_between(calendar, cursor, pause_start)
            if remaining <= available:
                return add_working_time(calendar, cursor, remaining)
            remaining -= available
        if pause_end is None:
            return None
        cursor = max(cursor, pause_end)
    return add_working_time(calendar, cursor, remaining)


def working_days_deadline(calendar: Calendar, started_at: datetime.datetime, days: int) -> datetime.datetime:
    """CB-1: the close of business of the ``days``-th working day after the day the clock starts."""
    day = add_working_days(calendar, started_at.astimezone(calendar.tz).date(), days)
    return intervals_on(calendar, day)[-1][1].astimezone(calendar.tz)


@dataclass(frozen=True)
class Deadlines:
    warn_at: datetime.datetime | None
    due_at: datetime.datetime | None


def clock_deadlines(
    *,
    calendar: Calendar,
    started_at: datetime.datetime,
    target: datetime.timedelta | None,
    working_days: int | None,
    pauses: Sequence[Pause] = (),
    warn_percent: int = 80,
) -> Deadlines:
    """``due_at`` and the warning moment (``warn_percent`` of the counted target) of a clock.

    Recomputed from scratch on every pause, resume and policy change, so the result depends only on
    the start, the target, the calendar and the paused intervals. Working-day targets ignore pauses.
    """
    if working_days is not None:
        due = working_days_deadline(calendar, started_at, working_days)
        share = working_time_between(calendar, started_at, due) * warn_percent / 100
        return Deadlines(warn_at=add_working_time(calendar, started_at, _whole_seconds(share)), due_at=due)
    warn_amount = _whole_seconds(target * warn_percent / 100)
    return Deadlines(
        warn_at=_deadline(calendar, started_at, warn_amount, pauses),
        due_at=_deadline(calendar, started_at, target, pauses),
    )


def _whole_seconds(delta: datetime.timedelta) -> datetime.timedelta:
    return datetime.timedelta(seconds=round(delta.total_seconds()))


def next_check_at(
    *,
    warn_at: datetime.datetime | None,
    due_at: datetime.datetime | None,
    warned_at: datetime.datetime | None,
    breached_at: datetime.datetime | None,
    stopped_at: datetime.datetime | None,
) -> datetime.datetime | None:
    """When the sweep has to look at a clock next: its warning, then its deadline, then never.

    A clock met or cancelled *after* its deadline without having been breached yet (the workers
    were down) still gets its breach: it fell due. Met or cancelled in time: nothing to check.
    """
    if breached_at is not None or due_at is None:
        return None
    if stopped_at is not None:
        return due_at if stopped_at > due_at else None
    if warned_at is None and warn_at is not None and warn_at < due_at:
        return warn_at
    return due_at


class SweepAction:
    WARN = "warn"
    BREACH = "breach"


def sweep_action(
    *,
    now: datetime.datetime,
    warn_at: datetime.datetime | None,
    due_at: datetime.datetime | None,
    warned_at: datetime.datetime | None,
    breached_at: datetime.datetime | None,
    stopped_at: datetime.datetime | None,
) -> str | None:
    """What the sweep does with a clock at ``now``: breach it once past due (unless it was met or
    cancelled in time), else warn it once past the warning share while it still runs, else nothing."""
    met_in_time = stopped_at is not None and due_at is not None and stopped_at <= due_at
    if breached_at is None and due_at is not None and due_at <= now and not met_in_time:
        return SweepAction.BREACH
    if breached_at is None and stopped_at is None and warned_at is None and warn_at is not None and warn_at <= now:
        return SweepAction.WARN
    return None


def pauses_from_json(raw: Iterable) -> list[Pause]:
    return [
        (datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end) if end else None)
        for start, end in raw
    ]


def pauses_to_json(pauses: Iterable[Pause]) -> list[list[str | None]]:
    return [[start.isoformat(), end.isoformat() if end else None] for start, end in pauses]


# --- Contract expiry (CT-2, CT-3) ---------------------------------------------------------------


def reminder_step_due(*, end_date: datetime.date, today: datetime.date, steps: Iterable[int]) -> int | None:
    """CT-2: the reminder step (days before the end) that is due ``today``, or None.

    The latest step already reached wins: a contract first seen 10 days before its end gets the
    14-day reminder, not a burst of the 30- and 14-day ones. Nothing once the period is over.
    """
    if today > end_date:
        return None
    reached = [days for days in steps if end_date - datetime.timedelta(days=days) <= today]
    return min(reached) if reached else None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def letter_language(*, customer_name: str) -> str:
    """The expiry notice goes out in Simplified Chinese to customers with a Chinese name, else in
    English. The callback specialist can switch a reminder's language before it is re-sent."""
    return "zh-hans" if _CJK.search(customer_name) else "en"
