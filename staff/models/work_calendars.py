"""Work calendars: hours per weekday, holidays and make-up working days."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def _validate_time_zone(value: str) -> None:
    import zoneinfo

    from django.core.exceptions import ValidationError

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class WorkCalendar(models.Model):
    """When the service centre works: hours per weekday, holidays and make-up working days.

    Shared by the SLA engine (business-hours clocks), attendance (work start) and every rule that
    counts working days. ``as_calendar()`` turns it into the pure ``staff.calendars.Calendar``.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[_validate_time_zone]
    )
    is_default = models.BooleanField(
        _("default calendar"), default=False, help_text=_("Used wherever no other calendar is chosen.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("work calendar")
        verbose_name_plural = _("work calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="staff_workcalendar_one_default",
                violation_error_message=_("Only one calendar can be the default."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def as_calendar(self):
        """The pure calendar (two queries; prefetch ``hours`` and ``days`` to make it zero)."""
        import zoneinfo

        from ..calendars import Calendar

        weekly: dict[int, list] = {}
        for hours in self.hours.all():
            weekly.setdefault(hours.weekday, []).append((hours.start, hours.end))
        holidays, workdays = set(), {}
        for day in self.days.all():
            if day.kind == CalendarDay.Kind.HOLIDAY:
                holidays.add(day.date)
            else:
                workdays[day.date] = ((day.start, day.end),) if day.start and day.end else ()
        return Calendar(
            tz=zoneinfo.ZoneInfo(self.time_zone),
            weekly={weekday: tuple(sorted(spans)) for weekday, spans in weekly.items()},
            holidays=frozenset(holidays),
            workdays=workdays,
        )


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="staff_workinghours_ordered",
                violation_error_message=_("Working hours must end after they start."),
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="staff_workinghours_weekday_valid"),
            models.UniqueConstraint(fields=["calendar", "weekday", "start"], name="staff_workinghours_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class CalendarDay(models.Model):
    """An exception to the weekly hours: a public holiday, or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (closed)")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    start = models.TimeField(_("from"), null=True, blank=True, help_text=_("Make-up days: empty = normal hours."))
    end = models.TimeField(_("to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="staff_calendarday_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=["holiday", "workday"]), name="staff_calendarday_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
                name="staff_calendarday_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
