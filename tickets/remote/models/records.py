"""Typed remote-maintenance service records on tickets (RM-1..RM-4).

Each kind has its mandatory fields (``policies.RECORD_REQUIRED_FIELDS``); they are checked by
``clean()`` with a message per field and by a database constraint per kind.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .kinds import RecordKind


def _kind_requires(kind: str) -> Q:
    from ..policies import RECORD_RELATION_FIELDS, RECORD_REQUIRED_FIELDS

    condition = Q()
    for field in RECORD_REQUIRED_FIELDS[kind]:
        condition &= Q(**{f"{field}__isnull": False}) if field in RECORD_RELATION_FIELDS else ~Q(**{field: ""})
    return ~Q(kind=kind) | condition


class RemoteRecord(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="remote_records"
    )
    kind = models.CharField(_("kind of record"), max_length=20, choices=RecordKind.choices)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="remote_records",
        help_text=_("Who gave the remote service."),
    )
    served_at = models.DateTimeField(_("service given at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # RM-1: customer (from the ticket), contact, department, what was done.
    contact = models.ForeignKey(
        "tickets.Contact", verbose_name=_("contact"), on_delete=models.PROTECT, related_name="remote_records"
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    actions = models.TextField(_("what was done"), blank=True)
    # RM-2: data clean-up.
    scope_form = models.ForeignKey(
        "remote.Attachment",
        verbose_name=_("customer's written scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tools = models.CharField(_("tools used"), max_length=300, blank=True)
    sql_used = models.TextField(_("SQL statements used"), blank=True)
    # RM-3: report problems.
    report_name = models.CharField(_("report name"), max_length=200, blank=True)
    question = models.TextField(_("customer's question"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    # RM-4: super-admin password reset.
    application_form = models.ForeignKey(
        "remote.Attachment",
        verbose_name=_("formal application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    told_contact = models.ForeignKey(
        "tickets.Contact",
        verbose_name=_("contact who was told the password"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-served_at", "-id"]
        verbose_name = _("remote service record")
        verbose_name_plural = _("remote service records")
        indexes = [models.Index(fields=["ticket", "kind"], name="remote_record_ticket_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RecordKind.values), name="remote_record_kind_valid"),
            models.CheckConstraint(condition=Q(recorded_at__gte=F("served_at")), name="remote_record_after_service"),
            models.CheckConstraint(condition=_kind_requires(RecordKind.SESSION), name="remote_record_rm1_session"),
            models.CheckConstraint(condition=_kind_requires(RecordKind.DATA_CLEANUP), name="remote_record_rm2_cleanup"),
            models.CheckConstraint(condition=_kind_requires(RecordKind.REPORT_PROBLEM), name="remote_record_rm3_report"),
            models.CheckConstraint(condition=_kind_requires(RecordKind.PASSWORD_RESET), name="remote_record_rm4_password"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id} · {self.served_at:%Y-%m-%d}"

    @property
    def is_late(self) -> bool:
        """ST-11: written after the local day of the service had ended."""
        from ..policies import record_is_late

        return record_is_late(served_at=self.served_at, recorded_at=self.recorded_at)

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..policies import record_missing_fields

        errors = {
            field: message
            for field, message in record_missing_fields(
                kind=self.kind, values={f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}
            ).items()
        }
        ticket = self.ticket if self.ticket_id else None
        if ticket is not None:
            if self.contact_id and self.contact.customer_id != ticket.customer_id:
                errors.setdefault("contact", _("This contact belongs to another customer."))
            if self.told_contact_id and self.told_contact.customer_id != ticket.customer_id:
                errors.setdefault("told_contact", _("This contact belongs to another customer."))
            # Times are typed to the minute: a service in the minute the ticket was opened is fine.
            if self.served_at and self.served_at < ticket.created_at.replace(second=0, microsecond=0):
                errors.setdefault("served_at", _("The service cannot have been given before the ticket was opened."))
        if self.served_at and self.recorded_at and self.served_at > self.recorded_at:
            errors.setdefault("served_at", _("The service time cannot be in the future."))
        if errors:
            raise ValidationError(errors)
