"""Every write of the parts stock (OS-11, issue 16). Each service records one ``StockMove`` and
updates the ``StockLevel`` rows it touches in the same transaction.

* Idempotent: every service takes a ``key``; the same key again returns the first move and changes
  nothing (the offline phone app resends). The unique key decides, also for a concurrent twin.
* Never negative: stock is taken with a conditional ``UPDATE ... WHERE quantity >= n``; when it
  affects no row the move is refused with a message ("Only 0 left in van of 刘洋"). The database
  constraint ``parts_level_not_negative`` stands behind it.
* No deadlocks: the level rows of a move are written in the order of their location id.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onsite import policies as onsite_policies
from onsite.models import OrderStatus, PartUsed, ServiceOrder
from onsite.services import part_factory_returned
from servicedesk.core.services import notification_send
from staff.models import User
from staff.roles import Role
from staff.selectors import calendar_load
from tickets.services import ticket_event_record

from . import policies
from .apps import KEEPER_ROLES
from .models import LocationKind, MoveReason, Part, PartsEventKind, StockLevel, StockLocation, StockMove

# OS-11: the engineer uses parts from the van while on the visit (or finishing it).
CONSUME_STATUSES = (OrderStatus.ON_SITE, OrderStatus.WORK_DONE, OrderStatus.SIGNED, OrderStatus.ESCALATED)
LOW_STOCK_KIND = "parts_low_stock"


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise ValidationError(_("This request has no key; reload the page and try again."))
    if len(key) > 100:
        raise ValidationError(_("This request key is too long."))
    return key


def _first(key: str) -> StockMove | None:
    return StockMove.objects.filter(key=key).select_related("part", "from_location", "to_location").first()


def _require_role(actor, roles) -> None:
    if not actor.has_role(*roles):
        raise ValidationError(_("You cannot do that."))


def _level_take(*, part: Part, location: StockLocation, quantity: int) -> int:
    """Take ``quantity`` or refuse; returns the level after the move."""
    taken = StockLevel.objects.filter(part=part, location=location, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    left = StockLevel.objects.filter(part=part, location=location).values_list("quantity", flat=True).first() or 0
    if not taken:
        raise ValidationError(
            _("Only %(left)s left in %(location)s.") % {"left": left, "location": location.label}, code="not_enough"
        )
    return left


def _level_put(*, part: Part, location: StockLocation, quantity: int) -> int:
    """Add ``quantity``, creating the level row on first use; a concurrent twin that created it
    first is caught in a savepoint and the update is tried again."""
    if not StockLevel.objects.filter(part=part, location=location).update(quantity=F("quantity") + quantity):
        try:
            with transaction.atomic():
                StockLevel.objects.create(part=part, location=location, quantity=quantity)
        except IntegrityError:
            StockLevel.objects.filter(part=part, location=location).update(quantity=F("quantity") + quantity)
    return StockLevel.objects.values_list("quantity", flat=True).get(part=part, location=location)


def _low_stock_alert(*, move: StockMove, location: StockLocation, after: int, now: datetime.datetime) -> None:
    part = move.part
    if not policies.low_stock_crossed(before=after + move.quantity, after=after, threshold=part.low_stock_threshold):
        return
    managers = User.objects.filter(is_active=True, groups__name=Role.SERVICE_MANAGER).distinct()
    notification_send(
        recipients=list(managers),
        title=_("Low stock: %(part)s, %(left)s %(unit)s left in %(location)s")
        % {"part": part.name, "left": after, "unit": part.unit, "location": location.label},
        body=_("Alert at %(threshold)s %(unit)s (part %(number)s).")
        % {"threshold": part.low_stock_threshold, "unit": part.unit, "number": part.number},
        url=location.get_absolute_url(),
        kind=LOW_STOCK_KIND,
        key=f"parts-low-stock:{move.pk}",
        now=now,
    )


def _record(
    *,
    key: str,
    reason: str,
    part: Part,
    quantity: int,
    actor,
    now: datetime.datetime,
    from_location: StockLocation | None = None,
    to_location: StockLocation | None = None,
    serial_number: str = "",
    **extra,
) -> tuple[StockMove, bool]:
    """Store the move and update the levels; (move, created). Must run inside a transaction."""
    serial_number = (serial_number or "").strip()
    problem = policies.quantity_problem(quantity=quantity, serial_tracked=part.serial_tracked, serial_number=serial_number)
    if problem:
        raise ValidationError(problem)
    if from_location is not None and to_location is not None and from_location.pk == to_location.pk:
        raise ValidationError({"to_location": _("Choose a location other than the one the stock leaves.")})
    for location in (from_location, to_location):
        if location is not None and not location.active:
            raise ValidationError(_("%(location)s is no longer in use.") % {"location": location.label})
    move = StockMove(
        key=key, reason=reason, part=part, quantity=quantity, from_location=from_location, to_location=to_location,
        serial_number=serial_number, actor=actor, at=now, **extra,
    )  # fmt: skip
    move.full_clean(validate_unique=False, validate_constraints=True, exclude=["key"])
    try:
        with transaction.atomic():  # savepoint: a twin with the same key committed first
            move.save()
    except IntegrityError:
        first = _first(key)
        if first is None:
            raise
        return first, False
    ends = [(loc, side) for loc, side in ((from_location, "take"), (to_location, "put")) if loc is not None]
    for location, side in sorted(ends, key=lambda end: end[0].pk):
        if side == "take":
            after = _level_take(part=part, location=location, quantity=quantity)
            _low_stock_alert(move=move, location=location, after=after, now=now)
        else:
            _level_put(part=part, location=location, quantity=quantity)
    return move, True


# --- Warehouse (service managers, admin) --------------------------------------------------------------


@transaction.atomic
def stock_receive(
    *, part: Part, location: StockLocation, quantity: int, actor, key: str, now: datetime.datetime,
    serial_number: str = "", note: str = "",
) -> StockMove:  # fmt: skip
    """Parts received from a supplier into ``location``."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    _require_role(actor, KEEPER_ROLES)
    move, _created = _record(
        key=key, reason=MoveReason.RECEIVE, part=part, quantity=quantity, to_location=location, actor=actor, now=now,
        serial_number=serial_number, note=(note or "").strip(),
    )  # fmt: skip
    return move


