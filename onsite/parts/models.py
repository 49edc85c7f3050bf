"""Spare parts and van stock (OS-11, issue 16).

``Part`` is the catalogue. Stock sits in a ``StockLocation``: the warehouse, or the van of one
engineer. Every change of stock is a ``StockMove`` in an append-only ledger (received, moved,
consumed on an order, sent to or back from the factory, a counted correction); ``StockLevel`` is the
balance per part and location, written only by ``services`` in the same transaction as the move.
The database itself refuses a negative balance.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PartsEventKind(models.TextChoices):
    """Lines the parts service writes on the ticket's timeline (registered in ``PartsConfig.ready``)."""

    CONSUMED = "parts_consumed", _("Spare part used")
    SERIAL_SWAPPED = "parts_serial_swapped", _("Serial number changed by a part swap")
    TO_FACTORY = "parts_to_factory", _("Part sent to the factory")
    FROM_FACTORY = "parts_from_factory", _("Part back from the factory")


class Part(models.Model):
    number = models.CharField(_("part number"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=20, default="pcs", help_text=_("pcs, m, set, …"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2, default=0)
    serial_tracked = models.BooleanField(
        _("serial numbers tracked"), default=False, help_text=_("Each unit has its own serial number; moved one by one.")
    )
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock alert at"), default=0, help_text=_("Service managers are told when a location falls to this many; 0: no alert.")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="parts_part_number_not_blank"),
            models.CheckConstraint(condition=~Q(name=""), name="parts_part_name_not_blank"),
            models.CheckConstraint(condition=~Q(unit=""), name="parts_part_unit_not_blank"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="parts_part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    VAN = "van", _("Van")


class StockLocation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    engineer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="van",
        help_text=_("Vans only: the engineer who drives it."),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LocationKind.values), name="parts_location_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="parts_location_name_not_blank"),
            models.CheckConstraint(
                condition=(Q(kind=LocationKind.VAN) & Q(engineer__isnull=False))
                | (Q(kind=LocationKind.WAREHOUSE) & Q(engineer__isnull=True)),
                name="parts_location_van_has_engineer",
                violation_error_message=_("A van belongs to one engineer; a warehouse to none."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("parts:location_detail", args=[self.pk])

    @property
    def label(self) -> str:
        """"van of 刘洋" for a van (the messages engineers read), the name for a warehouse."""
        if self.kind == LocationKind.VAN and self.engineer_id:
            return _("van of %(name)s") % {"name": self.engineer.display_name}
        return self.name


class MoveReason(models.TextChoices):
    RECEIVE = "receive", _("Received")
    TRANSFER = "transfer", _("Transfer")
    CONSUME = "consume", _("Used on an order")
    RETURN_TO_FACTORY = "return_to_factory", _("Sent to the factory")
    FACTORY_RETURNED = "factory_returned", _("Back from the factory")
    ADJUST_COUNT = "adjust_count", _("Stocktake correction")


class StockMove(models.Model):
    """One line of the stock ledger. Append-only: written by ``services``, never edited or deleted;
    a counted difference is a new ``adjust_count`` move. ``key`` makes a resent request (the phone
    resends when it was offline) return the first move instead of a second one."""

    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="moves")
    quantity = models.PositiveIntegerField(_("quantity"))
    from_location = models.ForeignKey(
        StockLocation, verbose_name=_("from"), null=True, blank=True, on_delete=models.PROTECT, related_name="moves_out",
        help_text=_("Empty: received from a supplier or the factory."),
    )  # fmt: skip
    to_location = models.ForeignKey(
        StockLocation, verbose_name=_("to"), null=True, blank=True, on_delete=models.PROTECT, related_name="moves_in",
        help_text=_("Empty: used, scrapped or sent away."),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=20, choices=MoveReason.choices)
    order = models.ForeignKey(
        "onsite.ServiceOrder", verbose_name=_("on-site order"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stock_moves",
    )  # fmt: skip
    installation = models.ForeignKey(
        "tickets.Installation", verbose_name=_("installation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stock_moves",
    )  # fmt: skip
    part_used = models.ForeignKey(
        "onsite.PartUsed", verbose_name=_("part used (work report)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stock_moves",
    )  # fmt: skip
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    serial_out = models.CharField(_("serial number taken out"), max_length=64, blank=True)
    # OS-11: a part sent to the factory is due back within five working days.
    factory_due_on = models.DateField(_("factory repair due"), null=True, blank=True)
    returns_move = models.OneToOneField(
        "self", verbose_name=_("returns the shipment"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="returned_by",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    key = models.CharField(_("request key"), max_length=100, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        indexes = [
            models.Index(fields=["from_location", "-at"], name="parts_move_from_idx"),
            models.Index(fields=["to_location", "-at"], name="parts_move_to_idx"),
            models.Index(fields=["part", "-at"], name="parts_move_part_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="parts_move_quantity_positive"),
            models.CheckConstraint(condition=~Q(key=""), name="parts_move_key_not_blank"),
            models.CheckConstraint(condition=Q(reason__in=MoveReason.values), name="parts_move_reason_valid"),
            models.CheckConstraint(condition=Q(serial_number="") | Q(quantity=1), name="parts_move_serial_one_unit"),
            models.CheckConstraint(
                condition=~Q(from_location=F("to_location")), name="parts_move_from_is_not_to",
            ),  # fmt: skip
            # Which ends a move has, by reason (a shipment to the factory may come straight from the
            # customer's installation, so it may have neither).
            models.CheckConstraint(
                condition=(Q(reason=MoveReason.RECEIVE) & Q(from_location__isnull=True, to_location__isnull=False))
                | (Q(reason=MoveReason.TRANSFER) & Q(from_location__isnull=False, to_location__isnull=False))
                | (Q(reason=MoveReason.CONSUME) & Q(from_location__isnull=False, to_location__isnull=True))
                | (Q(reason=MoveReason.RETURN_TO_FACTORY) & Q(to_location__isnull=True, factory_due_on__isnull=False))
                | (Q(reason=MoveReason.FACTORY_RETURNED) & Q(from_location__isnull=True, to_location__isnull=False))
                | (
                    Q(reason=MoveReason.ADJUST_COUNT)
                    & (Q(from_location__isnull=True, to_location__isnull=False) | Q(from_location__isnull=False, to_location__isnull=True))
                ),
                name="parts_move_ends_match_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.part.number} x {self.quantity}"

    @property
    def returned_late(self) -> bool:
        """A factory return after the shipment's due date (OS-11)."""
        sent = self.returns_move
        return bool(sent and sent.factory_due_on and self.at.date() > sent.factory_due_on)


class StockLevel(models.Model):
    """The balance of one part in one location; only the move service writes it."""

    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="levels")
    location = models.ForeignKey(StockLocation, verbose_name=_("location"), on_delete=models.PROTECT, related_name="levels")
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        ordering = ["part__number"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="parts_level_one_per_part_location"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="parts_level_not_negative", violation_error_message=_("Stock cannot go below zero.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.number} @ {self.location}: {self.quantity}"

    @property
    def low(self) -> bool:
        return self.part.low_stock_threshold > 0 and self.quantity <= self.part.low_stock_threshold
