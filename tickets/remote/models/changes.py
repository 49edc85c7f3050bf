"""Program change requests (RM-5) and the software bugs that become change requests (RM-6).

The steps are the table ``policies.CHANGE_STEPS``; each step is a service function that records
who did it, when, and a line on the ticket's timeline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .kinds import ChangeOrigin, ChangeStatus

_AFTER_REVIEW = [
    ChangeStatus.REVIEWED,
    ChangeStatus.SCHEDULED,
    ChangeStatus.DEVELOPED,
    ChangeStatus.TESTED,
    ChangeStatus.UPDATED,
    ChangeStatus.CLOSED,
]


def _user(verbose_name, related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class ChangeRequest(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="change_request"
    )
    origin = models.CharField(_("origin"), max_length=10, choices=ChangeOrigin.choices, default=ChangeOrigin.CUSTOMER)
    status = models.CharField(
        _("status"), max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    requirement = models.TextField(_("requirement"))
    requirement_form = models.ForeignKey(
        "remote.Attachment",
        verbose_name=_("customer's stamped requirement form"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="change_requests",
        help_text=_("The engineer who filed the request; tests the result."),  # RM-5
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_by = _user(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_note = models.TextField(_("requirement as confirmed with the customer"), blank=True)
    reviewed_by = _user(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_opinion = models.TextField(_("manager's opinion"), blank=True)
    original_expected_on = models.DateField(_("first promised completion date"), null=True, blank=True)
    expected_on = models.DateField(_("expected completion"), null=True, blank=True)
    customer_told_at = models.DateTimeField(_("customer told"), null=True, blank=True)
    told_contact = models.ForeignKey(
        "tickets.Contact",
        verbose_name=_("contact told"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delay_count = models.PositiveSmallIntegerField(_("delays announced"), default=0, editable=False)
    delay_reason = models.TextField(_("reason of the last delay"), blank=True)
    delay_announced_at = models.DateTimeField(_("last delay announced"), null=True, blank=True)
    # RM-5: the expected date that passed without an announced delay (set by the daily check).
    overdue_flagged_for = models.DateField(_("overdue for the date"), null=True, blank=True, editable=False)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True, editable=False)
    developed_by = _user(_("developed by"))
    developed_at = models.DateTimeField(_("developed"), null=True, blank=True)
    development_note = models.TextField(_("development note"), blank=True)
    tested_at = models.DateTimeField(_("tested"), null=True, blank=True)
    test_note = models.TextField(_("test result"), blank=True)
    customer_updated_at = models.DateTimeField(_("customer updated"), null=True, blank=True)
    customer_opinion = models.TextField(_("customer's opinion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            models.Index(fields=["status", "expected_on"], name="remote_change_status_due_idx"),
            models.Index(fields=["requested_by", "status"], name="remote_change_requester_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ChangeStatus.values), name="remote_change_status_valid"),
            models.CheckConstraint(condition=Q(origin__in=ChangeOrigin.values), name="remote_change_origin_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="remote_change_title_not_blank"),
            # RM-5: a customer's requirement comes on their stamped form.
            models.CheckConstraint(
                condition=~Q(origin=ChangeOrigin.CUSTOMER) | Q(requirement_form__isnull=False),
                name="remote_change_customer_form_attached",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_AFTER_REVIEW)
                | (Q(reviewed_at__isnull=False, expected_on__isnull=False) & ~Q(review_opinion="")),
                name="remote_change_reviewed_has_opinion_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.REJECTED) | (Q(reviewed_at__isnull=False) & ~Q(review_opinion="")),
                name="remote_change_rejected_has_opinion",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.CLOSED) | (Q(closed_at__isnull=False) & ~Q(customer_opinion="")),
                name="remote_change_closed_has_opinion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.title}" if self.ticket_id else self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("remote:change_detail", args=[self.pk])


class Bug(models.Model):
    """RM-6: a software bug with how to reproduce it and the error shown; filed as a change request."""

    change_request = models.OneToOneField(
        ChangeRequest, verbose_name=_("change request"), on_delete=models.PROTECT, related_name="bug"
    )
    product = models.ForeignKey(
        "tickets.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    reproduction_steps = models.TextField(_("steps to reproduce"))
    error_message = models.TextField(_("error message shown"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("software bug")
        verbose_name_plural = _("software bugs")
        constraints = [
            models.CheckConstraint(condition=~Q(reproduction_steps=""), name="remote_bug_rm6_steps"),
            models.CheckConstraint(condition=~Q(error_message=""), name="remote_bug_rm6_error_message"),
        ]

    def __str__(self) -> str:
        return str(self.change_request)
