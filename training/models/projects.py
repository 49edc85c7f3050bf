"""Installation / implementation projects (TR-7): go-live plan, the customer's signed and stamped
implementation form (collected within 3 days of completion, else ST-12), payment milestone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Implementing")
    COMPLETED = "completed", _("Implementation completed")
    CLOSED = "closed", _("Closed")


class ImplementationProject(models.Model):
    customer = models.ForeignKey(
        "tickets.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="implementation_projects"
    )
    installation = models.ForeignKey(
        "tickets.Installation",
        verbose_name=_("installation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="implementation_projects",
    )
    title = models.CharField(_("title"), max_length=200)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="implementation_projects",
        help_text=_("Responsible for the project and for collecting the implementation form."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.IN_PROGRESS, editable=False
    )
    started_on = models.DateField(_("started on"))
    # TR-7 go-live plan (软件启用计划): data import, familiarisation, go-live date.
    data_import_plan = models.TextField(_("data import"), blank=True)
    familiarisation_plan = models.TextField(_("familiarisation"), blank=True)
    go_live_on = models.DateField(_("go-live date"), null=True, blank=True)
    completed_at = models.DateTimeField(_("implementation completed"), null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # TR-7: the form signed and stamped by the customer, archived as a scan (RM-7).
    implementation_form = models.ForeignKey(
        "remote.Attachment",
        verbose_name=_("signed and stamped implementation form"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_collected_at = models.DateTimeField(_("form collected"), null=True, blank=True, editable=False)
    # ST-12: set once by the daily check when the form was not collected in time.
    form_overdue_reported_at = models.DateTimeField(_("form reported overdue"), null=True, blank=True, editable=False)
    # TR-7 payment milestone: collected per the contract after implementation.
    payment_amount = models.DecimalField(_("payment due"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_due_on = models.DateField(_("payment due on"), null=True, blank=True)
    payment_received_on = models.DateField(_("payment received on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("implementation project")
        verbose_name_plural = _("implementation projects")
        indexes = [
            models.Index(fields=["status", "form_collected_at"], name="training_project_form_idx"),
            models.Index(fields=["engineer", "status"], name="training_project_engineer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProjectStatus.values), name="training_project_status_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="training_project_title_not_blank"),
            models.CheckConstraint(
                condition=Q(status=ProjectStatus.IN_PROGRESS)
                | (
                    Q(completed_at__isnull=False, go_live_on__isnull=False)
                    & ~Q(data_import_plan="")
                    & ~Q(familiarisation_plan="")
                ),
                name="training_project_tr7_completed_with_go_live_plan",
            ),
            models.CheckConstraint(
                condition=Q(implementation_form__isnull=True, form_collected_at__isnull=True)
                | Q(implementation_form__isnull=False, form_collected_at__isnull=False),
                name="training_project_form_collected_together",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.CLOSED)
                | (Q(implementation_form__isnull=False) & (Q(payment_amount__isnull=True) | Q(payment_received_on__isnull=False))),
                name="training_project_tr7_closed_with_form_and_payment",
            ),
            models.CheckConstraint(
                condition=Q(payment_amount__isnull=True) | Q(payment_amount__gte=0),
                name="training_project_payment_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.customer}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:project_detail", args=[self.pk])
