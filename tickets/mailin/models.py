"""Mailboxes polled over IMAP and the messages taken from them (issue 14, GN-1)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MailinEventKind(models.TextChoices):
    ATTACHMENT_REFUSED = "mail_attachment_refused", _("E-mail attachment refused")


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (local test servers only)")


class Mailbox(models.Model):
    """One IMAP mailbox the service desk reads. The password is stored here (the admin shows it as a
    password field and never fills it back in; it is left out of the history and of every log)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)])
    security = models.CharField(_("encryption"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user name"), max_length=200)
    password = models.CharField(
        _("password"), max_length=200, help_text=_("For QQ, 163 and Exchange Online: an app password / authorisation code.")
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    active = models.BooleanField(_("active"), default=True)
    # Poll state, written by the poll only.
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_uid = models.PositiveBigIntegerField(_("highest UID processed"), default=0, editable=False)
    uid_validity = models.PositiveBigIntegerField(_("UIDVALIDITY"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_polled_at", "last_error", "last_uid", "uid_validity"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="mailin_mailbox_name_not_blank"),
            models.CheckConstraint(condition=~Q(host=""), name="mailin_mailbox_host_not_blank"),
            models.CheckConstraint(condition=~Q(folder=""), name="mailin_mailbox_folder_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class InboundStatus(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket opened")
    THREADED = "threaded", _("Added to its ticket")
    IGNORED_AUTO = "ignored_auto", _("Ignored: automatic mail")
    IGNORED_ERROR = "ignored_error", _("Ignored: unreadable")
    UNKNOWN_CONTACT = "unknown_contact", _("Unknown sender")
    ASSIGNED = "assigned", _("Unknown sender assigned")


WITH_TICKET = (InboundStatus.TICKET_CREATED, InboundStatus.THREADED, InboundStatus.ASSIGNED)


class InboundEmail(models.Model):
    """One message taken from a mailbox. The unique (mailbox, Message-ID) is the guarantee that the
    same message fetched twice opens one ticket (or adds one timeline line), however often it comes."""

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="messages")
    uid = models.PositiveBigIntegerField(_("IMAP UID"))
    message_id = models.CharField(_("Message-ID"), max_length=255)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"))
    processed_at = models.DateTimeField(_("processed"))
    in_reply_to = models.TextField(_("In-Reply-To"), blank=True)
    references = models.TextField(_("References"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=InboundStatus.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("Why it was ignored, or the error."))
    headers = models.TextField(_("headers (excerpt)"), blank=True)
    body = models.TextField(_("text"), blank=True)
    # The message as received, kept while the sender is unknown: the attachments are stored on the
    # ticket when an agent assigns the sender to a customer.
    raw_file = models.FileField(_("message file"), upload_to="mailin/%Y/%m/", blank=True, max_length=200)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_id"], name="mailin_inbound_message_once"),
            models.CheckConstraint(condition=~Q(message_id=""), name="mailin_inbound_message_id_not_blank"),
            models.CheckConstraint(condition=Q(status__in=InboundStatus.values), name="mailin_inbound_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="mailin_inbound_status_idx")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"
