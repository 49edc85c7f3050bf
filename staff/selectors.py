"""Reads for staff records."""

from django.db.models import Prefetch

from .calendars import Calendar
from .models import CalendarDay, WorkCalendar, WorkingHours


def work_calendar_default() -> WorkCalendar | None:
    return WorkCalendar.objects.filter(is_default=True).first()


def calendar_load(work_calendar: WorkCalendar | None = None) -> Calendar:
    """The pure calendar for ``work_calendar`` (default calendar when None), in three queries.

    Raises ``WorkCalendar.DoesNotExist`` when there is no default calendar at all.
    """
    queryset = WorkCalendar.objects.prefetch_related(
        Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "start")),
        Prefetch("days", queryset=CalendarDay.objects.order_by("date")),
    )
    if work_calendar is None:
        return queryset.get(is_default=True).as_calendar()
    return queryset.get(pk=work_calendar.pk).as_calendar()
