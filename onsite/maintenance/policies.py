"""Pure date rules of preventive maintenance plans (issue 16): no database, no clock.

- :func:`occurrences`: a plan's dates between two days, every N months from the first visit
  (end-of-month safe: 31 January + 1 month = 28/29 February, and the next one is 31 March again,
  because every date is counted from the first visit, not from the previous one) or by an RFC 5545
  recurrence rule (python-dateutil ``rrulestr``);
- :func:`visit_days`: those dates clipped to the contract's service period (CT-1) and moved off
  holidays and days off to the next working day of the office calendar (make-up working days,
  调休, count as working days).
"""

import calendar as _calendar
import datetime

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.utils.translation import gettext as _

from staff.calendars import Calendar, is_working_day, next_working_day

# Visits are days: a rule more frequent than daily makes no sense for a preventive visit.
ALLOWED_FREQUENCIES = {YEARLY, MONTHLY, WEEKLY, DAILY}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` calendar months on; the day of the month is clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _parse(text: str, first_visit_on: datetime.date):
    text = text.strip()
    if "DTSTART" in text.upper():
        raise ValueError("DTSTART")
    return rrulestr(text, dtstart=datetime.datetime.combine(first_visit_on, datetime.time()), forceset=True)


def rrule_problem(text: str) -> str | None:
    """Why ``text`` is not a usable recurrence rule (None: it is)."""
    text = (text or "").strip()
    if not text:
        return _("Give a recurrence rule.")
    if "DTSTART" in text.upper():
        return _("Leave DTSTART out of the rule: the plan's first visit date is the start.")
    try:
        rules = _parse(text, datetime.date(2000, 1, 1))
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
        return _("This is not a valid RFC 5545 recurrence rule, e.g. FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15.")
    for rule in rules._rrule:
        if rule._freq not in ALLOWED_FREQUENCIES:
            return _("A maintenance rule repeats daily at most (FREQ=YEARLY, MONTHLY, WEEKLY or DAILY).")
    return None


def occurrences(
    *,
    first_visit_on: datetime.date,
    interval_months: int | None,
    rrule: str,
    start: datetime.date,
    end: datetime.date,
) -> list[datetime.date]:
    """The plan's dates in [start, end] (both included), never before the first visit."""
    start = max(start, first_visit_on)
    if end < start:
        return []
    if interval_months:
        months_ahead = (start.year - first_visit_on.year) * 12 + start.month - first_visit_on.month
        k = max(0, months_ahead // interval_months - 1)
        dates = []
        while True:
            day = add_months(first_visit_on, k * interval_months)
            if day > end:
                return dates
            if day >= start:
                dates.append(day)
            k += 1
    rules = _parse(rrule, first_visit_on)
    found = rules.between(
        datetime.datetime.combine(start, datetime.time()), datetime.datetime.combine(end, datetime.time.max), inc=True
    )
    return sorted({moment.date() for moment in found})


def working_day_on_or_after(calendar: Calendar, day: datetime.date) -> datetime.date:
    """``day`` itself when the office works then (make-up days included), else the next working day."""
    return day if is_working_day(calendar, day) else next_working_day(calendar, day)


def visit_days(
    *,
    first_visit_on: datetime.date,
    interval_months: int | None,
    rrule: str,
    start: datetime.date,
    end: datetime.date,
    contract_start: datetime.date,
    contract_end: datetime.date,
    calendar: Calendar,
) -> list[tuple[datetime.date, datetime.date]]:
    """``(planned_on, visit_on)`` pairs: the plan's occurrences in [start, end] inside the contract's
    service period (CT-1), each moved to a working day; one moved past the period's end is dropped."""
    dates = occurrences(
        first_visit_on=first_visit_on,
        interval_months=interval_months,
        rrule=rrule,
        start=max(start, contract_start),
        end=min(end, contract_end),
    )
    pairs = []
    for day in dates:
        moved = working_day_on_or_after(calendar, day)
        if moved <= contract_end:
            pairs.append((day, moved))
    return pairs


def visit_window(
    *, day: datetime.date, start: datetime.time, end: datetime.time, tz
) -> tuple[datetime.datetime, datetime.datetime]:
    """The agreed visit window of ``day`` from the plan's preferred times, aware in ``tz``."""
    return datetime.datetime.combine(day, start, tzinfo=tz), datetime.datetime.combine(day, end, tzinfo=tz)
