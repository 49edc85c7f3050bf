"""Callbacks from each source (CB-1, CB-2, TR-4), surveys (CB-3, CB-5), tokens, complaints (HL-10, CB-6,
ST-6, ST-7): state, events and SLA clocks, with frozen time."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageKind, MessageTemplate
from servicedesk.notify.services import DELIVER_TOPIC
from staff.models import CalendarDay, ConfirmedComplaint, PenaltyProposal, WorkCalendar
from staff.roles import Role
from tickets import services as ticket_services
from tickets.care import services
from tickets.care.models import (
    Callback,
    CallbackAttempt,
    CallbackStatus,
    Complaint,
    ComplaintStatus,
    SurveyResponse,
)
from tickets.models import Ticket, TicketEvent
from tickets.sla.models import SLAClock

from .factories import NOW, SHANGHAI, answers, callback, complaint, manager, resolved_ticket, ticket, user

pytestmark = pytest.mark.django_db


def clock(ticket_obj, kind="callback"):
    return SLAClock.objects.get(ticket=ticket_obj, kind=kind)


# --- CB-1: callbacks from each source -----------------------------------------------------------------


def test_cb1_resolved_hotline_ticket_gets_one_callback_the_working_day_after():
    resolved = resolved_ticket()
    cb = Callback.objects.get(ticket=resolved)
    assert (cb.channel, cb.source, cb.status) == ("hotline", "ticket", "open")
    assert cb.due_date == datetime.date(2026, 3, 11)
    assert cb.engineer == resolved.assignee and cb.contact == resolved.contact
    assert clock(resolved).is_open  # CB-1 clock shows on the SLA board and breaches through the sweep
    assert resolved.events.order_by("-id").first().kind == "status"  # the hook adds no timeline line


def test_cb1_friday_feedback_is_called_back_on_monday():
    friday = datetime.datetime(2026, 3, 13, 17, 30, tzinfo=SHANGHAI)
    assert callback(now=friday).due_date == datetime.date(2026, 3, 16)


def test_cb1_holiday_in_the_default_calendar_moves_the_callback():
    calendar = WorkCalendar.objects.get(is_default=True)
    CalendarDay.objects.create(calendar=calendar, date=datetime.date(2026, 3, 11), kind="holiday", name="test")
    assert callback().due_date == datetime.date(2026, 3, 12)


def test_cb1_reopened_and_resolved_again_keeps_one_callback():
    resolved = resolved_ticket()
    engineer = resolved.assignee
    later = NOW + datetime.timedelta(hours=1)
    ticket_services.ticket_transition(ticket=resolved, action="reopen", actor=engineer, note="又坏了", now=later)
    ticket_services.ticket_transition(ticket=resolved, action="resolve", actor=engineer, resolution="换色带", now=later)
    assert Callback.objects.filter(ticket=resolved).count() == 1


def test_cb1_one_callback_per_source_is_enforced_by_the_database():
    cb = callback()
    duplicate = Callback(
        source="ticket", channel="hotline", ticket=cb.ticket, customer=cb.customer, template=cb.template,
        arrived_at=NOW, due_date=cb.due_date,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_cb1_hook_twice_returns_the_same_callback():
    cb = callback()
    assert services.callback_for_ticket(ticket=cb.ticket, now=NOW) == cb
    assert Callback.objects.count() == 1


def test_cb1_remote_ticket_resolved_then_closed_gets_one_remote_callback():
    resolved = resolved_ticket(channel="remote")
    ticket_services.ticket_transition(ticket=resolved, action="close", actor=resolved.assignee, now=NOW)
    assert list(Callback.objects.filter(ticket=resolved).values_list("channel", flat=True)) == ["remote"]


def test_cb1_closed_hotline_ticket_does_not_get_a_second_callback():
    resolved = resolved_ticket()
    ticket_services.ticket_transition(ticket=resolved, action="close", actor=resolved.assignee, now=NOW)
    assert Callback.objects.filter(ticket=resolved).count() == 1


def test_cb1_os10_signed_onsite_order_gets_an_onsite_callback_not_a_hotline_one():
    from onsite.models import OrderStatus
    from onsite.tests.factories import order_at

    order = order_at(OrderStatus.SIGNED)
    callbacks = list(Callback.objects.filter(ticket=order.ticket))
    assert [(c.channel, c.source, c.service_order_id, c.engineer_id) for c in callbacks] == [
        ("onsite", "service_order", order.pk, order.engineer_id)
    ]
    assert clock(order.ticket).is_open


def test_tr4_quality_check_creates_a_training_survey_callback():
    from training import services as training_services
    from training.tests.factories import started_plan

    plan = started_plan()
    supervisor = manager()
    training_services.plan_quality_check(plan=plan, actor=supervisor, notes="讲解清楚，节奏合适", now=NOW)
    cb = Callback.objects.get(training_plan=plan)
    assert (cb.channel, cb.template.code, cb.engineer) == ("training", "training-quality", plan.instructor)
    assert cb.ticket is None


def test_cb2_complaint_ticket_resolution_does_not_create_a_ticket_callback():
    opened = ticket(type="complaint", assignee=user(Role.AGENT))
    ticket_services.ticket_transition(ticket=opened, action="resolve", actor=opened.assignee, resolution="已处理", now=NOW)
    assert not Callback.objects.exists()


# --- Attempts and surveys ----------------------------------------------------------------------------


def test_cb1_unreachable_attempt_keeps_the_callback_in_the_queue():
    cb = callback()
    specialist = user(Role.CALLBACK_SPECIALIST)
    services.callback_attempt_record(callback=cb, actor=specialist, reached=False, note="无人接听", now=NOW)
    services.callback_attempt_record(callback=cb, actor=specialist, reached=False, now=NOW + datetime.timedelta(hours=2))
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.OPEN and cb.attempts == 2
    assert cb.last_attempt_at == NOW + datetime.timedelta(hours=2)
    assert CallbackAttempt.objects.filter(callback=cb, outcome="unreachable").count() == 2
    assert TicketEvent.objects.filter(ticket=cb.ticket, kind="callback_attempt").count() == 2


def test_cb1_cb5_phone_survey_closes_the_callback_and_meets_the_clock():
    cb = callback()
    specialist = user(Role.CALLBACK_SPECIALIST)
    at = NOW + datetime.timedelta(days=1)
    response = services.survey_answer_record(callback=cb, answers=answers(cb, overall=4), via="phone", actor=specialist, now=at)
    cb.refresh_from_db()
    assert (response.satisfied, response.resolved, response.channel, response.engineer) == (True, True, "hotline", cb.engineer)
    assert cb.status == CallbackStatus.DONE and cb.done_at == at
    assert clock(cb.ticket).met_at == at
    assert response.answers.count() == 5
    assert TicketEvent.objects.filter(ticket=cb.ticket, kind="survey_answered").exists()


def test_cb5_rating_below_the_threshold_is_not_satisfied():
    cb = callback()
    response = services.survey_answer_record(callback=cb, answers=answers(cb, overall=3), via="phone", actor=user(), now=NOW)
    assert response.satisfied is False


def test_cb5_threshold_is_data_editable_per_question():
    cb = callback()
    question = cb.template.questions.get(is_overall=True)
    question.satisfied_min = 5
    question.save()
    response = services.survey_answer_record(callback=cb, answers=answers(cb, overall=4), via="phone", actor=user(), now=NOW)
    assert response.satisfied is False


def test_survey_refuses_missing_required_answers_and_out_of_range_ratings():
    cb = callback()
    given = answers(cb)
    overall = cb.template.questions.get(is_overall=True).pk
    with pytest.raises(ValidationError) as missing:
        services.survey_answer_record(callback=cb, answers={**given, overall: ""}, via="phone", actor=user(), now=NOW)
    assert f"q_{overall}" in missing.value.error_dict
    with pytest.raises(ValidationError):
        services.survey_answer_record(callback=cb, answers={**given, overall: 7}, via="phone", actor=user(), now=NOW)
    assert not SurveyResponse.objects.exists()


def test_survey_answered_once_only():
    cb = callback()
    services.survey_answer_record(callback=cb, answers=answers(cb), via="online", now=NOW)
    with pytest.raises(ValidationError):
        services.survey_answer_record(callback=cb, answers=answers(cb), via="phone", actor=user(), now=NOW)
    assert SurveyResponse.objects.count() == 1


def test_cb3_not_solved_escalates_to_the_least_loaded_service_manager_exactly_once():
    busy, free = manager(username="busy_sm"), manager(username="free_sm")
    ticket(assignee=busy)  # busy has one open ticket
    cb = callback()
    services.survey_answer_record(callback=cb, answers=answers(cb, solved=False), via="online", now=NOW)
    cb.refresh_from_db()
    escalation = cb.escalation_ticket
    assert escalation is not None and escalation.assignee == free
    assert escalation.customer == cb.customer and escalation.priority == 3
    assert Notification.objects.filter(recipient=free, key=f"care-escalation-{cb.pk}").count() == 1
    assert TicketEvent.objects.filter(ticket=cb.ticket, kind="callback_escalated").count() == 1
    again = services.callback_escalate(callback=cb, now=NOW)
    assert again == escalation
    assert Ticket.objects.filter(subject__contains=cb.ticket.number).count() == 1


def test_cb3_solved_answer_does_not_escalate():
    manager()
    cb = callback()
    services.survey_answer_record(callback=cb, answers=answers(cb, solved=True, overall=2), via="online", now=NOW)
    cb.refresh_from_db()
    assert cb.escalation_ticket is None


# --- Public link tokens --------------------------------------------------------------------------------


def test_survey_token_round_trip_and_tampering():
    cb = callback()
    token = services.survey_token_make(callback=cb)
    assert services.survey_token_callback(token=token) == cb
    with pytest.raises(services.SurveyLinkInvalid):
        services.survey_token_callback(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(services.SurveyLinkInvalid):
        services.survey_token_callback(token="not-a-token")


def test_survey_token_expires_after_max_age(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "SURVEY_LINK_MAX_AGE_DAYS": 14}
    cb = callback()
    with time_machine.travel(NOW, tick=False) as traveller:
        token = services.survey_token_make(callback=cb)
        traveller.shift(datetime.timedelta(days=14) - datetime.timedelta(seconds=1))
        assert services.survey_token_callback(token=token) == cb
        traveller.shift(datetime.timedelta(seconds=2))
        with pytest.raises(services.SurveyLinkExpired):
            services.survey_token_callback(token=token)


def survey_messages(cb):
    return CustomerMessage.objects.filter(kind=MessageKind.SURVEY_LINK, key__startswith=f"survey_link:{cb.pk}:")


def test_cb1_survey_link_sent_by_email_to_the_contact():
    cb = callback()
    message = services.survey_link_send(callback=cb, actor=user(Role.CALLBACK_SPECIALIST), now=NOW)
    url = message.params["url"]
    assert (message.key, message.channel, message.recipient) == (f"survey_link:{cb.pk}:1", "email", "wangfang@customer.example")
    assert url in message.body and "/care/survey/" in url
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC, key=f"notify:{message.key}").count() == 1
    assert mail.outbox == []  # delivered by the outbox after commit, not inside the transaction
    outbox.relay(now=NOW)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wangfang@customer.example"]
    assert url in mail.outbox[0].body
    cb.refresh_from_db()
    assert cb.link_sent_at == NOW
    event = TicketEvent.objects.filter(ticket=cb.ticket, data__message=message.pk).get()
    assert event.body == "Survey link sent by E-mail to wangfang@customer.example"


def test_cb1_survey_link_goes_by_sms_to_a_contact_without_email(settings):
    settings.NOTIFY_SMS_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    cb = callback()
    cb.contact.email = ""
    cb.contact.save()
    message = services.survey_link_send(callback=cb, actor=user(), now=NOW)
    assert (message.channel, message.recipient) == ("sms", "139 1234 5678")
    assert message.params == {"name": "王芳", "url": message.params["url"]} and message.params["url"] in message.body
    outbox.relay(now=NOW)
    message.refresh_from_db()
    assert message.status == "sent" and mail.outbox == []
    assert "SMS" in TicketEvent.objects.filter(ticket=cb.ticket, data__message=message.pk).get().body


def test_cb1_survey_link_double_click_is_one_message_a_later_resend_a_new_one():
    cb = callback()
    specialist = user(Role.CALLBACK_SPECIALIST)
    first = services.survey_link_send(callback=cb, actor=specialist, now=NOW)
    twice = services.survey_link_send(callback=cb, actor=specialist, now=NOW + datetime.timedelta(seconds=2))
    assert twice.pk == first.pk and survey_messages(cb).count() == 1
    assert TicketEvent.objects.filter(ticket=cb.ticket, data__message=first.pk).count() == 1
    later = NOW + datetime.timedelta(seconds=services.SURVEY_LINK_REPEAT_SECONDS)
    resent = services.survey_link_send(callback=cb, actor=specialist, now=later)
    assert resent.pk != first.pk and resent.key == f"survey_link:{cb.pk}:2"
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC).count() == 2
    cb.refresh_from_db()
    assert cb.link_sent_at == later


def test_cb1_survey_link_needs_a_reachable_contact():
    cb = callback()
    cb.contact.email, cb.contact.mobile, cb.contact.phone = "", "", "010-6201 1234"
    cb.contact.save()
    with pytest.raises(ValidationError, match="cannot be reached by e-mail, SMS or WeChat"):
        services.survey_link_send(callback=cb, actor=user(), now=NOW)
    assert not survey_messages(cb).exists()


def test_cb1_survey_link_without_an_active_template_is_refused():
    MessageTemplate.objects.filter(kind=MessageKind.SURVEY_LINK, channel="email").update(is_active=False)
    cb = callback()
    with pytest.raises(ValidationError, match="no active E-mail message template"):
        services.survey_link_send(callback=cb, actor=user(), now=NOW)
    cb.refresh_from_db()
    assert cb.link_sent_at is None and not survey_messages(cb).exists()


# --- Complaints ----------------------------------------------------------------------------------------


def test_hl10_cb6_every_complaint_ticket_gets_a_complaint_due_in_n_working_days(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "COMPLAINT_ANSWER_WORKING_DAYS": 3}
    thursday = datetime.datetime(2026, 3, 12, 15, tzinfo=SHANGHAI)
    found = complaint(now=thursday)
    assert found.status == ComplaintStatus.RECEIVED and found.due_date == datetime.date(2026, 3, 17)
    assert TicketEvent.objects.filter(ticket=found.ticket, kind="complaint_received").exists()
    assert services.complaint_open(ticket=found.ticket, now=NOW) == found


def test_hl10_fault_ticket_gets_no_complaint():
    assert not Complaint.objects.filter(ticket=ticket()).exists()


def test_hl10_verify_requires_what_the_route_needs():
    found, boss = complaint(), manager()
    with pytest.raises(ValidationError) as partner:
        services.complaint_verify(complaint=found, actor=boss, route="partner", now=NOW)
    assert set(partner.value.error_dict) == {"partner_name", "verification"}
    with pytest.raises(ValidationError) as product:
        services.complaint_verify(complaint=found, actor=boss, route="product", now=NOW)
    assert set(product.value.error_dict) == {"vendor_reference"}
    with pytest.raises(ValidationError) as employee:
        services.complaint_verify(complaint=found, actor=boss, route="employee", now=NOW)
    assert set(employee.value.error_dict) == {"employee"}
    verified = services.complaint_verify(
        complaint=found, actor=boss, route="partner", partner_name="华东服务商", verification="服务商确认迟到两小时", now=NOW
    )
    assert verified.status == ComplaintStatus.VERIFIED and verified.verified_by == boss
    assert TicketEvent.objects.filter(ticket=found.ticket, kind="complaint_verified").exists()


def test_hl10_agents_cannot_handle_complaints():
    found = complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_verify(complaint=found, actor=user(Role.AGENT), route="other", verification="x", now=NOW)


def _decided(found, *, boss, employee=None, attitude=True, confirmed=True, at=NOW):
    services.complaint_verify(
        complaint=found, actor=boss, route="employee", employee=employee, about_attitude=attitude,
        verification="录音核实", now=at,
    )  # fmt: skip
    return services.complaint_decide(complaint=found, actor=boss, confirmed=confirmed, reasons="录音证实态度恶劣", now=at)


def test_hl10_decision_needs_reasons_and_a_verification_first():
    found, boss = complaint(), manager()
    with pytest.raises(ValidationError):
        services.complaint_decide(complaint=found, actor=boss, confirmed=True, reasons="x", now=NOW)
    services.complaint_verify(complaint=found, actor=boss, route="other", verification="查过", now=NOW)
    with pytest.raises(ValidationError) as blank:
        services.complaint_decide(complaint=found, actor=boss, confirmed=True, reasons="  ", now=NOW)
    assert "reasons" in blank.value.error_dict


def test_st6_confirmed_attitude_complaint_proposes_the_fine_through_the_complaint():
    employee, boss = user(Role.AGENT), manager()
    decided = _decided(complaint(), boss=boss, employee=employee)
    assert decided.decision == "confirmed"
    assert ConfirmedComplaint.objects.filter(employee=employee, about_attitude=True).count() == 1
    assert list(PenaltyProposal.objects.filter(employee=employee).values_list("rule__code", flat=True)) == [
        "st6-attitude-complaint"
    ]


def test_st6_not_confirmed_complaint_proposes_nothing():
    employee = user(Role.AGENT)
    _decided(complaint(), boss=manager(), employee=employee, confirmed=False)
    assert not ConfirmedComplaint.objects.exists() and not PenaltyProposal.objects.exists()


def test_st6_repeat_attitude_complaint_proposes_dismissal():
    employee, boss = user(Role.AGENT), manager()
    _decided(complaint(), boss=boss, employee=employee)
    _decided(complaint(), boss=boss, employee=employee, at=NOW + datetime.timedelta(days=200))
    codes = list(PenaltyProposal.objects.filter(employee=employee).order_by("id").values_list("rule__code", flat=True))
    assert codes == ["st6-attitude-complaint", "st6-attitude-repeat"]


@pytest.mark.parametrize(
    ("first", "review"),
    [
        (datetime.datetime(2026, 1, 15, 0, 0, tzinfo=SHANGHAI), True),  # same day six months earlier counts
        (datetime.datetime(2026, 1, 14, 23, 59, tzinfo=SHANGHAI), False),  # the day before does not
    ],
)
def test_st7_third_complaint_within_six_months_through_the_complaint_service(first, review):
    employee, boss = user(Role.ENGINEER), manager()
    for at in (first, datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), datetime.datetime(2026, 7, 15, 8, tzinfo=SHANGHAI)):
        _decided(complaint(now=at), boss=boss, employee=employee, attitude=False, at=at)
    has_review = PenaltyProposal.objects.filter(employee=employee, rule__code="st7-three-complaints").exists()
    assert has_review is review


def test_cb2_cb6_answer_schedules_the_complaint_callback_and_its_answer_closes_the_complaint():
    boss = manager()
    found = complaint()
    services.complaint_verify(complaint=found, actor=boss, route="product", vendor_reference="VEN-2026-118", now=NOW)
    services.complaint_decide(complaint=found, actor=boss, confirmed=True, reasons="产品缺陷已确认", now=NOW)
    with pytest.raises(ValidationError) as missing:
        services.complaint_answer(complaint=found, actor=boss, answer="已向厂商反馈", plan="", now=NOW)
    assert "plan" in missing.value.error_dict
    answered = services.complaint_answer(complaint=found, actor=boss, answer="已向厂商反馈", plan="下周补丁", now=NOW)
    assert answered.status == ComplaintStatus.ANSWERED
    cb = Callback.objects.get(complaint=found)
    assert (cb.channel, cb.source, cb.due_date) == ("complaint", "complaint", datetime.date(2026, 3, 11))
    assert clock(found.ticket).is_open
    services.survey_answer_record(callback=cb, answers=answers(cb), via="phone", actor=user(), now=NOW)
    found.refresh_from_db()
    assert found.status == ComplaintStatus.CLOSED and found.closed_at == NOW


def test_complaint_has_history():
    found = complaint()
    services.complaint_verify(complaint=found, actor=manager(), route="other", verification="查过", now=NOW)
    assert found.history.count() >= 2


def test_cb1_overdue_callback_clock_is_breached_by_the_sla_sweep():
    from tickets.sla.services import sla_sweep

    cb = callback()  # due by the close of Wednesday 11 March
    sla_sweep(now=datetime.datetime(2026, 3, 11, 17, 0, tzinfo=SHANGHAI))
    assert clock(cb.ticket).breached_at is None
    sla_sweep(now=datetime.datetime(2026, 3, 12, 9, 30, tzinfo=SHANGHAI))
    assert clock(cb.ticket).breached_at is not None


def test_cb1_callback_answered_in_time_meets_the_clock_without_breach():
    from tickets.sla.services import sla_sweep

    cb = callback()
    at = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=SHANGHAI)
    services.survey_answer_record(callback=cb, answers=answers(cb), via="phone", actor=user(), now=at)
    sla_sweep(now=datetime.datetime(2026, 3, 13, 9, 30, tzinfo=SHANGHAI))
    found = clock(cb.ticket)
    assert found.met_at == at and found.breached_at is None
