"""Hotline seats (坐席) and sign-ins at them (HL-4).

A seat is a numbered telephone position; the PBX rings seats, and the CTI webhook finds the agent
at the called seat through who is signed in there.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Seat(models.Model):
    number = models.CharField(
        _("seat number"), max_length=16, unique=True, help_text=_("As the telephone system (PBX) names it, e.g. 8001.")
    )
    label = models.CharField(_("label"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("hotline seat")
        verbose_name_plural = _("hotline seats")
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="roster_seat_number_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()


class SeatSignIn(models.Model):
    """A person at a seat from ``signed_in_at`` until ``signed_out_at`` (open while null)."""

    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="sign_ins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="seat_sign_ins"
    )
    signed_in_at = models.DateTimeField(_("signed in"))
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("seat sign-in")
        verbose_name_plural = _("seat sign-ins")
        indexes = [models.Index(fields=["seat", "signed_in_at"], name="roster_signin_seat_idx")]
        constraints = [
            # One person per seat and one seat per person at a time.
            models.UniqueConstraint(
                fields=["seat"], condition=Q(signed_out_at__isnull=True), name="roster_one_open_signin_per_seat"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(signed_out_at__isnull=True), name="roster_one_open_signin_per_user"
            ),
            models.CheckConstraint(
                condition=Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=F("signed_in_at")),
                name="roster_signin_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seat}"


# --- The duty roster (HL-2, HL-3, HL-4, ST-16) ---------------------------------------------------


class ShiftTemplate(models.Model):
    """A kind of shift as data (e.g. day 08:30-17:30, evening 17:30-22:00, weekend/holiday).

    Times are local wall-clock times; an end at or before the start means the shift ends the next
    day (a night shift crossing midnight). ``days`` says on which days the roster gets this shift.
    """

    class Days(models.TextChoices):
        WORKING = "working", _("Working days")
        NON_WORKING = "non_working", _("Weekends and holidays")
        EVERY = "every", _("Every day")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"), help_text=_("At or before the start: the shift ends the next day."))
    days = models.CharField(_("days"), max_length=12, choices=Days.choices, default=Days.WORKING)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order within a day."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "start", "code"]
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="roster_shifttemplate_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}-{self.end:%H:%M}"


class Shift(models.Model):
    """One shift on one day: its seats are staffed by assignments, led by one duty manager (值班经理).

    ``starts_at``/``ends_at`` are the template's local times on ``date`` (ends the next day when the
    shift crosses midnight), stored as instants so "the shift covering a moment" is one query.
    """

    date = models.DateField(_("date"))
    template = models.ForeignKey(ShiftTemplate, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    is_holiday = models.BooleanField(
        _("holiday duty"), default=False, help_text=_("On a holiday the hotline is forwarded to a mobile phone.")  # ST-16
    )
    duty_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_shifts",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    publication = models.ForeignKey(
        "RosterPublication",
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "template__position"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="roster_shift_span_idx")]
        constraints = [
            models.UniqueConstraint(fields=["date", "template"], name="roster_one_shift_per_template_day"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="roster_shift_ends_after_start"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(publication__isnull=False),
                name="roster_shift_published_with_publication",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.template.name}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ShiftAssignment(models.Model):
    """A duty engineer (agent) on a seat for one shift (HL-2 counts these; HL-4 checks their sign-in)."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("duty engineer"), on_delete=models.PROTECT, related_name="duty_assignments"
    )
    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="assignments")
    forwards_hotline = models.BooleanField(
        _("hotline forwarded to this mobile"),
        default=False,
        help_text=_("On holiday duty the hotline rings this engineer's mobile phone."),  # ST-16
    )
    # Copied from the shift so the database can refuse one person twice at overlapping times.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    assigned_at = models.DateTimeField(_("assigned"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+", null=True
    )
    # HL-4: set once by the seat check (whether or not the engineer was ready).
    seat_checked_at = models.DateTimeField(_("seat checked"), null=True, blank=True)
    seat_ready = models.BooleanField(_("ready at the seat"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["shift__starts_at", "seat__number"]
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "seat"],
                name="roster_one_engineer_per_seat_and_shift",
                violation_error_message=_("This seat is already staffed in this shift."),
            ),
            models.UniqueConstraint(
                fields=["shift", "engineer"],
                name="roster_one_seat_per_engineer_and_shift",
                violation_error_message=_("This person is already on duty in this shift."),
            ),
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(forwards_hotline=True),
                name="roster_one_forwarding_mobile_per_shift",
                violation_error_message=_("The hotline is already forwarded to someone else in this shift."),
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="roster_assignment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["engineer", "starts_at"], name="roster_assign_engineer_idx")]

    def __str__(self) -> str:
        return f"{self.shift}: {self.engineer} @ {self.seat.number}"


class RosterPublication(models.Model):
    """HL-3: a duty manager published the roster of a period; late publication carries its reason."""

    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(
        _("reason for late publication"), blank=True, help_text=_("Required when a shift starts in less than 12 hours.")  # HL-3
    )
    late_shifts = models.PositiveIntegerField(_("shifts published late"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("roster publication")
        verbose_name_plural = _("roster publications")
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="roster_publication_period_ordered"),
            models.CheckConstraint(
                condition=Q(late_shifts=0) | ~Q(override_reason=""), name="roster_late_publication_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"


class ShiftChange(models.Model):
    """Who changed a published shift, when, and why (HL-3: changes after publication need a reason)."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", _("Engineer assigned")
        UNASSIGNED = "unassigned", _("Engineer removed")
        MANAGER = "manager", _("Duty manager changed")
        FORWARDING = "forwarding", _("Holiday forwarding changed")

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("change"), max_length=12, choices=Action.choices)
    details = models.CharField(_("details"), max_length=200)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change to a published shift")
        verbose_name_plural = _("changes to published shifts")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="roster_shiftchange_has_reason")]

    def __str__(self) -> str:
        return f"{self.shift}: {self.details}"
