"""Demo callbacks, survey answers over the last six months (so the satisfaction chart shows a trend)
and complaints at every step, all walked through the real services."""

import datetime
import random

from staff.models import User
from tickets import services as ticket_services
from tickets.models import Customer

from . import services
from .models import Callback, ResponseVia, SurveyResponse

# Months back, answers per month, share satisfied (per cent): a trend around the 85 % target.
HISTORY = [(5, 6, 70), (4, 7, 80), (3, 7, 86), (2, 8, 88), (1, 8, 90)]
COMPLAINTS = [
    ("服务态度差，工程师电话里不耐烦", "客户投诉工程师通话时态度生硬。", "received"),
    ("Service partner arrived three hours late", "The regional partner was three hours late for the visit.", "verified"),
    ("开票软件升级后打印格式错乱", "升级到 5.2 后发票打印格式错位，怀疑产品缺陷。", "decided"),
    ("Engineer left without finishing the job", "The engineer left the site before the printer worked.", "answered"),
]


def seed_demo(*, now, log) -> None:
    if SurveyResponse.objects.exists():  # the demo answers surveys; nothing else does
        return
    people = {u.username: u for u in User.objects.filter(username__in=["agent", "manager", "engineer", "engineer2", "callback", "duty"])}
    customers = list(Customer.objects.prefetch_related("contacts").order_by("id")[:6])
    if len(people) < 6 or not customers:
        log("care: demo users or customers missing, no callbacks")
        return
    rng = random.Random(6)
    answered = _history(now=now, people=people, customers=customers, rng=rng)
    due = _due(now=now, people=people, customers=customers)
    _complaints(now=now, people=people, customers=customers)
    log(f"care: {answered} answered surveys, {due} callbacks to make, {len(COMPLAINTS)} complaints")


def _resolved(*, customer, people, engineer, at, index=0):
    ticket = ticket_services.ticket_create(
        customer=customer, contact=customer.contacts.first(), subject=f"发票打印问题 Invoice printing problem #{index}",
        description="打印机卡纸，电话指导后解决。",
        created_by=people["agent"], assignee=engineer, now=at,
    )  # fmt: skip
    return ticket_services.ticket_transition(
        ticket=ticket, action="resolve", actor=engineer, resolution="清洁进纸器后恢复正常。", now=at + datetime.timedelta(hours=1)
    )


def _history(*, now, people, customers, rng) -> int:
    count, index = 0, 0
    engineers = [people["engineer"], people["engineer2"]]
    for months_back, per_month, share in HISTORY:
        for n in range(per_month):
            at = now - datetime.timedelta(days=30 * months_back - n * 2, hours=3)
            index += 1
            ticket = _resolved(customer=customers[index % len(customers)], people=people, engineer=engineers[n % 2], at=at, index=index)
            callback = Callback.objects.filter(ticket=ticket).first()
            if callback is None:
                continue
            satisfied = rng.randrange(100) < share
            answers = {}
            for question in callback.template.questions.all():
                if question.is_overall:
                    answers[question.pk] = rng.choice([4, 5]) if satisfied else rng.choice([2, 3])
                elif question.is_resolution:
                    answers[question.pk] = "yes"
                elif question.kind == "scale":
                    answers[question.pk] = rng.choice([3, 4, 5])
                else:
                    answers[question.pk] = "" if satisfied else "希望响应再快一些"
            services.survey_answer_record(
                callback=callback, answers=answers, via=ResponseVia.PHONE if n % 3 else ResponseVia.ONLINE,
                actor=None if n % 3 == 0 else people["callback"], now=at + datetime.timedelta(days=1),
            )  # fmt: skip
            count += 1
    return count


def _due(*, now, people, customers) -> int:
    """Callbacks due today and overdue, one unreachable once."""
    made = 0
    for days_ago in (1, 1, 3, 6):
        at = now - datetime.timedelta(days=days_ago)
        ticket = _resolved(customer=customers[made % len(customers)], people=people, engineer=people["engineer"], at=at, index=100 + made)
        callback = Callback.objects.filter(ticket=ticket).first()
        if callback is not None and days_ago == 3:
            services.callback_attempt_record(callback=callback, actor=people["callback"], reached=False, note="无人接听", now=now - datetime.timedelta(days=1))
        made += 1
    return made


def _complaints(*, now, people, customers) -> None:
    boss = people["manager"]
    for index, (subject, description, stage) in enumerate(COMPLAINTS):
        at = now - datetime.timedelta(days=2 + index * 2)
        customer = customers[index % len(customers)]
        ticket = ticket_services.ticket_create(
            customer=customer, contact=customer.contacts.first(), subject=subject, description=description,
            type="complaint", created_by=people["agent"], now=at,
        )  # fmt: skip
        complaint = ticket.complaint
        if stage == "received":
            continue
        step = at + datetime.timedelta(hours=4)
        if index == 1:
            services.complaint_verify(
                complaint=complaint, actor=boss, route="partner", partner_name="华东服务商 East China Partner",
                verification="Partner confirmed the delay: the engineer was on another job.", now=step,
            )  # fmt: skip
        elif index == 2:
            services.complaint_verify(complaint=complaint, actor=boss, route="product", vendor_reference="VEN-2026-0415", now=step)
        else:
            services.complaint_verify(
                complaint=complaint, actor=boss, route="employee", employee=people["engineer2"],
                verification="The engineer confirmed he left early.", now=step,
            )  # fmt: skip
        if stage == "verified":
            continue
        services.complaint_decide(complaint=complaint, actor=boss, confirmed=True, reasons="核实属实 Verified as true.", now=step + datetime.timedelta(hours=1))
        if stage == "decided":
            continue
        services.complaint_answer(
            complaint=complaint, actor=boss, answer="We apologised and sent another engineer the next day.",
            plan="Re-visit on the next working day; engineer briefed on finishing checks.", now=step + datetime.timedelta(hours=2),
        )  # fmt: skip

