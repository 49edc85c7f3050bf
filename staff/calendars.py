"""Working-time arithmetic on a work calendar: pure functions, no database.

A :class:`Calendar` says when the service centre works: opening intervals per weekday, holidays
(closed) and make-up working days (调休: a weekend day worked with normal hours). It is shared by
the SLA engine (business-hours clocks, OS-8), attendance (work start for ST-1 sign-in) and every
rule counted in working days (CB-1 callback the working day after, CB-6 complaint answer within N
working days, OS-11 return-to-factory within 5 working days).

Durations are real elapsed time: all arithmetic runs in UTC (Python compares and subtracts two
datetimes with the same tzinfo by wall clock, which is wrong across a DST change). Opening hours
are local wall-clock times; a local time that does not exist (spring-forward gap) is resolved by
``zoneinfo``'s fold rules. Results are returned in the calendar's zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

Interval = tuple[datetime.time, datetime.time]

# How far the arithmetic looks ahead before deciding that a calendar has no working time at all.
MAX_SEARCH_DAYS = 800


class NoWorkingTime(ValueError):
    """The calendar has no working time within the search horizon."""


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    # weekday (Monday = 0) -> opening intervals, sorted, non-overlapping; missing = closed
    weekly: dict[int, tuple[Interval, ...]]
    holidays: frozenset[datetime.date] = frozenset()
    # make-up working days -> intervals (empty tuple = the standard day's intervals)
    workdays: dict[datetime.date, tuple[Interval, ...]] = field(default_factory=dict)

    @property
    def standard_day(self) -> tuple[Interval, ...]:
        """Hours of a normal working day, used for make-up days without their own hours."""
        for weekday in range(7):
            if self.weekly.get(weekday):
                return self.weekly[weekday]
        return ()


def always_open(tz: ZoneInfo) -> Calendar:
    """24x7: every day, all day."""
    whole_day = ((datetime.time(0, 0), datetime.time.max),)
    return Calendar(tz=tz, weekly={weekday: whole_day for weekday in range(7)})


def intervals_on(calendar: Calendar, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Opening intervals of ``day`` as aware UTC datetimes."""
    if day in calendar.workdays:
        spans = calendar.workdays[day] or calendar.standard_day
    elif day in calendar.holidays:
        spans = ()
    else:
        spans = calendar.weekly.get(day.weekday(), ())
    result = []
    for start, end in spans:
        start_at = datetime.datetime.combine(day, start, tzinfo=calendar.tz)
        if end == datetime.time.max:
            end_at = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=calendar.tz)
        else:
            end_at = datetime.datetime.combine(day, end, tzinfo=calendar.tz)
        start_at, end_at = start_at.astimezone(datetime.UTC), end_at.astimezone(datetime.UTC)
        if end_at > start_at:
            result.append((start_at, end_at))
    return result


def is_working_day(calendar: Calendar, day: datetime.date) -> bool:
    return bool(intervals_on(calendar, day))


def work_start(calendar: Calendar, day: datetime.date) -> datetime.datetime | None:
    """When work starts on ``day`` (ST-1 sign-in, HL-4 seat readiness), or None on a day off."""
    spans = intervals_on(calendar, day)
    return spans[0][0].astimezone(calendar.tz) if spans else None


def add_working_time(
    calendar: Calendar, start: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    """The moment when ``duration`` of working time has passed after ``start``.

    A start outside working hours begins counting at the next opening. A zero duration returns the
    next working moment at or after ``start``.
    """
    if duration < datetime.timedelta(0):
        raise ValueError("duration must not be negative")
    remaining = duration
    day = start.astimezone(calendar.tz).date()
    start = start.astimezone(datetime.UTC)
    for _ in range(MAX_SEARCH_DAYS):
        for open_at, close_at in intervals_on(calendar, day):
            if close_at <= start:
                continue
            begin = max(open_at, start)
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(calendar.tz)
            remaining -= available
        day += datetime.timedelta(days=1)
    raise NoWorkingTime(f"no working time within {MAX_SEARCH_DAYS} days of {start.isoformat()}")


def working_time_between(
    calendar: Calendar, start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """Working time inside [start, end) (zero when end <= start)."""
    total = datetime.timedelta(0)
    start, end = start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
    if end <= start:
        return total
    day = start.astimezone(calendar.tz).date()
    last_day = end.astimezone(calendar.tz).date()
    while day <= last_day:
        for open_at, close_at in intervals_on(calendar, day):
            begin, finish = max(open_at, start), min(close_at, end)
            if finish > begin:
                total += finish - begin
        day += datetime.timedelta(days=1)
    return total


def next_working_day(calendar: Calendar, day: datetime.date) -> datetime.date:
    """The first working day strictly after ``day`` (CB-1: the working day after)."""
    return add_working_days(calendar, day, 1)


def add_working_days(calendar: Calendar, day: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``day`` (CB-6, OS-11); ``days=0`` returns ``day``."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = day
    for _ in range(MAX_SEARCH_DAYS):
        if days == 0:
            return current
        current += datetime.timedelta(days=1)
        if is_working_day(calendar, current):
            days -= 1
    raise NoWorkingTime(f"no {days} working days within {MAX_SEARCH_DAYS} days of {day}")
