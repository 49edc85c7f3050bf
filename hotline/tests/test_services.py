import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from hotline import services
from hotline.models import (
    CallbackPromise,
    CallLog,
    DutyRequest,
    DutyRequestKind,
    HotlineEventKind,
    Outcome,
)
from onsite.models import ServiceOrder
from servicedesk.core.models import Notification
from tickets.care.models import Callback
from tickets.models import Contact, Customer, Ticket
from tickets.models.tickets import Status, TicketType
from tickets.sla.models import ClockKind, SLAClock
from tickets.tests.factories import RegionFactory

from .factories import (
    NOW,
    SHANGHAI,
    agent_user,
    checklist_for,
    duty_manager,
    intake_for,
    known_caller,
)

pytestmark = pytest.mark.django_db


def submit(agent, caller, outcome, now=NOW, link_ticket=None, **details):
    return services.call_log_submit(
        agent=agent, outcome=outcome, intake=intake_for(caller), details=details, link_ticket=link_ticket, now=now
    )


def test_hl1_solved_call_is_logged_with_every_field_and_resolves_its_ticket():
    agent, caller = agent_user(), known_caller()
    checklist = checklist_for(caller["product"])
    answers = [{"question": "打印机指示灯是什么颜色？", "answer": "红灯闪烁"}, {"question": "最近是否更换过色带？", "answer": ""}]
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.SOLVED,
        intake=intake_for(caller, checklist=checklist, checklist_answers=answers, handling="指导客户重新装纸"),
        details={"resolution": "重新装纸后打印正常。"},
        now=NOW + datetime.timedelta(minutes=3),
    )
    assert call.outcome == Outcome.SOLVED and call.logged_by == agent
    assert call.organisation == "北京华联商贸有限公司"
    assert call.address == caller["installation"].address
    assert call.contact_name == "李明" and call.region.name == "北京分公司"
    assert call.caller_phone_normalized == "13800138000"
    assert call.checklist_answers == [answers[0]]  # HL-12: unanswered questions are not stored
    assert call.ended_at == NOW + datetime.timedelta(minutes=3)
    ticket = call.ticket
    assert ticket.status == Status.RESOLVED and ticket.resolution == "重新装纸后打印正常。"
    assert ticket.created_at == NOW and ticket.channel == "hotline"
    assert ticket.events.filter(kind=HotlineEventKind.CALL_LOGGED, data__call=call.pk).exists()
    assert call.history.count() >= 2
    # CB-1: the resolved hotline ticket is a service feedback: a callback the next working day.
    callback = Callback.objects.get(ticket=ticket)
    assert callback.channel == "hotline" and callback.due_date == datetime.date(2026, 3, 11)


def test_hl1_unknown_caller_creates_customer_and_contact():
    agent = agent_user()
    region = RegionFactory(code="chengdu", name="成都分公司")
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.SOLVED,
        intake={
            "started_at": NOW,
            "caller_phone": "+86 139 1234 5678",
            "organisation": "成都天府软件园管理公司",
            "contact_name": "张伟",
            "region": region,
            "address": "成都市高新区天府大道 1 号",
            "problem": "不会设置打印模板",
        },
        details={"resolution": "电话指导设置模板"},
        now=NOW,
    )
    customer = Customer.objects.get(name="成都天府软件园管理公司")
    contact = Contact.objects.get(customer=customer)
    assert call.customer == customer and call.contact == contact
    assert contact.name == "张伟" and contact.mobile_normalized == "13912345678"
    assert customer.region == region and call.contract_state == "none"


def test_hl1_missing_organisation_and_bad_outcome_fields_are_refused_and_nothing_is_saved():
    agent = agent_user()
    with pytest.raises(ValidationError) as exc:
        services.call_log_submit(
            agent=agent,
            outcome=Outcome.SOLVED,
            intake={"started_at": NOW, "caller_phone": "138 0013 8000", "organisation": "", "problem": "x"},
            details={"resolution": "ok"},
            now=NOW,
        )
    assert "organisation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        submit(agent, known_caller(), Outcome.CALLBACK)
    assert set(exc.value.message_dict) == {"callback_owner", "callback_due_at", "callback_note"}
    assert not CallLog.objects.exists() and not Ticket.objects.exists()