@transaction.atomic
def stock_transfer(
    *, part: Part, from_location: StockLocation, to_location: StockLocation, quantity: int, actor, key: str,
    now: datetime.datetime, serial_number: str = "", note: str = "",
) -> StockMove:  # fmt: skip
    """Move stock between locations (warehouse to a van and back, van to van)."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    _require_role(actor, KEEPER_ROLES)
    move, _created = _record(
        key=key, reason=MoveReason.TRANSFER, part=part, quantity=quantity, from_location=from_location,
        to_location=to_location, actor=actor, now=now, serial_number=serial_number, note=(note or "").strip(),
    )  # fmt: skip
    return move


@transaction.atomic
def stock_count_adjust(
    *, part: Part, location: StockLocation, counted: int, actor, key: str, now: datetime.datetime, note: str = ""
) -> StockMove | None:
    """A stocktake: the counted quantity becomes the balance through an ``adjust_count`` move (never
    an edit of the level). None when the count matches (nothing to record)."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    _require_role(actor, KEEPER_ROLES)
    if not isinstance(counted, int) or counted < 0:
        raise ValidationError({"counted": _("The counted quantity must be 0 or more.")})
    level = StockLevel.objects.select_for_update().filter(part=part, location=location).first()
    difference = policies.count_difference(on_record=level.quantity if level else 0, counted=counted)
    if difference == 0:
        return None
    ends = {"to_location": location} if difference > 0 else {"from_location": location}
    move, _created = _record(
        key=key, reason=MoveReason.ADJUST_COUNT, part=part, quantity=abs(difference), actor=actor, now=now,
        note=(note or "").strip() or _("Counted %(counted)s") % {"counted": counted}, **ends,
    )  # fmt: skip
    return move


