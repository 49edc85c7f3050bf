"""Leave requests (ST-2): manager approval, HR as well above the threshold, certificate, return."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    COMPENSATORY = "compensatory", _("Time off in lieu (调休)")
    MARRIAGE = "marriage", _("Marriage leave")
    MATERNITY = "maternity", _("Maternity or paternity leave")
    BEREAVEMENT = "bereavement", _("Bereavement leave")


class LeaveStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the manager")
    MANAGER_APPROVED = "manager_approved", _("Waiting for HR")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned (销假)")


# Requests that still block the employee's calendar.
LEAVE_ACTIVE_STATUSES = (
    LeaveStatus.SUBMITTED,
    LeaveStatus.MANAGER_APPROVED,
    LeaveStatus.APPROVED,
    LeaveStatus.RETURNED,
)


class LeaveRequest(models.Model):
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    kind = models.CharField(_("kind of leave"), max_length=15, choices=LeaveKind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    days = models.PositiveSmallIntegerField(_("working days"))
    needs_hr = models.BooleanField(_("needs HR approval"), default=False)
    reason = models.TextField(_("reason"))
    handover = models.TextField(
        _("work handover"), blank=True, help_text=_("Who covers your work and how to reach you.")
    )
    certificate = models.FileField(
        _("medical certificate"),
        upload_to="staff/certificates/%Y/%m/",
        blank=True,
        max_length=200,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "heic"])],
        help_text=_("PDF or a photo (JPG, PNG, HEIC)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    manager_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager_decided_at = models.DateTimeField(_("manager decided at"), null=True, blank=True)
    hr_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HR"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hr_decided_at = models.DateTimeField(_("HR decided at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    returned_on = models.DateField(_("back at work on"), null=True, blank=True)
    return_reported_at = models.DateTimeField(_("return reported at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        indexes = [models.Index(fields=["employee", "start_date"], name="staff_leave_employee_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="staff_leave_dates_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(condition=Q(kind__in=LeaveKind.values), name="staff_leave_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=LeaveStatus.values), name="staff_leave_status_valid"),
            models.CheckConstraint(condition=Q(days__gte=1), name="staff_leave_at_least_one_day"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "returned"]) | Q(approved_at__isnull=False),
                name="staff_leave_approved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""), name="staff_leave_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_on__isnull=False, return_reported_at__isnull=False),
                name="staff_leave_returned_has_date",
            ),
            # ST-2: sick leave is closed (销假) only with a hospital certificate.
            models.CheckConstraint(
                condition=~Q(status="returned", kind="sick", certificate=""),
                name="staff_leave_sick_return_has_certificate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.get_kind_display()} {self.start_date}–{self.end_date}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("staff:leave_detail", args=[self.pk])
