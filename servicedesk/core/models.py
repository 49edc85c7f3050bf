"""In-app notifications (with an e-mail copy) for escalations, reminders and assignments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one member of staff. Append-only; read state is the only thing that changes.

    ``key`` makes a notification idempotent: the same key for the same recipient is stored once,
    so a sweep that runs twice does not notify twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    key = models.CharField(max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="core_notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="core_notification_list_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="core_notification_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class OutboxMessage(models.Model):
    """A side effect that must happen after a write (e-mail, notice, escalation, webhook, ...).

    Written in the same transaction as the business change (``servicedesk.core.outbox.enqueue``),
    so it exists exactly when the change does. Publishing to Celery after commit is only the fast
    path; the relay (beat) delivers whatever is still pending. ``key`` is unique: enqueueing the
    same message twice stores it once. ``sent_at`` is stamped only after the handler succeeded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    topic = models.CharField(_("topic"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    available_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay reads pending rows oldest first; sent rows are most of the table.
            models.Index(
                fields=["available_at", "id"],
                condition=Q(status="pending"),
                name="core_outbox_pending_idx",
            ),
            models.Index(fields=["topic", "status"], name="core_outbox_topic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="core_outbox_sent_has_stamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key} ({self.get_status_display()})"


class IdempotencyKey(models.Model):
    """One creating request (form post or API call) per user and key.

    The row is inserted in the same transaction as what the request creates; a repeat of the same
    key (double click, a retry after a time-out) hits the unique constraint and gets the first
    result (``result_url``) instead of a second record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=100)
    key = models.CharField(_("key"), max_length=64)
    result_url = models.CharField(_("result"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_once"),
        ]
        indexes = [models.Index(fields=["created_at"], name="core_idempotency_age_idx")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Heartbeat(models.Model):
    """When a periodic job last finished (the SLA sweep, the outbox relay), for /healthz."""

    name = models.CharField(_("job"), max_length=60, unique=True)
    at = models.DateTimeField(_("last finished"))
    detail = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class ExportAudit(models.Model):
    """GN-7: who exported what. One row per CSV/Excel download, written in the same request by
    ``servicedesk.core.exports.export_audit_record``; never changed or deleted from admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("export"), max_length=100)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    created_at = models.DateTimeField(_("exported"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export audit")
        verbose_name_plural = _("export audits")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="core_exportaudit_user_idx"),
            models.Index(fields=["what", "-created_at"], name="core_exportaudit_what_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.what} ({self.rows}) @ {self.created_at:%Y-%m-%d %H:%M}"
