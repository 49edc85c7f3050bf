"""Demo hotline: seats with agents signed in, diagnostic checklists for the demo products, three
weeks of calls with every outcome, a pending HL-7 call-back and open promised call-backs. Walked
through the real services so tickets, clocks and notifications are as in production."""

import datetime
import random

from django.core.exceptions import ValidationError

from hotline.roster.models import Seat
from hotline.roster.services import seat_sign_in
from staff.models import User
from tickets.models import Customer, Product

from . import services
from .models import CallLog, ChecklistItem, DiagnosticChecklist, Outcome

CHECKLISTS = {
    "printer-ip300": ("票据打印机故障排查", ["指示灯是什么颜色？", "最近是否更换过色带或纸卷？", "卡纸发生在第几页？"]),
    "invoice-pro": ("开票系统故障排查", ["报错提示的原文是什么？", "税控盘是否已插好？", "其他电脑能否正常开票？"]),
    "pos-t2": ("POS terminal checks", ["Does the power light come on?", "Is the network cable connected?", "Any error code on screen?"]),
    "erp-suite": ("ERP 故障排查", ["哪个模块出错？", "是所有用户还是个别用户？", "最近是否升级过版本？"]),
}
SEATS = [("8001", "热线 1 号位"), ("8002", "热线 2 号位"), ("8003", "热线 3 号位")]
PROBLEMS = [
    ("票据打印机卡纸，打印第一页后停止。", "指导客户清理进纸通道。"),
    ("开票系统提示“税控盘未连接”。", "重新插拔税控盘并重启服务。"),
    ("Receipt printer prints blank pages.", "Walked the cashier through replacing the ribbon."),
    ("ERP 月结报表导出失败。", "清理临时文件后重新导出成功。"),
    ("忘记管理员密码，无法登录。", "按流程核实身份后重置密码。"),
]


def _checklists(log) -> None:
    for code, (name, questions) in CHECKLISTS.items():
        product = Product.objects.filter(code=code).first()
        if product is None:
            continue
        checklist, created = DiagnosticChecklist.objects.get_or_create(product=product, defaults={"name": name})
        if created:
            for position, question in enumerate(questions, start=1):
                ChecklistItem.objects.create(checklist=checklist, position=position, question=question)
    log(f"hotline: {DiagnosticChecklist.objects.count()} diagnostic checklists")


def _seats(people, now) -> None:
    for number, label in SEATS:
        Seat.objects.get_or_create(number=number, defaults={"label": label})
    for number, username in (("8001", "agent"), ("8002", "agent2")):
        if username in people:
            try:
                seat_sign_in(seat=Seat.objects.get(number=number), user=people[username], now=now - datetime.timedelta(hours=1))
            except ValidationError:
                pass  # someone else sits there already


def _intake(customer, started_at, answered_after, problem):
    contact = customer.contacts.first()
    installation = customer.installations.select_related("product").first()
    return {
        "started_at": started_at,
        "answered_at": started_at + datetime.timedelta(seconds=answered_after),
        "caller_phone": contact.best_phone if contact else customer.phone,
        "organisation": customer.name,
        "customer": customer,
        "contact": contact,
        "installation": installation,
        "problem": problem,
    }


def seed_demo(*, now, log) -> None:
    _checklists(log)
    people = {u.username: u for u in User.objects.filter(username__in=["agent", "agent2", "duty", "engineer"])}
    _seats(people, now)
    if CallLog.objects.exists() or not {"agent", "agent2", "duty"} <= set(people):
        return
    customers = list(Customer.objects.filter(contacts__isnull=False).distinct().order_by("name"))
    if not customers:
        return
    rng = random.Random(3)
    agents = [people["agent"], people["agent2"]]
    # Three weeks of calls solved on the phone, during working hours, most answered within three rings.
    for days_ago in range(21, 0, -1):
        day = (now - datetime.timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
        for _ in range(rng.randint(1, 3)):
            started = day.replace(hour=rng.choice([9, 10, 11, 14, 15, 16])) + datetime.timedelta(minutes=rng.randint(0, 55))
            problem, handling = rng.choice(PROBLEMS)
            services.call_log_submit(
                agent=rng.choice(agents),
                outcome=Outcome.SOLVED,
                intake={**_intake(rng.choice(customers), started, rng.choice([4, 8, 11, 14, 19, 26]), problem), "handling": handling},
                details={"resolution": handling},
                now=started + datetime.timedelta(minutes=rng.randint(3, 9)),
            )
    recent = now - datetime.timedelta(minutes=10)
    # HL-7: a same-day visit demanded ten minutes ago; the duty manager has 50 minutes left.
    services.call_log_submit(
        agent=people["agent"],
        outcome=Outcome.URGENT_VISIT,
        intake=_intake(customers[0], recent, 6, "开票服务器宕机，全部门无法开票。"),
        details={"demands": "今天下午必须有工程师到现场。"},
        now=recent + datetime.timedelta(minutes=2),
    )
    # HL-8: the offered time rejected.
    services.call_log_submit(
        agent=people["agent2"],
        outcome=Outcome.REJECTED_TIME,
        intake=_intake(customers[1 % len(customers)], now - datetime.timedelta(hours=2), 9, "ERP 服务器磁盘告警。"),
        details={"demands": "只接受周六上午，需要高级工程师。"},
        now=now - datetime.timedelta(hours=2) + datetime.timedelta(minutes=4),
    )
    # HL-11: promised call-backs, one due soon and one later.
    for hours, owner, customer in ((1, people["agent"], customers[2 % len(customers)]), (5, people["agent2"], customers[3 % len(customers)])):
        started = now - datetime.timedelta(minutes=30)
        services.call_log_submit(
            agent=people["agent"],
            outcome=Outcome.CALLBACK,
            intake=_intake(customer, started, 12, "打印模板偶尔错位，需要复现。"),
            details={"callback_owner": owner, "callback_due_at": now + datetime.timedelta(hours=hours), "callback_note": "在测试环境复现模板错位并回电。"},
            now=started + datetime.timedelta(minutes=5),
        )
    # HL-10: a complaint.
    started = now - datetime.timedelta(hours=5)
    services.call_log_submit(
        agent=people["agent2"],
        outcome=Outcome.COMPLAINT,
        intake=_intake(customers[-1], started, 31, "投诉上门工程师迟到。"),
        details={"complaint_about": "上门工程师（合作伙伴）", "complaint_text": "约好上午九点，工程师十一点才到，也没有提前通知。"},
        now=started + datetime.timedelta(minutes=6),
    )
    log(f"hotline: {CallLog.objects.count()} calls")
