"""Reads of the parts stock, with their joins decided here (the list pages run a fixed number of
queries whatever the number of rows)."""

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import MoveReason, Part, StockLevel, StockLocation, StockMove


def part_list(*, search: str = "") -> QuerySet[Part]:
    queryset = Part.objects.all()
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(name__icontains=search))
    return queryset.annotate(on_hand=Coalesce(Sum("levels__quantity"), 0)).order_by("-active", "number")


def location_list(*, search: str = "") -> QuerySet[StockLocation]:
    queryset = StockLocation.objects.select_related("engineer")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(engineer__full_name__icontains=search) | Q(engineer__username__icontains=search)
        )
    return queryset.annotate(units=Coalesce(Sum("levels__quantity"), 0)).order_by("kind", "name")


def location_levels(*, location: StockLocation, search: str = "") -> QuerySet[StockLevel]:
    queryset = StockLevel.objects.filter(location=location, quantity__gt=0).select_related("part")
    if search:
        queryset = queryset.filter(Q(part__number__icontains=search) | Q(part__name__icontains=search))
    return queryset.order_by("part__number")


def location_moves(*, location: StockLocation, search: str = "") -> QuerySet[StockMove]:
    """The ledger of one location: every move in or out, newest first."""
    queryset = StockMove.objects.filter(Q(from_location=location) | Q(to_location=location))
    if search:
        queryset = queryset.filter(Q(part__number__icontains=search) | Q(part__name__icontains=search))
    return queryset.select_related(
        "part", "from_location__engineer", "to_location__engineer", "actor", "order"
    ).order_by("-at", "-id")


def van_for(*, engineer) -> StockLocation | None:
    """The engineer's own van (scoped to the user: there is no way to name another van)."""
    return StockLocation.objects.select_related("engineer").filter(engineer=engineer).first()


def van_levels_for(*, engineer, include_empty: bool = False) -> list[StockLevel]:
    """Issue 16: the active parts in the engineer's own van, for the work report's parts rows and
    the "Use a part" form (one query). ``include_empty`` keeps parts that ran out since the page
    was shown, so the service answers "Only 0 left in your van" instead of "not a valid choice"."""
    queryset = StockLevel.objects.filter(location__engineer=engineer, location__active=True, part__active=True)
    if not include_empty:
        queryset = queryset.filter(quantity__gt=0)
    return list(queryset.select_related("part").order_by("part__number"))


def factory_open(*, search: str = "") -> QuerySet[StockMove]:
    """OS-11: parts at the factory for repair (sent and not back yet), the oldest due first."""
    queryset = StockMove.objects.filter(reason=MoveReason.RETURN_TO_FACTORY, returned_by__isnull=True)
    if search:
        queryset = queryset.filter(
            Q(part__number__icontains=search) | Q(part__name__icontains=search) | Q(serial_number__icontains=search)
        )
    return queryset.select_related("part", "from_location__engineer", "order", "actor").order_by("factory_due_on", "id")