# --- On the visit (OS-11) -----------------------------------------------------------------------------


def van_of(engineer) -> StockLocation:
    van = StockLocation.objects.select_related("engineer").filter(kind=LocationKind.VAN, engineer=engineer).first()
    if van is None:
        raise ValidationError(_("You have no van stock yet; ask a service manager to set up your van."))
    return van


@transaction.atomic
def part_consume(
    *, order: ServiceOrder, part: Part, quantity: int, engineer, serial_out: str = "", serial_in: str = "",
    key: str, now: datetime.datetime, part_used: PartUsed | None = None,
) -> StockMove:  # fmt: skip
    """OS-11: the order's engineer uses ``quantity`` of ``part`` from their van on the visit; the
    move records part, quantity and time. A serial-tracked part swapped on the ticket's installation
    changes the installation's serial number from ``serial_out`` to ``serial_in`` (written on the
    ticket's timeline).

    Counted once, in one of three ways:

    * ``part_used`` given: the work report's row for this part, just written by
      ``onsite.services.work_report_submit`` in the same transaction; the move is linked to it and no
      second row is written (the report's parts rows pick van parts and consume through here);
    * no ``part_used``, the work report already written ("Use a part" after the report): a
      ``PartUsed`` row is added to the report and linked;
    * no ``part_used``, no report yet: only on the ledger, linked to the order (the engineer lists
      the part in the report then; ``work_report_submit`` never consumes rows without a van part)."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    order = ServiceOrder.objects.select_for_update(of=("self",)).select_related("ticket__installation").get(pk=order.pk)
    if order.engineer_id is None or order.engineer_id != engineer.pk:
        raise ValidationError(_("Only the engineer of this order can do that."))
    if order.status not in CONSUME_STATUSES:
        raise ValidationError(_("Parts are recorded once you are on site."))
    if not part.active:
        raise ValidationError({"part": _("This part is no longer in the catalogue.")})
    serial_in, serial_out = (serial_in or "").strip(), (serial_out or "").strip()
    installation = order.ticket.installation
    swapped = part.serial_tracked and installation is not None and bool(serial_out)
    if swapped and installation.serial_number != serial_out:
        raise ValidationError(
            {"serial_out": _("The installation's serial number is %(serial)s.") % {"serial": installation.serial_number}}
        )
    van = van_of(engineer)
    linked = part_used
    if linked is not None:
        if linked.pk is None or linked.report.order_id != order.pk:
            raise ValidationError(_("This part row belongs to another work report."))
        part_used = None
    else:
        report = getattr(order, "work_report", None)
        if report is not None:
            part_used = PartUsed(report=report, name=part.name, part_number=part.number, quantity=quantity, used_at=now)
    move, created = _record(
        key=key, reason=MoveReason.CONSUME, part=part, quantity=quantity, from_location=van, actor=engineer, now=now,
        serial_number=serial_in, serial_out=serial_out, order=order, installation=installation, part_used=linked,
    )  # fmt: skip
    if not created:
        return move
    if part_used is not None:
        part_used.full_clean()
        part_used.save()
        StockMove.objects.filter(pk=move.pk).update(part_used=part_used)
        move.part_used = part_used
    data = {"order": order.pk, "part": part.number, "quantity": quantity, "move": move.pk}
    ticket_event_record(
        ticket=order.ticket, kind=PartsEventKind.CONSUMED, actor=engineer, at=now,
        body=f"{part.name} ({part.number}) x {quantity} {part.unit}", data=data,
    )  # fmt: skip
    if swapped:
        installation.serial_number = serial_in
        installation.full_clean()
        installation.save()
        ticket_event_record(
            ticket=order.ticket, kind=PartsEventKind.SERIAL_SWAPPED, actor=engineer, at=now,
            body=_("Serial number %(old)s replaced by %(new)s") % {"old": serial_out, "new": serial_in},
            data={**data, "installation": installation.pk, "old": serial_out, "new": serial_in},
        )  # fmt: skip
    return move


# --- Factory repair (OS-11: back within ONSITE_FACTORY_REPAIR_DAYS working days) -----------------------


@transaction.atomic
def return_to_factory(
    *, part: Part, actor, key: str, now: datetime.datetime, quantity: int = 1, from_location: StockLocation | None = None,
    serial_number: str = "", order: ServiceOrder | None = None, part_used: PartUsed | None = None, note: str = "",
) -> StockMove:  # fmt: skip
    """Send a faulty part to the factory: out of ``from_location`` (the warehouse, a van) or, with no
    location, straight from the customer's installation (``order``/``part_used``). Due back on the
    same deadline as a work report's factory repair (``onsite.policies.factory_repair_due``, office
    calendar, ``ONSITE_FACTORY_REPAIR_DAYS``)."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    _require_role(actor, onsite_policies.DISPATCH_ROLES)
    if part_used is not None:
        order = part_used.report.order
    due_on = (part_used.factory_due_on if part_used is not None and part_used.factory_due_on else None) or (
        onsite_policies.factory_repair_due(
            sent_on=timezone.localdate(now), calendar=calendar_load(),
            working_days=settings.SERVICEDESK["ONSITE_FACTORY_REPAIR_DAYS"],
        )
    )  # fmt: skip
    move, created = _record(
        key=key, reason=MoveReason.RETURN_TO_FACTORY, part=part, quantity=quantity, from_location=from_location,
        actor=actor, now=now, serial_number=serial_number, order=order, part_used=part_used, factory_due_on=due_on,
        note=(note or "").strip(),
    )  # fmt: skip
    if created and order is not None:
        ticket_event_record(
            ticket=order.ticket, kind=PartsEventKind.TO_FACTORY, actor=actor, at=now,
            body=_("%(part)s x %(quantity)s, due back %(due)s") % {"part": part.name, "quantity": quantity, "due": due_on},
            data={"order": order.pk, "move": move.pk, "due_on": due_on.isoformat()},
        )  # fmt: skip
    return move


