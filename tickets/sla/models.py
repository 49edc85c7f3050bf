"""SLA policies and clocks (OS-8, HL-6, HL-7, CB-1), breaches, and contract-expiry reminders (CT-2, CT-3).

A ``SLAPolicy`` says, for a contract level and a ticket priority, how long each kind of clock may run
(``SLATarget`` rows) and in which calendar the time counts. An ``SLAClock`` is one running promise on
one ticket; the sweep (``services.sla_sweep``) warns at the policy's warning share and breaches it
exactly once, writing an ``SLABreach``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.models.customers import ContractLevel
from tickets.models.tickets import Priority, Status


class ClockKind(models.TextChoices):
    RESPOND = "respond", _("Respond")  # OS-8: 2 h
    DISPATCH = "dispatch", _("Dispatch an engineer")  # OS-8: 8 h
    ONSITE_ARRANGEMENT = "onsite_arrangement", _("Arrange the on-site visit")  # HL-6: 24 h from the call
    ARRIVE = "arrive", _("Arrive on site")  # OS-8: 24 h
    RESOLVE = "resolve", _("Resolve")  # OS-8: 48 h
    DM_CALLBACK = "dm_callback", _("Duty-manager call-back")  # HL-7: 1 h
    CALLBACK = "callback", _("Satisfaction callback")  # CB-1: the working day after the feedback form


# Clocks that stop while the ticket is in one of its policy's pausing statuses (waiting on the
# customer). The call-back clocks are the centre's own calls and keep running.
PAUSABLE_KINDS = frozenset(
    {ClockKind.RESPOND, ClockKind.DISPATCH, ClockKind.ONSITE_ARRANGEMENT, ClockKind.ARRIVE, ClockKind.RESOLVE}
)
ANY_PRIORITY = 0
PRIORITY_CHOICES = [(ANY_PRIORITY, _("Any priority"))] + list(Priority.choices)


class SLAEventKind(models.TextChoices):
    """Timeline lines written by the sweep (registered in ``SLAConfig.ready``)."""

    WARNING = "sla_warning", _("SLA warning")
    BREACHED = "sla_breached", _("SLA breached")


def _validate_pause_statuses(value) -> None:
    if not isinstance(value, list) or any(status not in Status.values for status in value):
        raise ValidationError(_("Pick ticket statuses from the list."))
    if {Status.RESOLVED, Status.CLOSED} & set(value):
        raise ValidationError(_("Resolved and closed tickets stop their clocks; they cannot pause them."))


def default_pause_statuses() -> list[str]:
    return [Status.WAITING.value]


class SLAPolicy(models.Model):
    """Targets for one contract level and ticket priority; blank level or "any priority" is a fallback.

    The most specific active policy with a target for a clock's kind wins (level beats priority).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    contract_level = models.CharField(
        _("contract level"),
        max_length=20,
        choices=ContractLevel.choices,
        blank=True,
        help_text=_("Empty: any level, and tickets without a contract."),
    )
    priority = models.PositiveSmallIntegerField(_("ticket priority"), choices=PRIORITY_CHOICES, default=ANY_PRIORITY)
    # OS-8 / 004 §1.2: empty = 24x7; with a calendar, targets count its working time and a clock
    # started outside its hours may get the target's off-hours value instead.
    work_calendar = models.ForeignKey(
        "staff.WorkCalendar",
        verbose_name=_("business calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the clocks run round the clock (24x7)."),
    )
    pause_statuses = models.JSONField(
        _("statuses that pause the clocks"),
        default=default_pause_statuses,
        blank=True,
        validators=[_validate_pause_statuses],
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the target)"),
        default=80,
        help_text=_("The sweep warns once this share of the time is used."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_level", "priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["contract_level", "priority"],
                name="sla_policy_one_per_level_priority",
                violation_error_message=_("There is already a policy for this level and priority."),
            ),
            models.CheckConstraint(
                condition=Q(contract_level="") | Q(contract_level__in=ContractLevel.values),
                name="sla_policy_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=[ANY_PRIORITY, *Priority.values]), name="sla_policy_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(warn_percent__gte=1, warn_percent__lte=99),
                name="sla_policy_warn_percent_range",
                violation_error_message=_("Warn at between 1 and 99 percent of the target."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SLATarget(models.Model):
    """How long one kind of clock may run under a policy: minutes, or working days (CB-1)."""

    policy = models.ForeignKey(SLAPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    minutes = models.PositiveIntegerField(
        _("target (minutes)"),
        null=True,
        blank=True,
        help_text=_("Counted in the policy's calendar; 2 h = 120, 48 h = 2880."),
    )
    off_hours_minutes = models.PositiveIntegerField(
        _("off-hours target (minutes)"),
        null=True,
        blank=True,
        help_text=_(
            "Only with a business calendar: a clock started outside working hours gets this many minutes, "
            "counted round the clock. Empty: the normal target, counted from the next opening."
        ),
    )
    working_days = models.PositiveSmallIntegerField(
        _("target (working days)"),
        null=True,
        blank=True,
        help_text=_("Due at the close of this working day after the start day."),  # CB-1: 1 for the satisfaction callback
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "kind"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="sla_target_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=ClockKind.values), name="sla_target_kind_valid"),
            models.CheckConstraint(
                condition=(Q(minutes__isnull=False, minutes__gt=0) & Q(working_days__isnull=True))
                | (Q(minutes__isnull=True) & Q(working_days__isnull=False, working_days__gt=0)),
                name="sla_target_minutes_or_days",
                violation_error_message=_("Give either minutes or working days, more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(off_hours_minutes__isnull=True) | Q(minutes__isnull=False, off_hours_minutes__gt=0),
                name="sla_target_off_hours_with_minutes",
                violation_error_message=_("An off-hours target needs a target in minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_kind_display()}"


class SLAClock(models.Model):
    """One promise on one ticket (one row per ticket and kind).

    ``due_at`` and ``warn_at`` are computed from ``started_at``, the target, the calendar and the
    ``pauses`` (``policies.clock_deadlines``); both are empty while the clock is paused before its
    deadline. ``next_check_at`` is when the sweep must look at the clock next (warning, breach);
    empty when there is nothing left to check. Written only by ``services``; no history (the
    ticket timeline and ``SLABreach`` keep what matters).
    """

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_clocks"
    )
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    policy = models.ForeignKey(
        SLAPolicy, verbose_name=_("policy"), null=True, blank=True, on_delete=models.SET_NULL, related_name="clocks"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sla_clocks",
        help_text=_("Empty: the ticket's assignee is responsible."),
    )
    calendar = models.ForeignKey(
        "staff.WorkCalendar",
        verbose_name=_("counted in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: round the clock."),
    )
    target = models.DurationField(_("target"), null=True, blank=True)
    target_working_days = models.PositiveSmallIntegerField(_("target (working days)"), null=True, blank=True)
    target_fixed = models.BooleanField(
        _("target set by the caller"), default=False, help_text=_("A policy change does not replace this target.")
    )
    off_hours = models.BooleanField(_("started off hours"), default=False)
    warn_percent = models.PositiveSmallIntegerField(default=80)
    started_at = models.DateTimeField(_("started"))
    # [[start ISO, end ISO or null], ...]: intervals that do not count (waiting on the customer, ...)
    pauses = models.JSONField(_("paused intervals"), default=list, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_by_status = models.BooleanField(default=False)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            # The sweep reads only the clocks with something left to check.
            models.Index(
                fields=["next_check_at"], condition=Q(next_check_at__isnull=False), name="sla_clock_next_check_idx"
            ),
            # Board: open clocks by deadline, and breaches of the day.
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="sla_clock_open_due_idx",
            ),
            models.Index(fields=["breached_at"], condition=Q(breached_at__isnull=False), name="sla_clock_breached_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="sla_clock_one_per_ticket_kind"),
            models.CheckConstraint(condition=Q(kind__in=ClockKind.values), name="sla_clock_kind_valid"),
            models.CheckConstraint(
                condition=Q(target__isnull=False, target_working_days__isnull=True)
                | Q(target__isnull=True, target_working_days__isnull=False),
                name="sla_clock_one_target",
            ),
            models.CheckConstraint(
                condition=Q(met_at__isnull=True) | Q(cancelled_at__isnull=True), name="sla_clock_met_or_cancelled"
            ),
            models.CheckConstraint(
                condition=Q(met_at__isnull=True) | Q(met_at__gte=models.F("started_at")),
                name="sla_clock_met_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def is_paused(self) -> bool:
        return self.is_open and self.paused_at is not None

    @property
    def state(self) -> str:
        if self.cancelled_at:
            return "cancelled"
        if self.met_at:
            return "met_late" if self.breached_at else "met"
        if self.breached_at:
            return "breached"
        return "paused" if self.paused_at else "running"


class SLABreach(models.Model):
    """A clock that passed its deadline; exactly one per clock (the staff issue turns these into
    penalty proposals). ``responsible`` is who owned the clock when the breach was detected."""

    clock = models.OneToOneField(SLAClock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="breach")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_breaches"
    )
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    due_at = models.DateTimeField(_("was due"))
    detected_at = models.DateTimeField(_("detected"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sla_breaches",
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        indexes = [
            models.Index(fields=["-due_at"], name="sla_breach_due_idx"),
            models.Index(fields=["detected_at"], condition=Q(escalated_at__isnull=True), name="sla_breach_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ClockKind.values), name="sla_breach_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()} {self.due_at:%Y-%m-%d %H:%M}"


class ContractReminderStep(models.Model):
    """CT-2: a reminder is due this many days before the service period ends (30, 14, 7 by default)."""

    days_before = models.PositiveSmallIntegerField(_("days before the end"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-days_before"]
        verbose_name = _("contract reminder step")
        verbose_name_plural = _("contract reminder steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_before__lte=366),
                name="sla_reminder_step_within_a_year",
                violation_error_message=_("Remind at most 366 days before the end."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(days)s days before") % {"days": self.days_before})


class LetterLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class ContractReminder(models.Model):
    """CT-2: a to-do for a callback specialist to remind a customer of the end of a service period,
    and the expiry notice letter sent for it. One per (contract, period end, step): a renewal that
    moves the end date starts a new series (CT-3)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Customer reminded")
        LOST = "lost", _("Contract lost")
        RENEWED = "renewed", _("Renewed")

    contract = models.ForeignKey(
        "tickets.ServiceContract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="reminders"
    )
    period_end = models.DateField(_("service period end"))
    days_before = models.PositiveSmallIntegerField(_("step (days before)"))
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("callback specialist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contract_reminders",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    language = models.CharField(
        _("letter language"), max_length=10, choices=LetterLanguage.choices, default=LetterLanguage.ZH_HANS
    )
    notice_sent_at = models.DateTimeField(_("notice e-mailed"), null=True, blank=True)
    notice_recipients = models.TextField(_("notice sent to"), blank=True)
    note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("contract reminder")
        verbose_name_plural = _("contract reminders")
        indexes = [
            models.Index(fields=["status", "due_on"], name="sla_reminder_queue_idx"),
        ]
        constraints = [
            # Never twice for the same period and step, however often the daily task runs.
            models.UniqueConstraint(
                fields=["contract", "period_end", "days_before"], name="sla_reminder_once_per_period_step"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "done", "lost", "renewed"]), name="sla_reminder_status_valid"
            ),
            models.CheckConstraint(condition=Q(language__in=LetterLanguage.values), name="sla_reminder_language_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False), name="sla_reminder_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.period_end} −{self.days_before}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
