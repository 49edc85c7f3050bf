"""Demo renewals in every status (one payment overdue) on the demo contracts, renewals signed in each
of the last six months on contracts renewed earlier, and CT-4 targets for those months. Walked
through the real services, so the audit trail, reminders and history are as in production. Runs
after the tickets and SLA demos (INSTALLED_APPS order); does nothing when renewals exist already."""

import datetime
from decimal import Decimal

from django.utils import timezone

from servicedesk.core.dates import add_months, month_start
from staff.models import User
from tickets.models import Customer, Installation, Product, ServiceContract

from . import policies, services
from .models import Renewal, SalesTarget

# contract number, status, days ago offered, days ago signed, days ago paid, price
CURRENT = [
    ("SC-0002", "offered", 1, None, None, "42000.00"),
    ("SC-0006", "signed", 9, 6, None, "38000.00"),  # CT-3: due 3 days after signing, now overdue
    ("SC-0003", "signed", 3, 1, None, "26000.00"),
    ("SC-0007", "paid", 12, 10, 8, "31000.00"),  # waiting for the new licence number
    ("SC-0005", "applied", 20, 18, 16, "58000.00"),
    ("SC-0004", "declined", 25, None, None, "18000.00"),
    ("SC-0008", "cancelled", 15, None, None, "64000.00"),
]
# months ago, customer, product code, price
HISTORY = [
    (5, "北京华联商贸有限公司", "pos-t2", "45000.00"),
    (4, "Shenzhen Bright Electronics Co., Ltd.", "erp-suite", "52000.00"),
    (4, "Guangzhou Pearl River Hospital", "invoice-pro", "28000.00"),
    (3, "Shanghai Golden Lotus Hotel", "invoice-pro", "36000.00"),
    (2, "成都天府软件园管理公司", "printer-ip300", "12000.00"),
    (2, "上海浦江物流有限公司", "printer-ip300", "9000.00"),
    (1, "成都熊猫食品有限公司", "erp-suite", "61000.00"),
]
# months ago -> target amount
TARGETS = {5: "80000", 4: "90000", 3: "90000", 2: "60000", 1: "100000", 0: "150000"}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _walk(contract, status, *, offered, signed, paid, price, actor, serials=None, now):
    """Offer (and sign, pay, apply, decline, cancel) a renewal of ``contract`` for the next year."""
    start, end = policies.proposed_period(current_end=contract.end_date, months=12)
    renewal = services.renewal_offer(
        contract=contract, offered_by=actor, new_start=start, new_end=end, level=contract.level,
        price=Decimal(price), serials=serials, now=offered,
    )  # fmt: skip
    if status == "cancelled":
        return services.renewal_cancel(renewal=renewal, actor=actor, reason="报价有误，重新报价", now=offered)
    if status == "declined":
        return services.renewal_decline(renewal=renewal, actor=actor, reason="客户改用其他服务商", now=offered)
    if signed is None:
        return renewal
    renewal = services.renewal_sign(renewal=renewal, actor=actor, signed_on=timezone.localdate(signed), now=signed)
    if paid is None:
        return renewal
    return services.renewal_payment_record(
        renewal=renewal, actor=actor, paid_on=timezone.localdate(paid), amount=Decimal(price),
        apply=status == "applied", now=paid,
    )  # fmt: skip


def seed_demo(*, now, log) -> None:
    today = timezone.localdate(now)
    people = {u.username: u for u in User.objects.filter(username__in=["manager", "callback"])}
    manager = people.get("manager")
    if manager is None:
        log("contracts: demo users missing, skipped")
        return
    for months_ago, amount in TARGETS.items():
        SalesTarget.objects.get_or_create(
            month=add_months(month_start(today), -months_ago),
            defaults={"amount": Decimal(amount), "count": 2, "updated_by": manager},
        )
    if Renewal.objects.exists():
        return
    created = 0
    for number, status, offered_ago, signed_ago, paid_ago, price in CURRENT:
        contract = ServiceContract.objects.filter(number=number).first()
        if contract is None:
            continue
        actor = people.get("callback", manager) if status in ("offered", "signed") else manager
        days = lambda ago: None if ago is None else now - datetime.timedelta(days=ago)
        serials = None
        if status == "applied":
            first = contract.installations.order_by("pk").first()
            serials = {first.pk: f"{first.serial_number}-R{today.year + 1}"} if first else None
        _walk(contract, status, offered=days(offered_ago), signed=days(signed_ago), paid=days(paid_ago),
              price=price, actor=actor, serials=serials, now=now)  # fmt: skip
        created += 1
    for index, (months_ago, customer_name, product_code, price) in enumerate(HISTORY):
        customer = Customer.objects.filter(name=customer_name).first()
        product = Product.objects.filter(code=product_code).first()
        if customer is None or product is None:
            continue
        signed_day = add_months(today, -months_ago).replace(day=min(5 + 3 * index, 28))
        old_end = signed_day + datetime.timedelta(days=20)
        contract = ServiceContract.objects.create(
            number=f"SC-R{index + 1:03d}", customer=customer, level="standard",
            signed_on=old_end - datetime.timedelta(days=365), start_date=old_end - datetime.timedelta(days=364),
            end_date=old_end, active_users=120,
        )  # fmt: skip
        contract.installations.add(
            Installation.objects.create(
                customer=customer, product=product, serial_number=f"{product_code.upper()}-R-{index + 1:04d}",
                installed_on=contract.start_date,
            )
        )  # fmt: skip
        _walk(contract, "applied", offered=_at(signed_day - datetime.timedelta(days=4)), signed=_at(signed_day, 15),
              paid=_at(signed_day + datetime.timedelta(days=2)), price=price, actor=manager, now=now)  # fmt: skip
        created += 1
    overdue = services.renewals_overdue_notify(now=now)
    log(f"contracts: {created} demo renewals, {len(TARGETS)} monthly targets, {len(overdue)} overdue payment")
