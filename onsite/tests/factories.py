"""Helpers for on-site tests: people, a ticket that needs a visit, orders walked to any status
through the real services, and PNG images built with the standard library."""

import datetime
from zoneinfo import ZoneInfo

from onsite import services
from onsite.models import ONSITE_CHECK_FIELDS, PRECALL_CHECK_FIELDS, OrderStatus
from onsite.signatures import png_encode
from staff.roles import Role
from staff.tests.factories import EmployeeFactory, UserFactory
from tickets import services as ticket_services
from tickets.tests.factories import ContactFactory, CustomerFactory, InstallationFactory, RegionFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 10 March 2026, 09:30 local: a working day in the default calendar (Mon-Fri 09-12, 13-18).
NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
WINDOW = (datetime.datetime(2026, 3, 10, 14, 0, tzinfo=SHANGHAI), datetime.datetime(2026, 3, 10, 16, 0, tzinfo=SHANGHAI))


def engineer(username=None, *, region=None, **kwargs):
    """An engineer with an employee profile (default calendar), optionally in ``region``."""
    extra = {"username": username} if username else {}
    user = EmployeeFactory(roles=[Role.ENGINEER], phone="139 0000 1111", **extra, **kwargs)
    if region is not None:
        user.profile.region = region
        user.profile.save()
    return user


def approved_leave(employee, *, start: datetime.date, end: datetime.date):
    from staff.models import LeaveRequest

    return LeaveRequest.objects.create(
        employee=employee, kind="annual", start_date=start, end_date=end, days=(end - start).days + 1,
        reason="探亲", status="approved", submitted_at=NOW - datetime.timedelta(days=7),
        approved_at=NOW - datetime.timedelta(days=6),
    )  # fmt: skip


def service_manager(username=None, **kwargs):
    extra = {"username": username} if username else {}
    return UserFactory(roles=[Role.SERVICE_MANAGER], **extra, **kwargs)


def visit_ticket(*, agent=None, now=NOW, customer=None, product=None, type="fault"):
    """An open fault ticket with a contact (with e-mail) and an installation, opened at ``now``."""
    customer = customer or CustomerFactory(region=RegionFactory(code="beijing", name="北京分公司"))
    contact = ContactFactory(customer=customer, name="李明", email="liming@customer.example")
    installation = InstallationFactory(customer=customer, **({"product": product} if product else {}))
    return ticket_services.ticket_create(
        customer=customer,
        contact=contact,
        installation=installation,
        subject="开票系统无法打印发票",
        description="The invoice printer stops after the first page.",
        type=type,
        created_by=agent or UserFactory(roles=[Role.AGENT]),
        now=now,
    )


def png(width=40, height=16, *, ink=True, colour_type=6) -> bytes:
    """A valid 8-bit PNG: transparent, with one dark line across the middle when ``ink``."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    rows = [
        (bytes([16, 36, 62, 255][:channels]) if ink and y == height // 2 else bytes(channels)) * width
        for y in range(height)
    ]
    return png_encode(width=width, height=height, rows=rows, colour_type=colour_type)


ORDER_STEPS = [
    OrderStatus.APPROVED,
    OrderStatus.ASSIGNED,
    OrderStatus.PRECALL_DONE,
    OrderStatus.EN_ROUTE,
    OrderStatus.ON_SITE,
    OrderStatus.WORK_DONE,
    OrderStatus.SIGNED,
    OrderStatus.HANDED_IN,
    OrderStatus.CLOSED,
]
ALL_CHECKS = dict.fromkeys(PRECALL_CHECK_FIELDS + ONSITE_CHECK_FIELDS, True)


def order_at(status=OrderStatus.REQUESTED, *, engineer_user=None, manager=None, ticket=None, now=NOW, parts=()):
    """An order walked through the services to ``status``, one minute per step after ``now``."""
    ticket = ticket or visit_ticket(now=now)
    manager = manager or service_manager()
    order = services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="打印机卡纸", now=now)
    step = now
    for target in ORDER_STEPS:
        if order.status == status:
            break
        step += datetime.timedelta(minutes=1)
        order = _advance(order, target, engineer_user=engineer_user, manager=manager, now=step, parts=parts)
        if target == OrderStatus.ASSIGNED:
            engineer_user = order.engineer
    order.refresh_from_db()
    return order


def _advance(order, target, *, engineer_user, manager, now, parts):
    if target == OrderStatus.APPROVED:
        return services.service_order_approve(order=order, approver=manager, agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=now)
    if target == OrderStatus.ASSIGNED:
        return services.service_order_assign(order=order, engineer=engineer_user or engineer(), actor=manager, now=now)
    if target == OrderStatus.PRECALL_DONE:
        services.precall_attempt_record(order=order, engineer=order.engineer, reached=True, checks=ALL_CHECKS, now=now)
    elif target == OrderStatus.EN_ROUTE:
        services.service_order_depart(order=order, engineer=order.engineer, can_solve=True, address_known=True, now=now)
    elif target == OrderStatus.ON_SITE:
        services.service_order_check_in(order=order, engineer=order.engineer, latitude="39.98", longitude="116.31", now=now)
    elif target == OrderStatus.WORK_DONE:
        services.work_report_submit(
            order=order, engineer=order.engineer, checks=ALL_CHECKS, cause="打印头脏污", actions="清洁打印头，更换色带",
            parts=list(parts), now=now,
        )  # fmt: skip
    elif target == OrderStatus.SIGNED:
        services.service_order_sign(
            order=order, engineer=order.engineer, signature_png=png(), customer_name="李明", rating=5, now=now
        )
    elif target == OrderStatus.HANDED_IN:
        services.trip_record_write(order=order, engineer=order.engineer, text="地铁往返，现场两小时", now=now)
        services.service_form_hand_in(order=order, actor=order.engineer, now=now)
    elif target == OrderStatus.CLOSED:
        services.service_order_close(order=order, actor=manager, now=now)
    order.refresh_from_db()
    return order
