"""Webhook subscriptions (edited in admin) and the log of every delivery made to them."""

import datetime
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EventType(models.TextChoices):
    """What a subscription can listen to (docs/webhooks.md lists the payload of each)."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")
    ORDER_DISPATCHED = "order.dispatched", _("On-site order dispatched")
    ORDER_COMPLETED = "order.completed", _("On-site order completed")
    CALLBACK_ANSWERED = "callback.answered", _("Callback answered")
    COMPLAINT_OPENED = "complaint.opened", _("Complaint opened")
    CONTRACT_EXPIRING = "contract.expiring", _("Contract expiring")


EVENT_TYPES = EventType.choices
# Not subscribable: the admin's "send a test ping" goes to the selected subscription only.
PING = "ping"


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Event types must be a list of event names."), code="invalid")
    unknown = sorted(set(value) - set(EventType.values))
    if unknown:
        raise ValidationError(
            _("Unknown event type(s): %(unknown)s. Choose from: %(known)s."),
            code="unknown_event_type",
            params={"unknown": ", ".join(unknown), "known": ", ".join(EventType.values)},
        )


class WebhookSubscription(models.Model):
    """An integrator's endpoint and the events it receives. Every delivery is signed with
    ``secret`` (HMAC-SHA256, docs/webhooks.md). Disabled automatically after
    ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed attempts in a row; re-enabled from admin."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The endpoint that receives the POST requests (http or https)."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=generate_secret,
        help_text=_("Shared with the receiver, which checks the X-Servicedesk-Signature header with it."),
    )
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, validators=[validate_event_types]
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhooks_subscription_http_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not self.secret.strip():
            raise ValidationError({"secret": _("The secret cannot be empty.")})

    def listens_to(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription: the delivery log.

    ``event_key`` is the event's deterministic source (``ticket.created:42``); unique per
    subscription, so a service or sweep that runs twice delivers the event once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed, will retry")
        GIVEN_UP = "given_up", _("given up")

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=40)
    event_key = models.CharField(_("event key"), max_length=200)
    payload = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhooks_delivery_log_idx"),
            models.Index(fields=["status", "subscription"], name="webhooks_delivery_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_key"], name="webhooks_delivery_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "delivered", "failed", "given_up"]),
                name="webhooks_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="delivered", delivered_at__isnull=False) | ~Q(status="delivered"),
                name="webhooks_delivery_delivered_has_stamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.get_status_display()})"

    def body(self) -> dict:
        """What is POSTed (as JSON): the same for every attempt of this delivery."""
        return {
            "id": str(self.delivery_id),
            "event": self.event_type,
            "created_at": self.created_at.astimezone(datetime.UTC).isoformat(),
            "data": self.payload,
        }
