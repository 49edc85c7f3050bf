"""Demo customers (Chinese and English names), contracts (some expiring soon, one expired) and tickets."""

import datetime
import random

from django.utils import timezone

from staff.models import User

from . import services
from .models import Contact, Customer, Installation, Product, Region, ServiceContract, Ticket
from .models.tickets import OPEN_STATUSES, Channel, Priority, TicketType

REGIONS = [
    ("beijing", "北京分公司 Beijing Branch"),
    ("shanghai", "上海分公司 Shanghai Branch"),
    ("guangzhou", "广州分公司 Guangzhou Branch"),
    ("chengdu", "成都分公司 Chengdu Branch"),
]

PRODUCTS = [
    ("invoice-pro", "开票系统 Invoice Pro 7", "Software"),
    ("erp-suite", "ERP Suite 9", "Software"),
    ("pos-t2", "POS Terminal T2", "Hardware"),
    ("printer-ip300", "票据打印机 IP-300", "Hardware"),
]

# name, region, address, phone, contacts [(name, mobile, phone, email, dept)], products, contract (level, months left)
CUSTOMERS = [
    ("北京华联商贸有限公司", "beijing", "北京市海淀区中关村大街18号", "010-6552 9988",
     [("李明", "138 0013 8000", "010-6552 9901", "liming@hualian.example", "财务部")],
     ["invoice-pro", "printer-ip300"], ("premium", 10)),
    ("上海浦江物流有限公司", "shanghai", "上海市浦东新区张江路88号", "021-5080 1234",
     [("王静", "139 1234 5678", "", "wangjing@pujiang.example", "信息部"),
      ("赵强", "137 6543 2100", "021-5080 1200", "", "仓储部")],
     ["erp-suite"], ("standard", 0.6)),  # expires within 30 days (HL-13 "expiring")
    ("Shenzhen Bright Electronics Co., Ltd.", "guangzhou", "12 Keji Road, Nanshan, Shenzhen", "0755-2688 0000",
     [("Jason Huang", "+86 135 0000 1111", "", "jason@bright.example", "IT")],
     ["pos-t2", "invoice-pro"], ("standard", 5)),
    ("成都熊猫食品有限公司", "chengdu", "成都市高新区天府大道1000号", "028-8512 3456",
     [("刘娟", "186 2800 1234", "", "liujuan@panda.example", "财务部")],
     ["invoice-pro"], ("basic", -1)),  # expired a month ago
    ("Guangzhou Pearl River Hospital", "guangzhou", "55 Tianhe Road, Guangzhou", "020-3888 7777",
     [("Dr. Emily Chen", "139 2222 3333", "020-3888 7700", "e.chen@pearl.example", "Administration")],
     ["erp-suite", "printer-ip300"], ("premium", 14)),
    ("北京京西建材集团", "beijing", "北京市门头沟区石龙路3号", "010-6980 1122",
     [("孙涛", "135 1100 2233", "", "", "采购部")],
     ["erp-suite"], ("standard", 0.3)),  # expiring very soon
    ("Shanghai Golden Lotus Hotel", "shanghai", "200 Nanjing West Road, Shanghai", "021-6255 8888",
     [("Grace Lin", "138 1888 6666", "", "grace.lin@goldenlotus.example", "Front office")],
     ["pos-t2", "printer-ip300"], ("standard", 8)),
    ("成都天府软件园管理公司", "chengdu", "成都市高新区天府软件园A区", "028-6868 0000",
     [("陈晨", "133 0808 9090", "028-6868 0011", "chenchen@tfsp.example", "行政部")],
     ["invoice-pro", "erp-suite"], ("premium", 20)),
]

TICKETS = [
    # customer index, subject, type, priority, channel, final state
    (0, "开票系统无法打印发票", TicketType.FAULT, Priority.HIGH, Channel.HOTLINE, "in_progress"),
    (0, "如何导出月度开票明细", TicketType.CONSULTATION, Priority.NORMAL, Channel.HOTLINE, "resolved"),
    (1, "ERP 库存模块报错 ORA-01555", TicketType.BUG, Priority.HIGH, Channel.WEB, "new"),
    (1, "申请重置超级管理员密码", TicketType.PASSWORD_RESET, Priority.NORMAL, Channel.HOTLINE, "in_progress"),
    (2, "POS terminal freezes at checkout", TicketType.FAULT, Priority.URGENT, Channel.HOTLINE, "in_progress"),
    (2, "Request: add WeChat Pay to POS", TicketType.CHANGE_REQUEST, Priority.LOW, Channel.MESSAGING, "waiting"),
    (3, "续约前咨询服务内容", TicketType.CONSULTATION, Priority.NORMAL, Channel.HOTLINE, "new"),
    (4, "Duplicate patients after data import", TicketType.DATA_CLEANUP, Priority.HIGH, Channel.REMOTE, "in_progress"),
    (4, "Training for new billing staff", TicketType.TRAINING_REQUEST, Priority.NORMAL, Channel.WEB, "new"),
    (5, "工程师上门态度问题投诉", TicketType.COMPLAINT, Priority.HIGH, Channel.HOTLINE, "in_progress"),
    (6, "Printer IP-300 paper jam every morning", TicketType.FAULT, Priority.NORMAL, Channel.HOTLINE, "resolved"),
    (7, "月结后报表数据不一致", TicketType.BUG, Priority.NORMAL, Channel.REMOTE, "waiting"),
    (7, "新增分公司账套", TicketType.CHANGE_REQUEST, Priority.LOW, Channel.WEB, "closed"),
]


def _add_months(day: datetime.date, months: float) -> datetime.date:
    return day + datetime.timedelta(days=round(months * 30.4))


