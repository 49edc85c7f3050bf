"""Demo on-site orders (Chinese and English customers) at every stage of the visit flow, walked
through the real services so clocks, timeline and deadlines are as in production."""

import datetime
import math

from django.utils import timezone

from staff.models import User
from tickets import services as ticket_services
from tickets.models import Customer

from . import services
from .models import ONSITE_CHECK_FIELDS, PRECALL_CHECK_FIELDS, ServiceOrder
from .signatures import png_encode

CHECKS = dict.fromkeys(PRECALL_CHECK_FIELDS + ONSITE_CHECK_FIELDS, True)

# customer, ticket subject, problem, stage, days from today of the visit, hour it starts, engineer.
# Issue 17: a normal day - yesterday's visits signed or closed, one visit today for each field
# engineer, tomorrow a rebooked visit and a request waiting for approval.
ORDERS = [
    ("北京华联商贸有限公司", "票据打印机每天早上卡纸", "IP-300 票据打印机卡纸，需要上门检修进纸器。", "assigned", 0, 16, "engineer"),
    ("Shanghai Golden Lotus Hotel", "POS terminal will not start at the front desk",
     "POS T2 at the front desk does not power on; the spare one is in use. Needs an engineer on site.", "assigned", 0, 15, "engineer2"),
    ("成都天府软件园管理公司", "开票服务器无法启动", "开票服务器启动后蓝屏，远程无法解决。", "signed", -1, 10, "engineer"),
    ("Guangzhou Pearl River Hospital", "Invoice printer prints blank pages",
     "Ribbon and print head to check; the cashier cannot print receipts.", "closed", -1, 9, "engineer2"),
    ("北京京西建材集团", "ERP 服务器磁盘告警", "ERP 服务器磁盘空间不足，需要现场扩容。", "rescheduled", 0, 11, "engineer"),
    ("Shenzhen Bright Electronics Co., Ltd.", "POS terminal screen flickers",
     "The screen of the second POS T2 flickers; remote checks found no software cause.", "requested", 1, 10, ""),
]


def _signature() -> bytes:
    """A demo signature: a wavy stroke on a transparent 240 x 80 image."""
    width, height = 240, 80
    ink = set()
    for x in range(10, 230):
        y = int(40 + 22 * math.sin(x / 18.0) * math.cos(x / 47.0))
        for dy in (-1, 0, 1):
            ink.add((x, y + dy))
    rows = [
        b"".join(b"\x10\x24\x3e\xff" if (x, y) in ink else b"\x00\x00\x00\x00" for x in range(width))
        for y in range(height)
    ]
    return png_encode(width=width, height=height, rows=rows)


def seed_demo(*, now, log) -> None:
    if ServiceOrder.objects.exists():
        return
    people = {u.username: u for u in User.objects.filter(username__in=["agent", "manager", "engineer", "engineer2", "duty"])}
    if len(people) < 5:
        log("onsite: demo users missing, no orders")
        return
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    created = 0
    for name, subject, problem, stage, days, hour, engineer in ORDERS:
        customer = Customer.objects.filter(name=name).first()
        if customer is None:
            continue
        day = today + datetime.timedelta(days=days)
        start = datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=tz)
        # OS-8: the call came in the day before the visit (on site within 24 h); a request still
        # waiting for approval came in just now.
        if stage == "requested":
            opened = now - datetime.timedelta(minutes=40)
        else:
            opened = min(start - datetime.timedelta(hours=20), now - datetime.timedelta(hours=2))
        ticket = ticket_services.ticket_create(
            customer=customer, contact=customer.contacts.first(), installation=customer.installations.first(),
            subject=subject, description=problem, created_by=people["agent"], now=opened,
        )  # fmt: skip
        _walk(ticket, problem, stage, start=start, opened=opened, people=people, engineer=people.get(engineer))
        created += 1
    log(f"onsite: {created} demo on-site orders")


def _walk(ticket, problem, stage, *, start, opened, people, engineer) -> None:
    manager = people["manager"]
    step = opened + datetime.timedelta(minutes=10)
    order = services.service_order_request(ticket=ticket, requested_by=people["agent"], problem=problem, now=step)
    if stage == "requested":
        return
    tick = datetime.timedelta(minutes=30)
    window = {"agreed_start": start, "agreed_end": start + datetime.timedelta(hours=2)}
    order = services.service_order_approve(order=order, approver=manager, now=(step := step + tick), **window)
    order = services.service_order_assign(order=order, engineer=engineer, actor=manager, now=(step := step + tick))
    if stage == "assigned":
        return
    if stage == "rescheduled":
        services.service_order_reschedule(
            order=order, actor=engineer, caused_by="company", reason="车辆故障，无法按时到达 (car broke down)",
            new_start=start + datetime.timedelta(days=1), new_end=start + datetime.timedelta(days=1, hours=2),
            now=step + tick,
        )  # fmt: skip
        return
    services.precall_attempt_record(order=order, engineer=engineer, reached=True, checks=CHECKS, now=start - 2 * tick)
    services.service_order_depart(order=order, engineer=engineer, can_solve=True, address_known=True, now=start - tick)
    services.service_order_check_in(order=order, engineer=engineer, latitude="39.983424", longitude="116.307649", now=start)
    services.work_report_submit(
        order=order, engineer=engineer, checks=CHECKS, cause="进纸器磨损 / worn feeder roller",
        actions="更换进纸轮，清洁打印头 / replaced the feed roller, cleaned the print head",
        prevention="每季度清洁一次 / clean quarterly", parts=[{"name": "进纸轮 Feed roller", "quantity": 1}],
        now=start + 3 * tick,
    )  # fmt: skip
    services.service_order_sign(
        order=order, engineer=engineer, signature_png=_signature(), customer_name=ticket.contact.name,
        rating=5 if stage == "signed" else 4, comment="工程师很专业 / very professional", now=start + 4 * tick,
    )  # fmt: skip
    services.service_order_check_out(order=order, engineer=engineer, now=start + 5 * tick)
    if stage == "signed":
        return
    services.trip_record_write(order=order, engineer=engineer, text="地铁往返，现场 2 小时 / by metro, 2 h on site", now=start + 6 * tick)
    services.service_form_hand_in(order=order, actor=engineer, now=start + 7 * tick)
    services.service_order_close(order=order, actor=manager, now=start + 8 * tick)
