"""Business travel (ST-15): request approved by the manager, expense claim with allowances.

The allowance amounts and the claim deadline are rows of ``TravelAllowanceRate`` (editable in
admin), seeded with the rule document's "ordinary employee": lodging 120 and meals 30 per day,
claims within 7 days after return.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TravelAllowanceRate(models.Model):
    name = models.CharField(_("grade"), max_length=100, unique=True)
    lodging_per_day = models.DecimalField(_("lodging per night"), max_digits=8, decimal_places=2)
    meals_per_day = models.DecimalField(_("meals per day"), max_digits=8, decimal_places=2)
    claim_within_days = models.PositiveSmallIntegerField(
        _("claim within (days after return)"),
        default=7,
        help_text=_("Claims are due within the week after return."),  # ST-15
    )
    is_default = models.BooleanField(_("default grade"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("travel allowance grade")
        verbose_name_plural = _("travel allowance grades")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="staff_travelrate_one_default"
            ),
            models.CheckConstraint(
                condition=Q(lodging_per_day__gte=0, meals_per_day__gte=0), name="staff_travelrate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ManagerDecision(models.Model):
    """A request the employee's manager approves or rejects (a rejection needs a reason)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for the manager")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved", "rejected"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="%(app_label)s_%(class)s_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="%(app_label)s_%(class)s_rejected_has_reason",
            ),
        ]


class TravelRequest(ManagerDecision):
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="travel_requests"
    )
    destination = models.CharField(_("destination"), max_length=200)
    purpose = models.TextField(_("purpose"))
    itinerary = models.TextField(_("itinerary"), blank=True)
    transport = models.CharField(_("means of transport"), max_length=100, blank=True)
    departs_at = models.DateTimeField(_("planned departure"))
    returns_at = models.DateTimeField(_("planned return"))
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=10, decimal_places=2, default=Decimal("0"))
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta(ManagerDecision.Meta):
        ordering = ["-departs_at", "-id"]
        verbose_name = _("travel request")
        verbose_name_plural = _("travel requests")
        constraints = [
            *ManagerDecision.Meta.constraints,
            models.CheckConstraint(
                condition=Q(returns_at__gt=F("departs_at")),
                name="staff_travel_dates_ordered",
                violation_error_message=_("The return must be after the departure."),
            ),
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="staff_travel_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employee} → {self.destination} {self.departs_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("staff:travel_detail", args=[self.pk])


class ExpenseClaim(ManagerDecision):
    """The claim after a trip. Allowances are computed by ``staff.policies.travel_allowance``."""

    travel = models.OneToOneField(
        TravelRequest, verbose_name=_("travel request"), on_delete=models.PROTECT, related_name="claim"
    )
    departed_at = models.DateTimeField(_("departed at"))
    returned_at = models.DateTimeField(_("returned at"))
    days = models.DecimalField(_("travel days"), max_digits=5, decimal_places=1)
    nights = models.PositiveSmallIntegerField(_("nights"))
    lodging_rate = models.DecimalField(_("lodging per night"), max_digits=8, decimal_places=2)
    meals_rate = models.DecimalField(_("meals per day"), max_digits=8, decimal_places=2)
    lodging_invoiced = models.DecimalField(_("lodging invoices"), max_digits=10, decimal_places=2)
    lodging_allowed = models.DecimalField(_("lodging reimbursed"), max_digits=10, decimal_places=2)
    meals_allowance = models.DecimalField(_("meal allowance"), max_digits=10, decimal_places=2)
    transport_amount = models.DecimalField(_("tickets (train, plane, bus)"), max_digits=10, decimal_places=2)
    local_transport_amount = models.DecimalField(
        _("local transport"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    other_amount = models.DecimalField(_("other costs"), max_digits=10, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    due_on = models.DateField(_("claim due on"))
    is_late = models.BooleanField(_("late claim"), default=False)
    late_reason = models.TextField(_("reason for the late claim"), blank=True)
    history = HistoricalRecords()

    class Meta(ManagerDecision.Meta):
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        constraints = [
            *ManagerDecision.Meta.constraints,
            models.CheckConstraint(
                condition=Q(returned_at__gt=F("departed_at")),
                name="staff_claim_dates_ordered",
                violation_error_message=_("The return must be after the departure."),
            ),
            models.CheckConstraint(
                condition=Q(
                    lodging_invoiced__gte=0,
                    transport_amount__gte=0,
                    local_transport_amount__gte=0,
                    other_amount__gte=0,
                ),
                name="staff_claim_amounts_not_negative",
            ),
            # ST-15: lodging is reimbursed up to the allowance, never above the invoices.
            models.CheckConstraint(
                condition=Q(lodging_allowed__lte=F("lodging_invoiced")), name="staff_claim_lodging_within_invoices"
            ),
            models.CheckConstraint(condition=~Q(is_late=True, late_reason=""), name="staff_claim_late_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.travel} {self.total}"