@transaction.atomic
def factory_returned(
    *, sent: StockMove, to_location: StockLocation, actor, key: str, now: datetime.datetime
) -> StockMove:
    """The repaired part is back from the factory into ``to_location``. A shipment of a work report's
    part also marks that part returned through ``onsite.services.part_factory_returned`` (late when
    after its due date)."""
    key = _check_key(key)
    if (first := _first(key)) is not None:
        return first
    _require_role(actor, onsite_policies.DISPATCH_ROLES)
    sent = StockMove.objects.select_for_update(of=("self",)).select_related("part", "order__ticket", "part_used").get(pk=sent.pk)
    if sent.reason != MoveReason.RETURN_TO_FACTORY or StockMove.objects.filter(returns_move=sent).exists():
        raise ValidationError(_("This part is not waiting for a factory repair."))
    move, created = _record(
        key=key, reason=MoveReason.FACTORY_RETURNED, part=sent.part, quantity=sent.quantity, to_location=to_location,
        actor=actor, now=now, serial_number=sent.serial_number, order=sent.order, part_used=sent.part_used,
        returns_move=sent,
    )  # fmt: skip
    if not created:
        return move
    returned_on = timezone.localdate(now)
    if sent.part_used is not None and sent.part_used.return_to_factory and sent.part_used.factory_returned_on is None:
        part_factory_returned(part=sent.part_used, actor=actor, returned_on=returned_on, now=now)
    elif sent.order is not None:
        ticket_event_record(
            ticket=sent.order.ticket, kind=PartsEventKind.FROM_FACTORY, actor=actor, at=now,
            body=f"{sent.part.name} x {sent.quantity}",
            data={"order": sent.order_id, "move": move.pk, "late": returned_on > sent.factory_due_on},
        )  # fmt: skip
    return move
