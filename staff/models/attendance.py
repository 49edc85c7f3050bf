"""Attendance (ST-1, HL-4): sign-ins, site-visit notices, incidents and the classified day.

Sign-ins, notices and incidents are facts recorded as they happen; corrections happen only in
admin and keep their history. ``AttendanceDay``
is derived from them by the daily classification job (``staff.services.attendance_classify_day``);
running the job again rewrites the same rows with the same result.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SignIn(models.Model):
    """The first sign-in of an employee on a (local) day; later presses change nothing."""

    class Channel(models.TextChoices):
        BROWSER = "browser", _("Browser")
        PHONE = "phone", _("Phone")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="sign_ins"
    )
    day = models.DateField(_("day"))
    signed_in_at = models.DateTimeField(_("signed in at"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.BROWSER)
    # Corrections in admin change who was late or absent, so they keep their history (GN-4).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-day", "employee"]
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="staff_signin_once_a_day"),
            models.CheckConstraint(condition=Q(channel__in=["browser", "phone"]), name="staff_signin_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.signed_in_at:%Y-%m-%d %H:%M}"


class SiteVisitNotice(models.Model):
    """ST-1: "I go straight to a customer site today". Counts only when given before work starts."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="site_notices"
    )
    day = models.DateField(_("day"))
    given_at = models.DateTimeField(_("given at"))
    place = models.CharField(_("customer or site"), max_length=200)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-day", "employee"]
        verbose_name = _("site-visit notice")
        verbose_name_plural = _("site-visit notices")
        constraints = [models.UniqueConstraint(fields=["employee", "day"], name="staff_sitenotice_once_a_day")]

    def __str__(self) -> str:
        return f"{self.employee} {self.day} {self.place}"


class IncidentKind(models.TextChoices):
    SEAT_NOT_READY = "seat_not_ready", _("Duty seat not ready 10 minutes after shift start")  # HL-4
    UNREACHABLE = "unreachable", _("Unreachable by phone")  # ST-3
    MEETING_LATE = "meeting_late", _("Late for a meeting or training")  # ST-4
    MEETING_ABSENT = "meeting_absent", _("Absent from a meeting or training")  # ST-4
    WINDOWS_POWER = "windows_power", _("Windows and power not checked")  # ST-5


class AttendanceIncident(models.Model):
    """A conduct or attendance event, reported by another app or recorded by a manager.

    ``source`` is the record the event came from (a duty shift, a meeting, ...); an incident exists
    at most once per (employee, kind, source). Manual entries have no source.
    """

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    day = models.DateField(_("day"))
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    details = models.TextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("attendance incident")
        verbose_name_plural = _("attendance incidents")
        indexes = [models.Index(fields=["day", "kind"], name="staff_incident_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "kind", "source_type", "source_id"], name="staff_incident_once_per_source"
            ),
            models.CheckConstraint(condition=Q(kind__in=IncidentKind.values), name="staff_incident_kind_valid"),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="staff_incident_source_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.employee} {self.day}"


class DayStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent (旷工)")
    ON_LEAVE = "on_leave", _("On leave")
    FIELD = "field", _("Field duty")


class DayReason(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in on time")
    SIGNED_IN_LATE = "signed_in_late", _("Signed in after work started")
    NOTICE = "notice", _("Site-visit notice before work started")
    NOTICE_LATE = "notice_late", _("Site-visit notice after work started")
    SEAT_NOT_READY = "seat_not_ready", _("Duty seat not ready in time")  # HL-4
    LEAVE = "leave", _("Leave approved in advance")
    TRAVEL = "travel", _("Approved business trip")
    LEAVE_NOT_APPROVED = "leave_not_approved", _("Leave not approved before it started")  # ST-2
    NO_SIGN_IN = "no_sign_in", _("No sign-in and no notice")


class AttendanceDay(models.Model):
    """The classification of one employee's working day (derived; rewritten by each run)."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="attendance_days"
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=DayStatus.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=DayReason.choices)
    work_start = models.DateTimeField(_("work starts"))
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    leave = models.ForeignKey(
        "staff.LeaveRequest",
        verbose_name=_("leave"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    classified_at = models.DateTimeField(_("classified at"))

    class Meta:
        ordering = ["-day", "employee"]
        verbose_name = _("attendance day")
        verbose_name_plural = _("attendance days")
        indexes = [models.Index(fields=["day", "status"], name="staff_attday_day_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="staff_attendanceday_unique"),
            models.CheckConstraint(condition=Q(status__in=DayStatus.values), name="staff_attendanceday_status_valid"),
            models.CheckConstraint(condition=Q(reason__in=DayReason.values), name="staff_attendanceday_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.day} {self.get_status_display()}"
