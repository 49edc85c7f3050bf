"""Service-contract renewals (CT-3), the contract's own audit trail (CT-1, CT-3) and the monthly
sales targets (CT-4).

A ``Renewal`` moves only through the status table in ``policies.TRANSITIONS``, applied by the
service functions in ``services.py``:

    offered -> signed -> paid -> applied        (the contract's period is extended)
    offered | signed -> declined                (the contract is marked lost)
    offered | signed -> cancelled               (the offer is withdrawn; the contract is unchanged)
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.models.customers import ContractLevel


class RenewalStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    SIGNED = "signed", _("Signed")
    PAID = "paid", _("Paid")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined (contract lost)")
    CANCELLED = "cancelled", _("Cancelled")


# A contract has at most one renewal in these statuses (constraint below).
OPEN_STATUSES = (RenewalStatus.OFFERED, RenewalStatus.SIGNED, RenewalStatus.PAID)
# CT-4: renewals that count as sold in the month they were signed.
SOLD_STATUSES = (RenewalStatus.SIGNED, RenewalStatus.PAID, RenewalStatus.APPLIED)
_SIGNED_OR_LATER = SOLD_STATUSES
_PAID_OR_LATER = (RenewalStatus.PAID, RenewalStatus.APPLIED)
_CLOSED = (RenewalStatus.DECLINED, RenewalStatus.CANCELLED)


def _user_fk(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Renewal(models.Model):
    """CT-3: the renewal of one service contract for a new service period, at a price."""

    contract = models.ForeignKey(
        "tickets.ServiceContract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="renewals"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RenewalStatus.choices, default=RenewalStatus.OFFERED, editable=False
    )
    # The CT-2 reminder the offer was made from, if any.
    reminder = models.ForeignKey(
        "sla.ContractReminder",
        verbose_name=_("from reminder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )
    new_start = models.DateField(_("new period start"))
    new_end = models.DateField(_("new period end"))
    level = models.CharField(_("service level"), max_length=20, choices=ContractLevel.choices)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    offered_by = _user_fk(_("offered by"))
    offered_at = models.DateTimeField(_("offered"))

    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_recorded_by = _user_fk(_("signing recorded by"))
    # CT-3: payment is due within N days of signing (setting CONTRACT_PAYMENT_DAYS).
    payment_due_on = models.DateField(_("payment due"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("manager told of late payment"), null=True, blank=True, editable=False)

    paid_on = models.DateField(_("payment received on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount received"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_recorded_by = _user_fk(_("payment recorded by"))

    applied_at = models.DateTimeField(_("period extended"), null=True, blank=True)
    applied_by = _user_fk(_("extended by"))
    previous_start = models.DateField(_("previous period start"), null=True, blank=True)
    previous_end = models.DateField(_("previous period end"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = _user_fk(_("closed by"))
    close_reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("contract renewal")
        verbose_name_plural = _("contract renewals")
        indexes = [
            models.Index(fields=["status", "payment_due_on"], name="contracts_renewal_due_idx"),
            models.Index(fields=["signed_on"], name="contracts_renewal_signed_idx"),
        ]
        constraints = [
            # One open renewal per contract: two offers for overlapping periods cannot coexist.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=["offered", "signed", "paid"]),
                name="contracts_renewal_one_open_per_contract",
                violation_error_message=_("This contract already has an open renewal."),
            ),
            models.CheckConstraint(condition=Q(status__in=RenewalStatus.values), name="contracts_renewal_status_valid"),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="contracts_renewal_price_positive",
                violation_error_message=_("The price must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gt=0),
                name="contracts_renewal_paid_amount_positive",
                violation_error_message=_("The amount received must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(new_end__gt=F("new_start")),
                name="contracts_renewal_period_ordered",
                violation_error_message=_("The new period must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(level__in=ContractLevel.values), name="contracts_renewal_level_valid"),
            # CT-3: signed renewals carry the signing date and the payment due date.
            models.CheckConstraint(
                condition=~Q(status__in=_SIGNED_OR_LATER)
                | Q(signed_on__isnull=False, payment_due_on__gte=F("signed_on")),
                name="contracts_renewal_signed_has_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_PAID_OR_LATER) | Q(paid_on__isnull=False, paid_amount__isnull=False),
                name="contracts_renewal_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="contracts_renewal_applied_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_CLOSED) | Q(closed_at__isnull=False),
                name="contracts_renewal_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} → {self.new_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:renewal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RenewalSerial(models.Model):
    """CT-1/CT-3: a new serial or licence number an installation receives when the renewal is applied."""

    renewal = models.ForeignKey(Renewal, verbose_name=_("renewal"), on_delete=models.CASCADE, related_name="serials")
    installation = models.ForeignKey(
        "tickets.Installation", verbose_name=_("installation"), on_delete=models.PROTECT, related_name="+"
    )
    new_serial_number = models.CharField(_("new serial / licence number"), max_length=64)
    # Filled when the renewal is applied: what the installation had before.
    old_serial_number = models.CharField(_("previous serial / licence number"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["installation_id"]
        verbose_name = _("new serial number")
        verbose_name_plural = _("new serial numbers")
        constraints = [
            models.UniqueConstraint(fields=["renewal", "installation"], name="contracts_serial_once_per_renewal"),
            models.CheckConstraint(condition=~Q(new_serial_number=""), name="contracts_serial_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.installation_id}: {self.old_serial_number or '?'} → {self.new_serial_number}"


class ContractEventKind(models.TextChoices):
    RENEWAL_OFFERED = "renewal_offered", _("Renewal offered")
    RENEWAL_SIGNED = "renewal_signed", _("Renewal signed")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    PAYMENT_OVERDUE = "payment_overdue", _("Payment overdue: service manager told")
    PERIOD_EXTENDED = "period_extended", _("Service period extended")
    SERIAL_CHANGED = "serial_changed", _("Serial / licence number changed")
    RENEWAL_DECLINED = "renewal_declined", _("Renewal declined: contract lost")
    RENEWAL_CANCELLED = "renewal_cancelled", _("Renewal cancelled")


class ContractEvent(models.Model):
    """The contract's audit trail (no ticket needed): every renewal step, period change and serial
    change, with who and when. Append-only; written by the services only."""

    contract = models.ForeignKey(
        "tickets.ServiceContract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="events"
    )
    renewal = models.ForeignKey(
        Renewal, verbose_name=_("renewal"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ContractEventKind.choices)
    actor = _user_fk(_("by"))
    at = models.DateTimeField(_("when"))
    body = models.TextField(_("details"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")
        indexes = [models.Index(fields=["contract", "-at"], name="contracts_event_contract_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ContractEventKind.values), name="contracts_event_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.at:%Y-%m-%d}"


class SalesTarget(models.Model):
    """CT-4: the service manager's target for service-contract sales in one month."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    amount = models.DecimalField(_("target amount"), max_digits=14, decimal_places=2)
    count = models.PositiveIntegerField(_("target number of contracts"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = _user_fk(_("set by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly sales target")
        verbose_name_plural = _("monthly sales targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="contracts_target_amount_positive",
                violation_error_message=_("The target amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="contracts_target_first_of_month",
                violation_error_message=_("A target is set for a whole month (its first day)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.amount}"
