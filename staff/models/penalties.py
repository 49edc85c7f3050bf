"""Penalty catalogue and penalty proposals (ST-3..ST-13).

Other apps report an event that breaks a rule by calling ``staff.services.penalty_propose``; the
proposal is linked to its source record and exists at most once per (rule, source, employee).
A manager confirms it (with an amount inside the rule's range) or waives it; nothing is deducted
without that confirmation (ST-13).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def source_key(source) -> dict:
    """The generic-relation lookup of a source record: ``{"source_type": ..., "source_id": ...}``."""
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


class PenaltyRule(models.Model):
    """One entry of the penalty catalogue; amounts are editable in admin, never in code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    rule_id = models.CharField(_("rule"), max_length=10, help_text=_("Rule ID in the service rules, e.g. ST-8."))
    title = models.CharField(_("title"), max_length=200)
    amount_min = models.DecimalField(_("minimum amount"), max_digits=10, decimal_places=2, default=Decimal("0"))
    amount_max = models.DecimalField(_("maximum amount"), max_digits=10, decimal_places=2, default=Decimal("0"))
    consequence = models.CharField(
        _("further consequence"), max_length=200, blank=True, help_text=_("e.g. written warning, dismissal proposal")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_id", "code"]
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty catalogue")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__gte=0) & Q(amount_max__gte=F("amount_min")),
                name="staff_penaltyrule_amounts_ordered",
                violation_error_message=_("Amounts must be zero or more, and the maximum at least the minimum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.title}"

    @property
    def has_range(self) -> bool:
        return self.amount_min != self.amount_max


class PenaltyProposal(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        WAIVED = "waived", _("Waived")

    rule = models.ForeignKey(PenaltyRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="proposals")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="penalty_proposals"
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    occurred_at = models.DateTimeField(_("occurred at"))
    details = models.TextField(_("details"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    employee_statement = models.TextField(_("employee's statement"), blank=True)
    statement_at = models.DateTimeField(_("statement given at"), null=True, blank=True)
    deduction_run = models.ForeignKey(
        "staff.DeductionRun",
        verbose_name=_("deducted in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("penalty proposal")
        verbose_name_plural = _("penalty proposals")
        indexes = [
            models.Index(fields=["employee", "status"], name="staff_proposal_employee_idx"),
            models.Index(fields=["status", "-occurred_at"], name="staff_proposal_status_idx"),
        ]
        constraints = [
            # Exactly one proposal per source event, even when the event is reported twice.
            models.UniqueConstraint(
                fields=["rule", "source_type", "source_id", "employee"], name="staff_proposal_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "confirmed", "waived"]), name="staff_proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(amount__isnull=False, decided_at__isnull=False),
                name="staff_proposal_confirmed_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="staff_proposal_waived_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="staff_proposal_amount_not_negative"
            ),
            # ST-13: only a confirmed fine is ever deducted.
            models.CheckConstraint(
                condition=Q(deduction_run__isnull=True) | Q(status="confirmed"),
                name="staff_proposal_deducted_only_if_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.rule_id} {self.employee} {self.occurred_at:%Y-%m-%d}"

    @classmethod
    def source_key(cls, source) -> dict:
        return source_key(source)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("staff:penalty_detail", args=[self.pk])


class ConfirmedComplaint(models.Model):
    """A complaint against an employee confirmed by the investigation (ST-6, ST-7), once per source.

    Reported by the app that confirms complaints through ``staff.services.complaint_confirmed_record``.
    """

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="confirmed_complaints",
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    about_attitude = models.BooleanField(_("about service attitude"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-confirmed_at", "-id"]
        verbose_name = _("confirmed complaint")
        verbose_name_plural = _("confirmed complaints")
        indexes = [models.Index(fields=["employee", "confirmed_at"], name="staff_complaint_employee_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "source_type", "source_id"], name="staff_complaint_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.confirmed_at:%Y-%m-%d}"

    @classmethod
    def source_key(cls, source) -> dict:
        return source_key(source)
