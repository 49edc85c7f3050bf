"""Parts, locations and stock for the parts tests; stock is put in through the real services."""

import itertools
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from onsite.parts import services
from onsite.parts.models import LocationKind, Part, StockLocation
from onsite.tests.factories import NOW, service_manager

_keys = itertools.count(1)


def key() -> str:
    return f"test-key-{next(_keys)}"


class PartFactory(DjangoModelFactory):
    class Meta:
        model = Part

    number = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"色带 {n}")
    unit = "pcs"
    unit_price = Decimal("35.50")


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = StockLocation

    kind = LocationKind.WAREHOUSE
    name = factory.Sequence(lambda n: f"仓库 {n}")


class VanFactory(DjangoModelFactory):
    class Meta:
        model = StockLocation

    kind = LocationKind.VAN
    name = factory.Sequence(lambda n: f"Van {n}")


def stock(*, part, location, quantity, keeper=None, now=NOW, serial_number=""):
    """``quantity`` of ``part`` received into ``location``."""
    return services.stock_receive(
        part=part, location=location, quantity=quantity, actor=keeper or service_manager(), key=key(), now=now,
        serial_number=serial_number,
    )  # fmt: skip