def test_link_to_open_ticket_of_same_customer_instead_of_a_new_one():
    agent, caller = agent_user(), known_caller()
    first = submit(agent, caller, Outcome.URGENT_VISIT, demands="今天下午必须上门")
    second = submit(agent, caller, Outcome.REJECTED_TIME, link_ticket=first.ticket, now=NOW + datetime.timedelta(hours=2),
                    demands="只能周六上午")  # fmt: skip
    assert second.ticket == first.ticket and Ticket.objects.count() == 1
    stranger = Ticket.objects.create(
        number="SD-2026-999999", customer=Customer.objects.create(name="Other Co"), subject="x", description="y",
        created_by=agent,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        submit(agent, caller, Outcome.URGENT_VISIT, link_ticket=stranger, demands="x")
    assert "link_ticket" in exc.value.message_dict


def test_hl6_unsolved_call_needs_dispatch_within_24h_and_offer_within_3_days():
    agent, caller = agent_user(), known_caller(contract_end=datetime.date(2026, 3, 31))
    with time_machine.travel(NOW, tick=False):
        call = submit(
            agent,
            caller,
            Outcome.ONSITE,
            now=NOW + datetime.timedelta(minutes=4),
            agreed_start=datetime.datetime(2026, 3, 12, 14, 0, tzinfo=SHANGHAI),
            agreed_end=datetime.datetime(2026, 3, 12, 16, 0, tzinfo=SHANGHAI),
        )
    order = ServiceOrder.objects.get(ticket=call.ticket)
    # The offered date is the agreed window's first day (HL-6), not typed a second time.
    assert order.offered_by == datetime.date(2026, 3, 12) and order.requested_by == agent
    assert order.agreed_start.hour == 6 and order.agreed_end.hour == 8  # 14:00-16:00 Shanghai in UTC
    clock = SLAClock.objects.get(ticket=call.ticket, kind=ClockKind.ONSITE_ARRANGEMENT)
    assert clock.started_at == NOW and clock.due_at == NOW + datetime.timedelta(hours=24)
    assert SLAClock.objects.filter(ticket=call.ticket, kind=ClockKind.DISPATCH).exists()
    # HL-13: the contract end date is recorded with the visit request (and it is expiring).
    assert call.contract_end_date == datetime.date(2026, 3, 31) and call.contract_state == "expiring"


def test_hl6_offer_more_than_3_days_after_the_call_is_refused():
    agent, caller = agent_user(), known_caller()
    with pytest.raises(ValidationError) as exc:
        submit(
            agent,
            caller,
            Outcome.ONSITE,
            agreed_start=datetime.datetime(2026, 3, 14, 9, 0, tzinfo=SHANGHAI),
            agreed_end=datetime.datetime(2026, 3, 14, 11, 0, tzinfo=SHANGHAI),
        )
    assert "agreed_start" in exc.value.message_dict
    assert not ServiceOrder.objects.exists() and not CallLog.objects.exists()


def test_hl6_clock_counts_from_the_call_when_the_call_joins_an_older_ticket():
    agent, caller = agent_user(), known_caller()
    first = submit(agent, caller, Outcome.REJECTED_TIME, demands="下周再说", now=NOW - datetime.timedelta(hours=30))
    later = NOW
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.ONSITE,
        intake=intake_for(caller, started_at=later),
        details={
            "agreed_start": datetime.datetime(2026, 3, 11, 9, 0, tzinfo=SHANGHAI),
            "agreed_end": datetime.datetime(2026, 3, 11, 11, 0, tzinfo=SHANGHAI),
        },
        link_ticket=first.ticket,
        now=later,
    )
    clock = SLAClock.objects.get(ticket=call.ticket, kind=ClockKind.ONSITE_ARRANGEMENT)
    assert clock.started_at == later


def test_hl7_same_day_visit_goes_to_duty_manager_with_1_hour_deadline_and_notification():
    agent, caller = agent_user(), known_caller()
    duty = duty_manager(username="duty")
    with time_machine.travel(NOW, tick=False):
        call = submit(agent, caller, Outcome.URGENT_VISIT, demands="今天下午必须有工程师上门")
    request = DutyRequest.objects.get(call=call)
    assert request.kind == DutyRequestKind.URGENT_VISIT
    assert request.due_at == NOW + datetime.timedelta(hours=1)
    clock = SLAClock.objects.get(ticket=call.ticket, kind=ClockKind.DM_CALLBACK)
    assert clock.due_at == NOW + datetime.timedelta(hours=1) and clock.owner == duty
    note = Notification.objects.get(recipient=duty)
    assert "北京华联商贸有限公司" in note.title and note.body == "今天下午必须有工程师上门"
    assert not Notification.objects.filter(recipient=agent).exists()
    # The duty manager phones back 40 minutes later: the clock is met.
    services.duty_request_complete(request=request, actor=duty, result="已安排下午两点上门", now=NOW + datetime.timedelta(minutes=40))
    clock.refresh_from_db()
    request.refresh_from_db()
    assert clock.met_at == NOW + datetime.timedelta(minutes=40) and request.done_by == duty
    assert call.ticket.events.filter(kind=HotlineEventKind.DUTY_CALLED).count() == 1
    # Recording twice changes nothing.
    services.duty_request_complete(request=request, actor=duty, result="again", now=NOW + datetime.timedelta(minutes=50))
    request.refresh_from_db()
    assert request.result == "已安排下午两点上门"


