"""Customer message templates (edited in admin) and the log of every message sent to a contact."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.models import ContactChannel


class MessageKind(models.TextChoices):
    """What a message to a customer is about; each has its templates and its context keys."""

    REQUEST_RECEIVED = "request_received", _("Request received")  # {"status_url"}
    VISIT_WINDOW = "visit_window", _("Visit window (OS-3)")  # {"order", "start", "end", "window", "engineer"}
    SURVEY_LINK = "survey_link", _("Survey link (CB-1)")  # {"name", "url"}
    CONTRACT_EXPIRING = "contract_expiring", _("Contract expiring (CT-2)")  # {"contract", "end_date", "letter_*"}
    BIND_CODE = "bind_code", _("WeChat binding code")  # {"code"}
    TICKET_UPDATE = "ticket_update", _("Ticket update")  # {"body", "status_url"}


class MessageLanguage(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


def template_compile_error(source: str) -> str:
    """The syntax error of a Django template source, or "" when it compiles."""
    from .rendering import template_compile

    try:
        template_compile(source)
    except TemplateSyntaxError as exc:
        return str(exc)
    return ""


class MessageTemplate(models.Model):
    """The text of one kind of message on one channel in one language. ``body`` (and ``subject``
    for e-mail) are Django templates rendered with the message's context; SMS needs the template
    code approved in the Aliyun console, WeChat the template id of the official account."""

    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=MessageLanguage.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("E-mail only."))
    body = models.TextField(
        _("text"), help_text=_("Django template syntax, e.g. {{ ticket.number }}; see docs/channels.md.")
    )
    provider_template_code = models.CharField(
        _("SMS template code"),
        max_length=50,
        blank=True,
        help_text=_("SMS only: the TemplateCode approved in the Aliyun console, e.g. SMS_123456789."),
    )
    wechat_template_id = models.CharField(
        _("WeChat template id"),
        max_length=100,
        blank=True,
        help_text=_("WeChat only: the template message id of the official account."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "channel", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"],
                name="notify_template_kind_channel_language_unique",
                violation_error_message=_("There is already a template for this kind, channel and language."),
            ),
            models.CheckConstraint(condition=~Q(body=""), name="notify_template_body_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.get_channel_display()} / {self.language}"

    def clean(self) -> None:
        errors = {}
        for field in ("subject", "body"):
            error = template_compile_error(getattr(self, field) or "")
            if error:
                errors[field] = _("This is not a valid template: %(error)s") % {"error": error}
        if self.channel == ContactChannel.EMAIL and not self.subject.strip():
            errors.setdefault("subject", _("An e-mail template needs a subject."))
        if errors:
            raise ValidationError(errors)


class CustomerMessage(models.Model):
    """One message to one contact, rendered when it was written (what the customer got). Delivered
    by the outbox (topic ``notify.deliver``) exactly once; the admin's log of customer messages."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=MessageLanguage.choices)
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), on_delete=models.PROTECT, related_name="messages"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customer_messages",
    )
    recipient = models.CharField(_("recipient"), max_length=254, help_text=_("E-mail, mobile or WeChat OpenID."))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML text"), blank=True)
    # SMS template parameters / WeChat template data values (strings), from the context.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    provider_template = models.CharField(_("provider template"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer message")
        verbose_name_plural = _("customer messages")
        indexes = [models.Index(fields=["status", "created_at"], name="notify_msg_status_created")]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="notify_message_key_not_blank"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "skipped"]), name="notify_message_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notify_message_sent_has_sent_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.get_channel_display()} ({self.get_status_display()})"
