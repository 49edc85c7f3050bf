"""The status link of a ticket (one per ticket, revocable) and the service requests of the public form."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.models import Ticket


class IntakeEventKind(models.TextChoices):
    """Timeline lines written by this app (staff-only: the status page never shows them)."""

    STATUS_LINK_REVOKED = "status_link_revoked", _("Status link revoked")


class StatusLink(models.Model):
    """The customer's key to the public status page of one ticket (issue 14).

    The URL carries ``key`` signed with ``django.core.signing`` (salt ``intake.status``), as the care
    survey link carries its callback. Revoking sets ``revoked_at``: the URL is dead from then on; a
    later ``status_link_url`` issues a new key, so an old, leaked URL never comes back to life."""

    ticket = models.OneToOneField(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="status_link")
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status link")
        verbose_name_plural = _("status links")
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="intake_status_link_key_not_blank"),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="intake_status_link_revoked_by_needs_at",
            ),
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ServiceRequest(models.Model):
    """What a customer typed into the public request form (GN-1), kept beside the ticket it opened.

    Append-only (written once by ``services.service_request_submit``). ``idempotency_key`` is the
    form's hidden key: its unique constraint makes a double submit (or a retry) one ticket."""

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.CASCADE, related_name="service_request"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=40)
    phone_normalized = models.CharField(max_length=20, editable=False, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    serial_number = models.CharField(_("serial number typed"), max_length=64, blank=True)
    installation = models.ForeignKey(
        "tickets.Installation", verbose_name=_("installation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region = models.ForeignKey(
        "tickets.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(_("fault description"))
    checklist_answers = models.JSONField(_("checklist answers"), default=list, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        constraints = [
            models.CheckConstraint(condition=~Q(idempotency_key=""), name="intake_request_key_not_blank"),
            models.CheckConstraint(condition=~Q(phone_normalized=""), name="intake_request_phone_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.created_at:%Y-%m-%d %H:%M}"
