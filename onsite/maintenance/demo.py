"""Demo maintenance plans (issue 16): one quarterly inspection on a contract in force, generated
through the real services (one visit inside the horizon, dispatched like any other)."""

import datetime

from django.utils import timezone

from staff.models import User
from tickets.models import ServiceContract

from . import services
from .models import MaintenancePlan


def seed_demo(*, now, log) -> None:
    if MaintenancePlan.objects.exists():
        return
    manager = User.objects.filter(username="manager").first()
    today = timezone.localdate(now)
    contract = (
        ServiceContract.objects.filter(start_date__lte=today, end_date__gte=today + datetime.timedelta(days=120))
        .order_by("number")
        .first()
    )
    if manager is None or contract is None:
        log("maintenance: no demo manager or contract in force, no plan")
        return
    services.plan_create(
        contract=contract, created_by=manager, now=now, name="季度预防性巡检 Quarterly inspection",
        interval_months=3, first_visit_on=today + datetime.timedelta(days=21),
        window_start=datetime.time(9, 30), window_end=datetime.time(11, 30),
    )  # fmt: skip
    log("maintenance: 1 demo plan")
