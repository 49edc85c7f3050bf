"""Demo callbacks, survey answers over the last six months (so the satisfaction chart shows a trend)
and complaints at every step, all walked through the real services."""

import datetime
import random

from django.utils import timezone

from staff.models import User
from tickets import services as ticket_services
from tickets.models import Customer

from . import services
from .models import Callback, CallbackStatus, ResponseVia, SurveyResponse

# Months back, answers per month, share satisfied (per cent): a trend up to about 90 %, above the
# 85 % target (CB-5, issue 17: the demo shows a healthy centre).
HISTORY = [(5, 6, 84), (4, 7, 88), (3, 7, 90), (2, 8, 92), (1, 8, 92)]
# Callbacks left open for today (CB-1): a few to make, not a backlog.
OPEN_TODAY = 3
SATISFIED_SHARE = 92
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
            _answer(callback, people=people, satisfied=rng.randrange(100) < share, phone=bool(n % 3), rng=rng,
                    at=at + datetime.timedelta(days=1))  # fmt: skip
            count += 1
    return count


def _answer(callback, *, people, satisfied, phone, rng, at) -> None:
    """CB-1, CB-5: a phone callback reaches the customer (one attempt) and records the answers; an
    online answer comes from the survey link."""
    answers = {}
    for question in callback.template.questions.all():
        if question.is_overall:
            answers[question.pk] = rng.choice([4, 5]) if satisfied else rng.choice([2, 3])
        elif question.is_resolution or question.kind == "yes_no":
            answers[question.pk] = "yes"
        elif question.kind == "scale":
            answers[question.pk] = rng.choice([4, 5]) if satisfied else rng.choice([3, 4])
        else:
            answers[question.pk] = "" if satisfied else "希望响应再快一些"
    if phone:
        services.callback_attempt_record(callback=callback, actor=people["callback"], reached=True, now=at)
    services.survey_answer_record(
        callback=callback, answers=answers, via=ResponseVia.PHONE if phone else ResponseVia.ONLINE,
        actor=people["callback"] if phone else None, now=at + datetime.timedelta(minutes=5),
    )  # fmt: skip


def _due(*, now, people, customers) -> int:
    """Callbacks due today, one of them tried once without reaching anyone."""
    made = 0
    for days_ago in (1, 1, 3):
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
        # Came in since yesterday (issue 17): the OS-8 clocks run with time left.
        at = now - datetime.timedelta(hours=6 + index * 8)
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



def settle_demo(*, now, log) -> None:
    """After every app has seeded (issue 17, CB-1): the callback specialist keeps up. Every callback
    that fell due before today was made on its day (one attempt, answers recorded); today's queue
    keeps the OPEN_TODAY most recent, the rest were made this morning. At most one overdue callback
    stays, and only one already tried (unreachable)."""
    callback_user = User.objects.filter(username="callback").first()
    if callback_user is None:
        return
    people = {"callback": callback_user}
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    rng = random.Random(17)
    queue = list(
        Callback.objects.filter(status=CallbackStatus.OPEN, due_date__lte=today)
        .select_related("template")
        .order_by("-arrived_at", "-id")
    )
    kept_today = [c.pk for c in queue if c.due_date == today][:OPEN_TODAY]
    tried = next((c.pk for c in queue if c.due_date < today and c.attempts), None)
    made = 0
    for callback in queue:
        if callback.pk in kept_today or callback.pk == tried:
            continue
        at = datetime.datetime.combine(callback.due_date, datetime.time(10, 0), tzinfo=tz)
        at = min(max(at, callback.arrived_at + datetime.timedelta(hours=1)), now - datetime.timedelta(minutes=10))
        _answer(callback, people=people, satisfied=rng.randrange(100) < SATISFIED_SHARE, phone=True, rng=rng, at=at)
        made += 1
    log(f"care: {made} callbacks made on their day, {len(kept_today)} left for today")
