"""Monthly deduction runs and the department fund (ST-13).

A run collects the confirmed, not yet deducted penalty proposals up to the end of its month, one
line per employee. Exporting the run (CSV for payroll) locks it: its lines and proposals never
change again, and its total goes into the department fund as one income entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DeductionRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        EXPORTED = "exported", _("Exported (locked)")

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the payroll month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("deduction run")
        verbose_name_plural = _("deduction runs")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="staff_deductionrun_first_of_month"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "exported"]), name="staff_deductionrun_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(exported_at__isnull=False, exported_by__isnull=False),
                name="staff_deductionrun_exported_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.EXPORTED

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("staff:payroll_run", args=[self.pk])


class DeductionLine(models.Model):
    run = models.ForeignKey(DeductionRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="lines")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="deduction_lines"
    )
    fines = models.PositiveIntegerField(_("fines"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["run", "employee__full_name", "employee__username"]
        verbose_name = _("deduction line")
        verbose_name_plural = _("deduction lines")
        constraints = [
            models.UniqueConstraint(fields=["run", "employee"], name="staff_deductionline_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="staff_deductionline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.employee} {self.amount}"


class FundEntry(models.Model):
    """One line of the department fund ledger: fines paid in, or money spent (ST-13)."""

    class Kind(models.TextChoices):
        FINES = "fines", _("Fines deducted")
        SPENDING = "spending", _("Spending")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    booked_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, help_text=_("Always positive."))
    description = models.CharField(_("description"), max_length=200)
    deduction_run = models.OneToOneField(
        DeductionRun,
        verbose_name=_("deduction run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_entry",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-booked_on", "-id"]
        verbose_name = _("fund entry")
        verbose_name_plural = _("department fund")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["fines", "spending"]), name="staff_fundentry_kind_valid"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="staff_fundentry_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(kind="fines", deduction_run__isnull=False) | Q(kind="spending", deduction_run__isnull=True),
                name="staff_fundentry_fines_from_a_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.get_kind_display()} {self.amount}"