def test_hl8_rejected_time_goes_to_duty_manager_without_1_hour_clock():
    agent, caller = agent_user(), known_caller()
    duty = duty_manager()
    call = submit(agent, caller, Outcome.REJECTED_TIME, demands="只接受周六上午，需要高级工程师")
    request = DutyRequest.objects.get(call=call)
    assert request.kind == DutyRequestKind.REJECTED_TIME and request.due_at is None
    assert not SLAClock.objects.filter(ticket=call.ticket, kind=ClockKind.DM_CALLBACK).exists()
    assert Notification.objects.filter(recipient=duty).count() == 1
    with pytest.raises(ValidationError):
        services.duty_request_complete(request=request, actor=duty, result=" ", now=NOW)


def test_hl10_complaint_call_creates_a_complaint_ticket_saying_who_it_is_about():
    agent, caller = agent_user(), known_caller()
    call = submit(agent, caller, Outcome.COMPLAINT, complaint_about="合作伙伴 华信服务 工程师王强", complaint_text="工程师态度恶劣，迟到两小时。")
    ticket = call.ticket
    assert ticket.type == TicketType.COMPLAINT and ticket.channel == "hotline"
    assert "华信服务" in ticket.description and "迟到两小时" in ticket.description
    assert ticket.status == Status.NEW
    # HL-10, CB-6: the complaint workflow (verify, decide, answer, callback) attaches itself at once.
    assert ticket.complaint.due_date > NOW.date()


def test_hl10_complaint_cannot_be_linked_to_another_ticket():
    agent, caller = agent_user(), known_caller()
    first = submit(agent, caller, Outcome.REJECTED_TIME, demands="x")
    with pytest.raises(ValidationError):
        submit(agent, caller, Outcome.COMPLAINT, link_ticket=first.ticket, complaint_about="a", complaint_text="b")


def test_hl11_promised_callback_stays_in_owners_queue_until_done():
    agent, caller = agent_user(), known_caller()
    owner = agent_user(username="senior")
    due = NOW + datetime.timedelta(hours=4)
    call = submit(agent, caller, Outcome.CALLBACK, callback_owner=owner, callback_due_at=due, callback_note="在测试机上复现卡纸")
    promise = CallbackPromise.objects.get(call=call)
    assert promise.owner == owner and promise.due_at == due and promise.done_at is None
    assert call.ticket.status == Status.NEW
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert not promise.is_overdue(NOW + datetime.timedelta(hours=3)) and promise.is_overdue(due + datetime.timedelta(seconds=1))
    services.callback_promise_done(promise=promise, actor=owner, result="已复现，更换进纸轮后正常", now=due + datetime.timedelta(minutes=5))
    promise.refresh_from_db()
    assert promise.done_at is not None
    event = call.ticket.events.get(kind=HotlineEventKind.CALLBACK_DONE)
    assert event.data == {"late": True}


def test_hl11_callback_in_the_past_is_refused():
    agent, caller = agent_user(), known_caller()
    with pytest.raises(ValidationError) as exc:
        submit(agent, caller, Outcome.CALLBACK, callback_owner=agent, callback_due_at=NOW, callback_note="x")
    assert "callback_due_at" in exc.value.message_dict


def test_hl13_contract_expiring_vs_expired_boundary_is_recorded():
    agent = agent_user()
    # 30 days left on the day of the call: expiring (the warning setting is 30 days).
    caller = known_caller(contract_end=datetime.date(2026, 4, 9))
    call = submit(agent, caller, Outcome.SOLVED, resolution="ok")
    assert call.contract_state == "expiring" and call.contract_end_date == datetime.date(2026, 4, 9)
    # Ended the day before the call: expired.
    caller["contract"].end_date = datetime.date(2026, 3, 9)
    caller["contract"].save()
    call = submit(agent, caller, Outcome.SOLVED, resolution="ok")
    assert call.contract_state == "expired" and call.contract_end_date == datetime.date(2026, 3, 9)
    # Ends on the day of the call: still inside the contract, expiring.
    caller["contract"].end_date = datetime.date(2026, 3, 10)
    caller["contract"].save()
    assert submit(agent, caller, Outcome.SOLVED, resolution="ok").contract_state == "expiring"


def test_hl13_contract_31_days_left_is_valid():
    call = submit(agent_user(), known_caller(contract_end=datetime.date(2026, 4, 10)), Outcome.SOLVED, resolution="ok")
    assert call.contract_state == "valid"


def test_hl14_forbidden_phrase_in_notes_is_flagged_on_the_call():
    agent, caller = agent_user(), known_caller()
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.SOLVED,
        intake=intake_for(caller, handling="我也不 知道为什么，重启后好了"),
        details={"resolution": "重启"},
        now=NOW,
    )
    assert call.flagged_phrases == ["不知道"]


def test_hl5_ring_seconds_from_answer_time():
    agent, caller = agent_user(), known_caller()
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.SOLVED,
        intake=intake_for(caller, answered_at=NOW + datetime.timedelta(seconds=12)),
        details={"resolution": "ok"},
        now=NOW,
    )
    assert call.ring_seconds == 12
