"""Demo spare parts (issue 16): a small catalogue, the central warehouse, a van for each demo field
engineer with stock, and one part at the factory for repair. Put in through the real services, so
the ledger explains every balance. Runs after ``onsite.demo`` (INSTALLED_APPS order)."""

import datetime
from decimal import Decimal

from staff.models import User

from . import services
from .models import LocationKind, Part, StockLocation

WAREHOUSE = "中央仓库"
# number, name, unit, price, serial-tracked, low-stock alert at, in the warehouse, in each van.
PARTS = [
    ("IP300-FR", "进纸轮 Feed roller (IP-300)", "pcs", "48.00", False, 5, 30, 4),
    ("IP300-PH", "热敏打印头 Thermal print head (IP-300)", "pcs", "620.00", True, 1, 3, 1),
    ("T2-PSU", "POS T2 电源 Power supply", "pcs", "260.00", False, 2, 8, 1),
    ("RIB-110", "色带 Ribbon 110 mm", "roll", "35.50", False, 20, 120, 10),
    ("CAT6-M", "网线 Network cable Cat 6", "m", "3.20", False, 50, 500, 30),
]
ENGINEERS = ["engineer", "engineer2"]


def seed_demo(*, now, log) -> None:
    if Part.objects.exists():
        return
    manager = User.objects.filter(username="manager").first()
    if manager is None:
        log("parts: demo users missing, no stock")
        return
    at = now - datetime.timedelta(days=3)
    warehouse, _created = StockLocation.objects.get_or_create(name=WAREHOUSE, defaults={"kind": LocationKind.WAREHOUSE})
    vans = [
        StockLocation.objects.get_or_create(engineer=user, defaults={"kind": LocationKind.VAN, "name": f"Van {user.username}"})[0]
        for user in User.objects.filter(username__in=ENGINEERS).order_by("username")
    ]
    for number, name, unit, price, serial, alert, stocked, per_van in PARTS:
        part = Part.objects.create(
            number=number, name=name, unit=unit, unit_price=Decimal(price), serial_tracked=serial,
            low_stock_threshold=alert,
        )  # fmt: skip
        units = [f"{number}-SN{i:04d}" for i in range(1, stocked + 1)] if serial else [""]
        for serial_number in units:
            services.stock_receive(
                part=part, location=warehouse, quantity=1 if serial else stocked, actor=manager, now=at,
                key=f"demo:receive:{number}:{serial_number}", serial_number=serial_number, note="demo delivery",
            )  # fmt: skip
        for van_index, van in enumerate(vans):
            for unit_index in range(per_van):
                serial_number = units[van_index * per_van + unit_index] if serial else ""
                services.stock_transfer(
                    part=part, from_location=warehouse, to_location=van, quantity=1 if serial else per_van,
                    actor=manager, now=at + datetime.timedelta(hours=1), serial_number=serial_number,
                    key=f"demo:van:{number}:{van.pk}:{unit_index}",
                )  # fmt: skip
                if not serial:
                    break
    # OS-11: a faulty power supply at the factory, due back within five working days.
    services.return_to_factory(
        part=Part.objects.get(number="T2-PSU"), from_location=warehouse, actor=manager, now=now - datetime.timedelta(days=1),
        key="demo:factory:T2-PSU", note="不通电 / does not power on",
    )  # fmt: skip
    log(f"parts: {len(PARTS)} demo parts, {len(vans)} vans")
