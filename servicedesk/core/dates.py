"""Calendar arithmetic shared by every app: months and local midnights. Pure; no database."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months (negative: back), clamped to the end of a shorter month
    (Jan 31 + 1 = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_midnight(day: datetime.date, tz: ZoneInfo | None = None) -> datetime.datetime:
    """The aware start of ``day`` in ``tz`` (default: the current time zone, ``TIME_ZONE``)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz or timezone.get_current_timezone())


def month_bounds(month: datetime.date, tz: ZoneInfo | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of ``month``'s calendar month as aware local midnights."""
    first = month_start(month)
    return local_midnight(first, tz), local_midnight(add_months(first, 1), tz)
