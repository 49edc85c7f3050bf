"""Demo SLA data: an office-hours policy for basic contracts, tickets whose clocks are due within the
hour or breached today, HL-7 call-backs counting down, and CT-2 reminders for the expiring demo
contracts. Runs after the tickets demo (INSTALLED_APPS order); safe to run again."""

import datetime

from staff.models import User
from staff.selectors import work_calendar_default
from tickets import services as ticket_services
from tickets.models import Customer, Ticket
from tickets.models.tickets import Priority

from . import services
from .models import ClockKind, SLAPolicy, SLATarget

MINUTES = {
    ClockKind.RESPOND: (120, 240),
    ClockKind.DISPATCH: (480, None),
    ClockKind.ONSITE_ARRANGEMENT: (1440, None),
    ClockKind.ARRIVE: (1440, None),
    ClockKind.RESOLVE: (2880, None),
    ClockKind.DM_CALLBACK: (60, None),
}

# customer name, subject, opened minutes ago, priority, HL-7 call-back started minutes ago
TICKETS = [
    ("北京华联商贸有限公司", "发票打印机每张都卡纸", 95, Priority.HIGH, None),
    ("Shanghai Golden Lotus Hotel", "POS terminal rejects every card since this morning", 105, Priority.URGENT, None),
    ("成都天府软件园管理公司", "财务模块月结无法完成，客户要求今天上门", 180, Priority.HIGH, 20),
    (
        "Guangzhou Pearl River Hospital",
        "Billing server down, customer asks for a visit tomorrow",
        50,
        Priority.URGENT,
        50,
    ),
]


def seed_demo(*, now, log) -> None:
    calendar = work_calendar_default()
    policy, created = SLAPolicy.objects.get_or_create(
        contract_level="basic",
        priority=0,
        defaults={
            "name": "Basic contracts · office hours",
            "work_calendar": calendar,
            "notes": "Demo: basic contracts count office hours; a call outside them is answered within 4 h.",
        },
    )
    if created:
        for kind, (minutes, off_hours) in MINUTES.items():
            SLATarget.objects.create(policy=policy, kind=kind, minutes=minutes, off_hours_minutes=off_hours)
        SLATarget.objects.create(policy=policy, kind=ClockKind.CALLBACK, working_days=1)

    staff = {user.username: user for user in User.objects.filter(username__in=["agent", "duty", "engineer"])}
    opened = 0
    for customer_name, subject, minutes_ago, priority, callback_ago in TICKETS:
        customer = Customer.objects.filter(name=customer_name).first()
        if customer is None or Ticket.objects.filter(customer=customer, subject=subject).exists():
            continue
        ticket = ticket_services.ticket_create(
            customer=customer,
            contact=customer.contacts.first(),
            installation=customer.installations.first(),
            subject=subject,
            description=f"{subject}. 客户来电，已记录故障现象。",
            priority=priority,
            created_by=staff.get("agent"),
            now=now - datetime.timedelta(minutes=minutes_ago),
        )
        if callback_ago is not None:
            services.clock_start(
                ticket=ticket,
                kind=ClockKind.DM_CALLBACK,
                started_at=now - datetime.timedelta(minutes=callback_ago),
                owner=staff.get("duty"),
            )
        opened += 1
    # The sweep runs once in settle_demo, after every app has seeded: sweeping here would breach
    # clocks the later apps' demo data meets in the past (issue 17).
    reminders = services.contract_reminders_create(now=now)
    log(f"sla: {opened} demo tickets with live clocks, {len(reminders)} contract reminders")


def settle_demo(*, now, log) -> None:
    """After the other apps' demo data (issue 17): one sweep at ``now``, as the worker would run at
    start, so warnings and breaches match what the demo actually left open."""
    result = services.sla_sweep(now=now)
    log(f"sla: {len(result.breached)} breaches, {len(result.warned)} warnings after the demo")
