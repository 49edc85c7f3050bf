"""What arrives over WeChat (issue 14): every message once, and the pending phone verification that
binds a WeChat user (OpenID) to a contact."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    IMAGE = "image", _("Picture")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class WeChatMessage(models.Model):
    """One message or event from WeChat, stored once (GN-1: the channel's idempotency record).

    ``msg_id`` is WeChat's MsgId, or "FromUserName:CreateTime" for events (which have none). WeChat
    retries a message three times when we are slow; the unique ``msg_id`` makes the retry find this
    row and answer ``reply`` again instead of writing a second ticket."""

    msg_id = models.CharField(_("message id"), max_length=100, unique=True)
    openid = models.CharField(_("WeChat OpenID"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    event = models.CharField(_("event"), max_length=40, blank=True)
    content = models.TextField(_("content"), blank=True)
    media_id = models.CharField(_("media id"), max_length=200, blank=True)
    pic_url = models.URLField(_("picture URL"), max_length=500, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wechat_messages",
    )
    opened_ticket = models.BooleanField(_("opened the ticket"), default=False)
    attachment = models.ForeignKey(
        "tickets.TicketAttachment", verbose_name=_("attachment"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(_("our answer"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("WeChat message")
        verbose_name_plural = _("WeChat messages")
        constraints = [
            models.CheckConstraint(condition=~Q(msg_id=""), name="wechat_message_id_not_blank"),
            models.CheckConstraint(condition=~Q(openid=""), name="wechat_message_openid_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.openid} {self.kind} {self.msg_id}"


class WeChatBinding(models.Model):
    """A WeChat user's phone verification, one row per OpenID (issue 14).

    The user sends a mobile number; if it belongs to a contact, a 6-digit code goes by SMS and only
    its keyed hash is stored here. The right code within ``expires_at`` sets
    ``Contact.wechat_openid``. Wrong codes count in ``attempts``; the fifth blocks the OpenID until
    ``blocked_until`` (an admin can lift it; edits are in the history)."""

    openid = models.CharField(_("WeChat OpenID"), max_length=64, unique=True)
    phone = models.CharField(_("mobile (normalised)"), max_length=20, blank=True)
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("code hash"), max_length=128, blank=True, editable=False)
    expires_at = models.DateTimeField(_("code expires"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    codes_sent = models.PositiveSmallIntegerField(_("codes sent"), default=0)
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    bound_at = models.DateTimeField(_("bound"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("WeChat binding")
        verbose_name_plural = _("WeChat bindings")
        constraints = [
            models.CheckConstraint(condition=~Q(openid=""), name="wechat_binding_openid_not_blank"),
            models.CheckConstraint(
                condition=Q(code_hash="") | (Q(expires_at__isnull=False) & Q(contact__isnull=False)),
                name="wechat_binding_code_has_expiry_and_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.openid

    def is_blocked(self, *, now) -> bool:
        return self.blocked_until is not None and self.blocked_until > now