def seed_demo(*, now, log) -> None:
    today = timezone.localdate(now)
    regions = {
        code: Region.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in REGIONS
    }
    products = {
        code: Product.objects.get_or_create(code=code, defaults={"name": name, "category": category})[0]
        for code, name, category in PRODUCTS
    }
    customers = []
    for index, (name, region, address, phone, contacts, product_codes, contract) in enumerate(CUSTOMERS):
        customer, _ = Customer.objects.get_or_create(
            name=name, defaults={"region": regions[region], "address": address, "phone": phone}
        )
        customers.append(customer)
        for contact_name, mobile, office, email, dept in contacts:
            Contact.objects.get_or_create(
                customer=customer,
                name=contact_name,
                defaults={"mobile": mobile, "phone": office, "email": email, "department": dept},
            )
        installations = []
        for position, code in enumerate(product_codes):
            # Looked up by customer and product: a CT-3 renewal changes the serial number, and a
            # second run must not add the installation again (issue 17).
            installation = (
                Installation.objects.filter(customer=customer, product=products[code]).order_by("pk").first()
            ) or Installation.objects.create(
                serial_number=f"{code.upper()}-{2023 + position}-{index + 1:04d}",
                customer=customer,
                product=products[code],
                installed_on=today - datetime.timedelta(days=400 + 30 * index),
            )
            installations.append(installation)
        level, months_left = contract
        end = _add_months(today, months_left)
        service_contract, created = ServiceContract.objects.get_or_create(
            number=f"SC-{index + 1:04d}",
            defaults={
                "customer": customer,
                "level": level,
                "signed_on": end - datetime.timedelta(days=365),
                "start_date": end - datetime.timedelta(days=364),
                "end_date": end,
                "active_users": 150 + 170 * index,
            },
        )
        if created:
            service_contract.installations.set(installations)

    staff = {user.username: user for user in User.objects.filter(username__in=["agent", "agent2", "engineer", "duty"])}
    rng = random.Random(2026)
    created_count = 0
    for index, (customer_index, subject, type_, priority, channel, state) in enumerate(TICKETS):
        customer = customers[customer_index]
        if Ticket.objects.filter(customer=customer, subject=subject).exists():
            continue
        opened = _opened_at(now, index, state, rng)
        agent = staff.get("agent" if index % 2 else "agent2")
        ticket = services.ticket_create(
            customer=customer,
            contact=customer.contacts.first(),
            installation=customer.installations.first(),
            subject=subject,
            description=f"{subject}. 客户来电描述问题，已记录现象与版本信息。",
            type=type_,
            priority=priority,
            channel=channel,
            created_by=agent,
            now=opened,
        )
        _walk_to(ticket, state, actor=agent, engineer=staff.get("engineer"), opened=opened)
        created_count += 1
    log(f"tickets: {len(CUSTOMERS)} customers, {created_count} new demo tickets")


def _opened_at(now, index, state, rng) -> datetime.datetime:
    """Issue 17, OS-8: a healthy desk. Finished tickets are days old; open ones came in today, so
    their clocks run with time left, and the new ones wait less than an hour for someone."""
    if state in ("resolved", "closed"):
        return now - datetime.timedelta(days=len(TICKETS) - index, hours=rng.randint(0, 8))
    if state == "new":
        return now - datetime.timedelta(minutes=10 + 5 * index)
    return now - datetime.timedelta(hours=2 + index, minutes=rng.randint(0, 30))


def _walk_to(ticket, state, *, actor, engineer, opened) -> None:
    step = datetime.timedelta(minutes=45)
    at = opened
    if state == "new":
        return
    services.ticket_assign(ticket=ticket, assignee=engineer if ticket.channel != Channel.HOTLINE else actor, actor=actor, now=at + step)
    at += 2 * step
    services.ticket_transition(ticket=ticket, action="start", actor=actor, now=at)
    if state == "waiting":
        services.ticket_transition(ticket=ticket, action="wait", actor=actor, note="等待客户提供日志 / waiting for logs", now=at + step)
    elif state in ("resolved", "closed"):
        services.ticket_transition(
            ticket=ticket, action="resolve", actor=actor, resolution="已远程处理并验证 / fixed remotely and verified", now=at + step
        )
        if state == "closed":
            services.ticket_transition(ticket=ticket, action="close", actor=actor, now=at + 2 * step)


def settle_demo(*, now, log) -> None:
    """After every app has seeded (issue 17): an open ticket that has waited more than half an hour
    has someone on it, as on a staffed desk. Assigned shortly after it came in, through the service,
    so the OS-8 respond clock is met rather than breached. Ticket types go to the usual people."""
    people = {u.username: u for u in User.objects.filter(username__in=["agent", "duty", "manager", "engineer", "engineer2"])}
    if len(people) < 5:
        return
    waiting = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True, created_at__lte=now - datetime.timedelta(minutes=30))
        .select_related("customer__region")
        .order_by("created_at")
    )
    assigned = 0
    for ticket in waiting:
        services.ticket_assign(
            ticket=ticket,
            assignee=_usual_assignee(ticket, people),
            actor=people["duty"],
            now=min(ticket.created_at + datetime.timedelta(minutes=20), now),
        )
        assigned += 1
    log(f"tickets: {assigned} waiting tickets assigned")


def _usual_assignee(ticket, people):
    if ticket.type == TicketType.COMPLAINT:
        return people["manager"]
    if ticket.type in (TicketType.CONSULTATION, TicketType.PASSWORD_RESET):
        return people["agent"]
    region = ticket.customer.region.code if ticket.customer and ticket.customer.region_id else ""
    return people["engineer2"] if region == "guangzhou" else people["engineer"]
