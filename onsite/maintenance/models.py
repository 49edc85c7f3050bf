"""Preventive maintenance plans (issue 16) of a service contract and the visits generated from them.

A ``MaintenancePlan`` says how often the contract's installations (all, or the chosen ones) get a
preventive visit: every N months from the first visit date, or by an RFC 5545 recurrence rule. The
daily task turns each occurrence inside the horizon into a ``MaintenanceVisit`` with its own ticket
and on-site ``ServiceOrder`` (``services.plan_generate``); the dates come from ``policies``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import policies


class MaintenanceEventKind(models.TextChoices):
    """Lines the plans write on a generated ticket's timeline (registered in ``MaintenanceConfig.ready``)."""

    GENERATED = "maintenance_generated", _("Preventive visit planned")
    UNASSIGNED = "maintenance_unassigned", _("Preventive visit left undispatched")
    CANCELLED = "maintenance_cancelled", _("Preventive visit withdrawn")


class MaintenancePlan(models.Model):
    contract = models.ForeignKey(
        "tickets.ServiceContract", verbose_name=_("service contract"), on_delete=models.PROTECT,
        related_name="maintenance_plans",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=150)
    installations = models.ManyToManyField(
        "tickets.Installation", verbose_name=_("installations"), blank=True, related_name="maintenance_plans",
        help_text=_("Leave empty for all installations of the contract."),
    )  # fmt: skip
    interval_months = models.PositiveSmallIntegerField(
        _("every N months"), null=True, blank=True, help_text=_("Either this or a recurrence rule.")
    )
    rrule = models.CharField(
        _("recurrence rule (RFC 5545)"), max_length=500, blank=True,
        help_text=_("For example FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15. Either this or every N months."),
    )  # fmt: skip
    first_visit_on = models.DateField(_("first visit"))
    window_start = models.TimeField(_("preferred visit from"), default="09:00")
    window_end = models.TimeField(_("preferred visit until"), default="12:00")
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[installations])

    class Meta:
        ordering = ["contract__customer__name", "name", "id"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        indexes = [models.Index(fields=["is_active", "contract"], name="maint_plan_active_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="maint_plan_name_not_blank"),
            models.CheckConstraint(
                condition=(Q(interval_months__isnull=False) & Q(rrule=""))
                | (Q(interval_months__isnull=True) & ~Q(rrule="")),
                name="maint_plan_interval_xor_rrule",
                violation_error_message=_("Give either every N months or a recurrence rule, not both."),
            ),
            models.CheckConstraint(
                condition=Q(interval_months__isnull=True) | Q(interval_months__gte=1),
                name="maint_plan_interval_positive",
                violation_error_message=_("The interval is at least one month."),
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")),
                name="maint_plan_window_ordered",
                violation_error_message=_("The visit window must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="maint_plan_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.contract.number})"

    def clean(self) -> None:
        super().clean()
        if self.rrule:
            problem = policies.rrule_problem(self.rrule)
            if problem:
                raise ValidationError({"rrule": problem})
        if self.interval_months is not None and self.rrule:
            raise ValidationError(_("Give either every N months or a recurrence rule, not both."))
        if self.interval_months is None and not self.rrule:
            raise ValidationError({"interval_months": _("Give every N months or a recurrence rule.")})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("maintenance:plan_detail", args=[self.pk])


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # the date is taken, the order is not made (yet)
    GENERATED = "generated", _("Order generated")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


class MaintenanceVisit(models.Model):
    """One occurrence of a plan. ``planned_on`` is the occurrence itself (unique per plan: what makes
    generation idempotent); ``visit_on`` is the working day it was moved to (holidays, weekends)."""

    plan = models.ForeignKey(MaintenancePlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits")
    planned_on = models.DateField(_("planned date"))
    visit_on = models.DateField(_("visit day"))
    order = models.OneToOneField(
        "onsite.ServiceOrder", verbose_name=_("on-site order"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="maintenance_visit",
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    # Once a person changed the order (dispatched someone else, rescheduled, started the visit) a
    # plan edit leaves the visit alone.
    touched = models.BooleanField(_("changed by a person"), default=False)
    generated_at = models.DateTimeField(_("generated"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["visit_on", "id"]
        verbose_name = _("maintenance visit")
        verbose_name_plural = _("maintenance visits")
        indexes = [models.Index(fields=["plan", "visit_on"], name="maint_visit_plan_day_idx")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "planned_on"], name="maint_visit_once_per_date"),
            models.CheckConstraint(condition=Q(status__in=VisitStatus.values), name="maint_visit_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=VisitStatus.GENERATED) | Q(order__isnull=False),
                name="maint_visit_generated_has_order",
            ),
            models.CheckConstraint(condition=Q(visit_on__gte=F("planned_on")), name="maint_visit_moved_forward"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} {self.visit_on:%Y-%m-%d}"
