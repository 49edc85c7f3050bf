"""Choices shared by the remote models and their pure policies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    SESSION = "session", _("Remote session")
    DATA_CLEANUP = "data_cleanup", _("Data clean-up")
    REPORT_PROBLEM = "report_problem", _("Report problem")
    PASSWORD_RESET = "password_reset", _("Administrator password reset")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Requirement confirmed")
    REVIEWED = "reviewed", _("Reviewed by the manager")
    REJECTED = "rejected", _("Rejected")
    SCHEDULED = "scheduled", _("Customer told the date")
    DEVELOPED = "developed", _("Developed")
    TESTED = "tested", _("Tested by the requester")
    UPDATED = "updated", _("Customer updated")
    CLOSED = "closed", _("Closed with the customer's opinion")


class ChangeOrigin(models.TextChoices):
    CUSTOMER = "customer", _("Customer requirement")
    BUG = "bug", _("Software bug")


class RemoteEventKind(models.TextChoices):
    """Ticket timeline lines written by this app."""

    RECORD = "remote_record", _("Remote service record")
    CHANGE = "change_request", _("Change request")
    CHANGE_OVERDUE = "change_overdue", _("Change request overdue")
    BUG = "bug_reported", _("Bug reported")
    FAQ = "faq_promoted", _("Added to the knowledge base")
