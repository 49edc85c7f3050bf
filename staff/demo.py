"""Demo staff: users for every role with employee profiles and skills, a week of attendance,
leave, trips, penalty proposals, a locked deduction run and the department fund.

Password for all: see DEMO_PASSWORD. Safe to run again: every record is looked up first.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from tickets.models import Product, Region

from . import services
from .calendars import is_working_day, work_start
from .models import (
    DeductionRun,
    EmployeeProfile,
    EmployeeSkill,
    IncidentKind,
    LeaveRequest,
    PenaltyProposal,
    Skill,
    Team,
    TravelRequest,
    User,
)
from .roles import Role, ensure_role_groups
from .selectors import calendar_load

DEMO_PASSWORD = "demo-pass-2026"

DEMO_USERS = [
    # username, full name, roles, team
    ("admin", "系统管理员 Admin", [Role.ADMIN], None),
    ("agent", "王芳 Wang Fang", [Role.AGENT], "Hotline"),
    ("agent2", "Li Wei 李伟", [Role.AGENT], "Hotline"),
    ("duty", "张伟 Zhang Wei", [Role.DUTY_MANAGER, Role.AGENT], "Hotline"),
    ("manager", "陈静 Chen Jing", [Role.SERVICE_MANAGER], None),
    ("engineer", "刘洋 Liu Yang", [Role.ENGINEER], "Field North"),
    ("engineer2", "Zhao Lei 赵磊", [Role.ENGINEER], "Field South"),
    ("callback", "孙丽 Sun Li", [Role.CALLBACK_SPECIALIST], "Hotline"),
    ("hr", "周敏 Zhou Min", [Role.HR], None),
]


def seed_demo(*, now, log) -> None:
    ensure_role_groups()
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in ("Hotline", "Field North", "Field South")}
    users = {}
    for username, full_name, roles, team in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@servicedesk.example", "team": teams.get(team)},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if Role.ADMIN in roles:
                user.is_staff = True
                user.is_superuser = True
            user.save()
            user.groups.set(Group.objects.filter(name__in=roles))
        users[username] = user
    manager = users["manager"]
    for username in ("agent", "agent2", "duty", "engineer", "engineer2", "callback"):
        User.objects.filter(username=username, manager__isnull=True).update(manager=manager)
    Team.objects.filter(name="Hotline", lead__isnull=True).update(lead=users["duty"])
    log(f"staff: {len(DEMO_USERS)} demo users (password {DEMO_PASSWORD!r})")
    _seed_profiles(users)
    _seed_activity(users, now=now, log=log)


# username: number, level, track, region code, base salary, probation months left (None = confirmed)
PROFILES = {
    "agent": ("SD-1001", "mid", "after_sales", "beijing", "6500", None),
    "agent2": ("SD-1002", "junior", "after_sales", "shanghai", "5200", 2),
    "duty": ("SD-0901", "senior", "after_sales", "beijing", "9000", None),
    "manager": ("SD-0001", "senior", "after_sales", "beijing", "15000", None),
    "engineer": ("SD-2001", "senior", "after_sales", "beijing", "8800", None),
    "engineer2": ("SD-2002", "mid", "remote", "guangzhou", "7600", None),
    "callback": ("SD-3001", "mid", "after_sales", "shanghai", "6000", None),
    "hr": ("HR-0001", "mid", "after_sales", "beijing", "8000", None),
}
# The same codes and names as tickets/demo.py, which runs after this module.
REGIONS = {
    "beijing": "北京分公司 Beijing Branch",
    "shanghai": "上海分公司 Shanghai Branch",
    "guangzhou": "广州分公司 Guangzhou Branch",
}
SKILLS = [
    # name, product code (name, category), ticket type, holders {username: level}
    (
        "开票系统故障 Invoice Pro faults",
        ("invoice-pro", "开票系统 Invoice Pro 7", "Software"),
        "fault",
        {"engineer": 3, "engineer2": 2},
    ),
    ("ERP 数据清理 ERP data clean-up", ("erp-suite", "ERP Suite 9", "Software"), "data_cleanup", {"engineer2": 3}),
    ("POS 终端维修 POS terminal repair", ("pos-t2", "POS Terminal T2", "Hardware"), "fault", {"engineer": 2}),
    ("培训讲师 Trainer", None, "training_request", {"engineer": 1, "agent": 2}),
]


def _seed_profiles(users) -> None:
    today = timezone.localdate()
    for username, (number, level, track, region, salary, probation) in PROFILES.items():
        region_row, _ = Region.objects.get_or_create(code=region, defaults={"name": REGIONS[region]})
        EmployeeProfile.objects.get_or_create(
            user=users[username],
            defaults={
                "employee_number": number,
                "level": level,
                "track": track,
                "region": region_row,
                "base_salary": Decimal(salary),
                "hired_on": today - datetime.timedelta(days=400 if probation is None else 120),
                "probation_ends_on": today + datetime.timedelta(days=30 * probation) if probation else None,
            },
        )
    for name, product, ticket_type, holders in SKILLS:
        product_row = None
        if product:
            code, product_name, category = product
            product_row, _ = Product.objects.get_or_create(
                code=code, defaults={"name": product_name, "category": category}
            )
        skill, _ = Skill.objects.get_or_create(name=name, defaults={"product": product_row, "ticket_type": ticket_type})
        for username, level in holders.items():
            EmployeeSkill.objects.get_or_create(employee=users[username], skill=skill, defaults={"level": level})


def _working_days_before(calendar, today: datetime.date, count: int) -> list[datetime.date]:
    days, day = [], today
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(calendar, day):
            days.append(day)
    return sorted(days)


# Minutes after work start each person signs in on the last five working days (None = nothing).
SIGN_INS = {
    "agent": [-8, -5, -12, -3, -9],
    "agent2": [-2, 4, -6, None, -1],
    "duty": [-20, -18, -25, -15, -22],
    "callback": [-7, -4, -6, -5, 12],
    "engineer2": [-10, -6, -9, -11, -4],
    "manager": [-30, -28, -35, -31, -26],
    "hr": [-5, -3, -8, -2, -6],
}


def _seed_activity(users, *, now, log) -> None:
    if PenaltyProposal.objects.filter(employee__username__in=PROFILES).exists():
        return  # seeded before
    calendar = calendar_load()
    today = timezone.localdate(now)
    days = _working_days_before(calendar, today, 5)
    manager, hr = users["manager"], users["hr"]
    for username, minutes in SIGN_INS.items():
        for day, offset in zip(days, minutes, strict=True):
            if offset is not None:
                services.attendance_sign_in(
                    employee=users[username], now=work_start(calendar, day) + datetime.timedelta(minutes=offset)
                )
    # The field engineer goes straight to customers: notices before work starts, one too late.
    for day, offset in zip(days, [-30, -25, -40, 15, -20], strict=True):
        services.site_visit_notice_give(
            employee=users["engineer"],
            now=work_start(calendar, day) + datetime.timedelta(minutes=offset),
            place="深圳明亮电子 Shenzhen Bright Electronics" if offset < 0 else "北京华信 Beijing Huaxin",
        )
    # Next week's leave: engineer2's waits for HR (4 days), the agent's for the manager.
    if not LeaveRequest.objects.filter(employee=users["engineer2"]).exists():
        start = today + datetime.timedelta(days=7 - today.weekday())
        leave = services.leave_request_submit(
            employee=users["engineer2"],
            kind="annual",
            start_date=start,
            end_date=start + datetime.timedelta(days=3),
            reason="回老家探亲 Visiting family",
            handover="Remote tickets: Zhao Lei → Liu Yang",
            now=now,
        )
        services.leave_request_decide(leave=leave, actor=manager, approve=True, now=now)  # now waits for HR
        services.leave_request_submit(
            employee=users["agent"],
            kind="personal",
            start_date=start,
            end_date=start,
            reason="搬家 Moving house",
            now=now,
        )
    travel_day = days[0]
    if not TravelRequest.objects.filter(employee=users["engineer"]).exists():
        departs = work_start(calendar, travel_day) - datetime.timedelta(hours=1)
        trip = services.travel_request_submit(
            employee=users["engineer"],
            destination="成都分公司 Chengdu Branch",
            purpose="ERP Suite 9 installation and training",
            transport="高铁 High-speed train",
            departs_at=departs - datetime.timedelta(days=2),
            returns_at=departs + datetime.timedelta(hours=10),
            estimated_cost=Decimal("1800"),
            now=departs - datetime.timedelta(days=4),
        )
        services.travel_request_decide(
            travel=trip, actor=manager, approve=True, now=departs - datetime.timedelta(days=3)
        )
        services.expense_claim_submit(
            travel=trip,
            employee=users["engineer"],
            departed_at=trip.departs_at,
            returned_at=trip.returns_at,
            lodging_invoiced=Decimal("260"),
            transport_amount=Decimal("1036"),
            local_transport_amount=Decimal("48"),
            now=trip.returns_at + datetime.timedelta(days=1),
        )
        services.travel_request_submit(
            employee=users["engineer2"],
            destination="广州 Guangzhou",
            purpose="POS Terminal T2 replacement at a key account",
            departs_at=now + datetime.timedelta(days=10),
            returns_at=now + datetime.timedelta(days=11),
            estimated_cost=Decimal("900"),
            now=now,
        )
    for day in days:
        services.attendance_classify_day(day=day, now=now)
    services.attendance_incident_record(
        employee=users["engineer2"],
        kind=IncidentKind.UNREACHABLE,
        occurred_at=work_start(calendar, days[-1]) + datetime.timedelta(hours=3),
        details="客户三次来电未接通 Customer could not reach him three times",
        recorded_by=manager,
    )
    # Last month: one confirmed fine, deducted and paid into the fund; one waived.
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    decided = timezone.make_aware(datetime.datetime.combine(month + datetime.timedelta(days=20), datetime.time(15)))
    late = PenaltyProposal.objects.filter(employee=users["agent2"], status="proposed").first()
    if late is not None:
        services.penalty_statement_add(
            proposal=late, employee=users["agent2"], statement="地铁故障 Metro breakdown", now=now
        )
    meeting, _ = services.attendance_incident_record(
        employee=users["callback"],
        kind=IncidentKind.MEETING_LATE,
        occurred_at=decided - datetime.timedelta(days=1),
        details="周例会迟到 15 分钟 15 minutes late for the weekly meeting",
        recorded_by=manager,
    )
    fine = PenaltyProposal.objects.get(**PenaltyProposal.source_key(meeting))
    services.penalty_confirm(proposal=fine, amount=fine.rule.amount_min, actor=manager, now=decided)
    if not DeductionRun.objects.filter(month=month).exists():
        run = services.deduction_run_prepare(month=month, actor=hr, now=decided + datetime.timedelta(days=12))
        services.deduction_run_export(run=run, actor=hr, now=decided + datetime.timedelta(days=12))
    services.assessment_record(
        employee=users["agent2"],
        kind="probation",
        assessed_on=today - datetime.timedelta(days=3),
        score=Decimal("82"),
        outcome="passed",
        assessor=manager,
        comments="服务态度好,产品知识需加强 Good attitude; product knowledge to improve",
        now=now,
    )
    log("staff: profiles, skills, a week of attendance, leave, travel, penalties, payroll and fund")
