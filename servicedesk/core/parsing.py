"""Parse raw request values (``request.GET`` / ``request.POST``) without ever raising.

A view that reads an id, a number or a date straight from the request goes through a form or one of
these helpers, so garbage ("abc", "²", "-1", twenty digits, year 1 or 9999) is "not given" or a 404,
never a 500 (``ValueError`` from ``int()``, ``OverflowError`` from SQLite or from date arithmetic,
``DataError`` from PostgreSQL for an integer out of range). Pure; no database.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

# Primary keys: positive and inside a signed 32-bit integer, which fits every id column we have
# (BigAutoField is wider) and every database. Anything bigger cannot be a real row.
PK_MAX = 2**31 - 1
# Dates that leave room for arithmetic (a day or a month either side, local midnight in any zone)
# and are plausible for a service centre; year 1 or 9999 overflow ``date + timedelta``.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)

# ASCII digits only: str.isdigit() also accepts "²" or "١", which int() refuses or misreads.
# Twenty digits are enough for any 64-bit number and keep int() away from very long strings.
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}", re.ASCII)


def int_or_none(value, *, min: int | None = 1, max: int | None = PK_MAX) -> int | None:  # noqa: A002
    """The integer in ``value`` when it is one within ``[min, max]``, else ``None``.

    ``value`` may be a string from the request, an int, or ``None``; surrounding blanks are ignored.
    ``min``/``max`` of ``None`` leave that side open."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str) or not _INTEGER.fullmatch(value.strip()):
            return None
        number = int(value.strip())
    if (min is not None and number < min) or (max is not None and number > max):
        return None
    return number


def pk_or_none(value) -> int | None:
    """A primary key from the request, or ``None`` when it cannot be one."""
    return int_or_none(value, min=1, max=PK_MAX)


def pk_or_404(value) -> int:
    """A primary key from the request; a value that cannot be one is a 404, like a missing row."""
    pk = pk_or_none(value)
    if pk is None:
        raise Http404("Not a valid id.")
    return pk


def date_or_none(
    value, *, formats: tuple[str, ...] = ("%Y-%m-%d",), min: datetime.date = DATE_MIN, max: datetime.date = DATE_MAX  # noqa: A002
) -> datetime.date | None:
    """The date in ``value`` (first matching ``strptime`` format), or ``None`` when it is not one or
    lies outside ``[min, max]``."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= 32:
        day = None
        for fmt in formats:
            try:
                day = datetime.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
            break
        if day is None:
            return None
    else:
        return None
    return day if min <= day <= max else None


def month_or_none(value, **bounds) -> datetime.date | None:
    """The first day of the month in ``value`` ("2026-03"), or ``None``."""
    return date_or_none(value, formats=("%Y-%m",), **bounds)


def text_or_empty(value, *, max_length: int = 200) -> str:
    """Free text from the query string (a search box): stripped, without NUL characters (PostgreSQL
    refuses them in a query: ``DataError``), at most ``max_length`` characters."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()[:max_length]


def date_in_range(value: datetime.date | None) -> None:
    """Form-field validator: refuse dates outside ``[DATE_MIN, DATE_MAX]`` with a message instead of
    letting the view's arithmetic overflow on year 1 or 9999."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s.") % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
            code="date_range",
        )
