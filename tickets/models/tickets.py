"""Tickets (GN-1: every request, whatever the channel, becomes one numbered ticket) and their timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.core.uploads import extension_of


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WEB = "web", _("Web form")
    MESSAGING = "messaging", _("Messaging")
    EMAIL = "email", _("E-mail")
    ONSITE = "onsite", _("On-site")
    REMOTE = "remote", _("Remote")


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    FAULT = "fault", _("Fault")
    BUG = "bug", _("Software bug")
    CHANGE_REQUEST = "change_request", _("Change request")
    DATA_CLEANUP = "data_cleanup", _("Data clean-up")
    PASSWORD_RESET = "password_reset", _("Password reset")
    COMPLAINT = "complaint", _("Complaint")
    TRAINING_REQUEST = "training_request", _("Training request")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


class TicketSequence(models.Model):
    """Last ticket number handed out per year (numbers are unique, gaps are allowed)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number sequence")


class TicketQuerySet(models.QuerySet):
    def open(self):
        """New, in progress or waiting on customer.

        Written as ``IN (true)`` rather than ``is_open=True``: Django renders the latter as a bare
        ``WHERE is_open`` on SQLite, which SQLite cannot answer from an index.
        """
        return self.filter(is_open__in=[True])


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.FAULT)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    resolution = models.TextField(_("resolution"), blank=True)
    customer = models.ForeignKey(
        "tickets.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    contact = models.ForeignKey(
        "tickets.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    installation = models.ForeignKey(
        "tickets.Installation",
        verbose_name=_("installation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contract = models.ForeignKey(
        "tickets.ServiceContract",
        verbose_name=_("service contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text=_("The contract in force when the ticket was opened; picks the SLA level."),  # HL-13
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="created_tickets",
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    # Computed by the database from status; indexed so "open tickets, newest first" is an index walk.
    is_open = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=["new", "in_progress", "waiting"], then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open"),
    )
    history = HistoricalRecords(excluded_fields=["is_open"])

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="tickets_created_idx"),
            models.Index(fields=["status", "-created_at"], name="tickets_status_created_idx"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status_idx"),
            # A customer's open tickets newest first (customer page, call screen, open counts).
            models.Index(fields=["customer", "is_open", "-created_at", "-id"], name="tickets_customer_open_idx"),
            # The desk works on open tickets: the open list and its count walk this index.
            models.Index(fields=["is_open", "-created_at", "-id"], name="tickets_open_created_idx"),
            # The start page counts open tickets by status and assignee from the index alone.
            models.Index(fields=["is_open", "status", "assignee"], name="tickets_open_status_idx"),
            # GN-6: tickets resolved in a month (monthly statistics) walk this index.
            models.Index(fields=["resolved_at"], condition=Q(resolved_at__isnull=False), name="tickets_resolved_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="tickets_ticket_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="tickets_ticket_channel_valid"),
            models.CheckConstraint(condition=Q(type__in=TicketType.values), name="tickets_ticket_type_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="tickets_ticket_priority_valid"),
            models.CheckConstraint(condition=~Q(subject=""), name="tickets_ticket_subject_not_blank"),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.RESOLVED, Status.CLOSED])
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="tickets_ticket_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="tickets_ticket_closed_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.contact_id and self.customer_id and self.contact.customer_id != self.customer_id:
            errors["contact"] = _("This contact belongs to another customer.")
        if self.installation_id and self.customer_id and self.installation.customer_id != self.customer_id:
            errors["installation"] = _("This installation belongs to another customer.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tickets:detail", args=[self.number])


class EventKind(models.TextChoices):
    CREATED = "created", _("Opened")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    UPDATED = "updated", _("Details changed")
    COMMENT = "comment", _("Comment")
    CUSTOMER_MESSAGE = "customer_message", _("Message from the customer")


_EXTRA_EVENT_LABELS: dict[str, str] = {}


def register_event_kinds(choices: type[models.TextChoices]) -> None:
    """Let another app name its own timeline event kinds (called from its ``AppConfig.ready``)."""
    _EXTRA_EVENT_LABELS.update({member.value: member.label for member in choices})


class TicketEvent(models.Model):
    """One line of a ticket's timeline. Append-only: written by service functions, never edited.

    Other apps add their own ``kind`` values (call logged, SLA breached, order dispatched, ...);
    ``data`` carries the structured details of the event.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="tickets_event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def from_status_label(self) -> str:
        return Status(self.from_status).label if self.from_status in Status.values else self.from_status

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status

    @property
    def kind_label(self) -> str:
        if self.kind in EventKind.values:
            return EventKind(self.kind).label
        return _EXTRA_EVENT_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


def attachment_upload_to(instance, filename: str) -> str:
    """A random stored name under the month: the customer's file name is kept in ``name`` only."""
    extension = extension_of(filename) or "bin"
    return f"tickets/attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class TicketAttachment(models.Model):
    """A file on a ticket: a photo from the public request form, an e-mail attachment, a WeChat
    image (issue 14). Checked by ``servicedesk.core.uploads.upload_check`` before it is stored."""

    class Source(models.TextChoices):
        DESK = "desk", _("Service desk")
        WEB = "web", _("Web form")
        EMAIL = "email", _("E-mail")
        MESSAGING = "messaging", _("Messaging")
        ONSITE = "onsite", _("On-site photo")  # onsite.OrderPhoto (issue 16); never shown to the customer

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DESK)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="tickets_attachment_name_not_blank"),
            models.CheckConstraint(condition=Q(size__gt=0), name="tickets_attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
