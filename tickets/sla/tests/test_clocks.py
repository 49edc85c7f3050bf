"""Clocks started, paused, resumed, met and cancelled by the ticket services and the public API."""

import datetime
import zoneinfo

import pytest

from staff.roles import Role
from staff.selectors import work_calendar_default
from tickets import services as ticket_services
from tickets.models.tickets import Priority, Status
from tickets.sla import services
from tickets.sla.models import SLAClock, SLAPolicy, SLATarget
from tickets.tests.factories import ServiceContractFactory

from .factories import SLAPolicyFactory, ticket_open

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)


def at(d, hh=0, mm=0):
    return datetime.datetime(2026, 3, d, hh, mm, tzinfo=SH)  # 2026-03-09 is a Monday


MONDAY_9 = at(9, 9)


def clock(ticket, kind) -> SLAClock:
    return SLAClock.objects.get(ticket=ticket, kind=kind)


def test_os8_new_ticket_starts_respond_and_resolve_from_the_seeded_policy(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    respond, resolve = clock(ticket, "respond"), clock(ticket, "resolve")
    assert respond.policy.name.startswith("OS-8")
    assert (respond.due_at, resolve.due_at) == (at(9, 11), at(11, 9))  # 2 h and 48 h round the clock
    assert respond.warn_at == at(9, 10, 36)  # 80 % of 2 h
    assert respond.next_check_at == respond.warn_at
    assert set(ticket.sla_clocks.values_list("kind", flat=True)) == {"respond", "resolve"}


def test_os8_ticket_opened_with_an_assignee_has_already_responded(agent, engineer):
    ticket = ticket_open(agent, assignee=engineer, now=MONDAY_9)
    respond = clock(ticket, "respond")
    assert respond.met_at == MONDAY_9 and respond.next_check_at is None


def test_os8_assignment_meets_the_respond_clock(agent, engineer):
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_assign(ticket=ticket, assignee=engineer, actor=agent, now=at(9, 9, 40))
    respond = clock(ticket, "respond")
    assert respond.met_at == at(9, 9, 40) and respond.next_check_at is None
    assert clock(ticket, "resolve").met_at is None


def test_os8_first_staff_comment_meets_respond_and_later_ones_change_nothing(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_comment(ticket=ticket, author=agent, body="Called back, collecting logs", now=at(9, 10))
    ticket_services.ticket_comment(ticket=ticket, author=agent, body="More", now=at(9, 12))
    assert clock(ticket, "respond").met_at == at(9, 10)


def test_os8_start_meets_respond(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 11, 30))
    respond = clock(ticket, "respond")
    assert respond.met_at == at(9, 11, 30) and respond.breached_at is None
    # Met after its deadline: the sweep still has to breach it (next check = the deadline).
    assert respond.next_check_at == respond.due_at == at(9, 11)


def test_os8_resolve_meets_resolve_and_cancels_pending_visit_clocks(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    services.clock_start(ticket=ticket, kind="dispatch", started_at=at(9, 10))
    services.clock_start(ticket=ticket, kind="callback", started_at=at(9, 10))
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Fixed", now=at(9, 14))
    assert clock(ticket, "respond").met_at == at(9, 14)
    assert clock(ticket, "resolve").met_at == at(9, 14)
    dispatch = clock(ticket, "dispatch")
    assert dispatch.cancelled_at == at(9, 14) and dispatch.next_check_at is None
    assert clock(ticket, "callback").is_open  # CB-1 callbacks are not cancelled by resolving


def test_os8_waiting_on_customer_pauses_and_resuming_moves_the_deadline(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 30))
    ticket_services.ticket_transition(ticket=ticket, action="wait", actor=agent, note="Logs?", now=at(9, 10))
    resolve = clock(ticket, "resolve")
    assert resolve.paused_at == at(9, 10) and resolve.due_at is None and resolve.next_check_at is None
    ticket_services.ticket_transition(ticket=ticket, action="resume", actor=agent, now=at(9, 15))
    resolve = clock(ticket, "resolve")
    assert resolve.paused_at is None
    assert resolve.due_at == at(11, 14)  # 48 h + the 5 h spent waiting
    assert [end for _, end in resolve.pauses] == [at(9, 15).isoformat()]


def test_os8_business_calendar_pause_counts_only_working_time(agent):
    SLAPolicyFactory(contract_level="standard", work_calendar=work_calendar_default())
    contract = ServiceContractFactory(level="standard", start_date=datetime.date(2026, 1, 1))
    ticket = ticket_open(agent, customer=contract.customer, now=MONDAY_9)
    resolve = clock(ticket, "resolve")
    assert resolve.calendar == work_calendar_default()
    assert resolve.due_at == at(16, 18)  # 48 working hours = six office days
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 30))
    ticket_services.ticket_transition(ticket=ticket, action="wait", actor=agent, note="Logs?", now=at(9, 10))
    ticket_services.ticket_transition(ticket=ticket, action="resume", actor=agent, now=at(10, 10))
    assert clock(ticket, "resolve").due_at == at(17, 18)  # one working day (8 h) later, not 24 h


def test_os8_reopen_resumes_resolve_without_the_time_spent_resolved(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Fixed", now=at(9, 12))
    ticket_services.ticket_transition(ticket=ticket, action="close", actor=agent, now=at(9, 13))
    ticket_services.ticket_transition(ticket=ticket, action="reopen", actor=agent, note="Again", now=at(10, 12))
    resolve = clock(ticket, "resolve")
    assert resolve.met_at is None and resolve.is_open
    assert resolve.due_at == at(12, 9)  # 3 h used before resolving, 45 h left from the reopen
    assert clock(ticket, "respond").met_at == at(9, 12)  # unchanged


def test_os8_priority_change_applies_the_more_specific_policy(agent):
    SLAPolicyFactory(priority=Priority.URGENT, targets={"respond": 30})
    ticket = ticket_open(agent, now=MONDAY_9)
    ticket_services.ticket_update(ticket=ticket, actor=agent, data={"priority": Priority.URGENT}, now=at(9, 9, 10))
    respond = clock(ticket, "respond")
    assert respond.due_at == at(9, 9, 30) and respond.policy.priority == Priority.URGENT


def test_os8_contract_level_picks_its_policy_and_level_beats_priority(agent):
    SLAPolicyFactory(priority=Priority.HIGH, targets={"respond": 90})
    SLAPolicyFactory(contract_level="premium", targets={"respond": 60})
    contract = ServiceContractFactory(level="premium", start_date=datetime.date(2026, 1, 1))
    ticket = ticket_open(agent, customer=contract.customer, priority=Priority.HIGH, now=MONDAY_9)
    assert clock(ticket, "respond").due_at == at(9, 10)


def test_policy_change_recomputes_open_clocks_but_not_breached_ones(agent):
    fresh, breached = ticket_open(agent, now=MONDAY_9), ticket_open(agent, now=MONDAY_9)
    SLAClock.objects.filter(ticket=breached, kind="resolve").update(breached_at=at(11, 9))
    policy = SLAPolicy.objects.get(contract_level="", priority=0)
    SLATarget.objects.filter(policy=policy, kind="resolve").update(minutes=24 * 60)
    assert services.policy_clocks_recompute(policy=policy, at=at(9, 10)) == 3  # 2 respond + 1 resolve
    assert clock(fresh, "resolve").due_at == at(10, 9)
    assert clock(breached, "resolve").due_at == at(11, 9)


def test_os8_off_hours_target_for_a_saturday_call(agent):
    SLAPolicyFactory(contract_level="basic", work_calendar=work_calendar_default())
    policy = SLAPolicy.objects.get(contract_level="basic")
    SLATarget.objects.filter(policy=policy, kind="respond").update(off_hours_minutes=240)
    contract = ServiceContractFactory(level="basic", start_date=datetime.date(2026, 1, 1))
    saturday = ticket_open(agent, customer=contract.customer, now=at(7, 10))
    respond = clock(saturday, "respond")
    assert respond.off_hours and respond.calendar is None and respond.due_at == at(7, 14)
    monday = ticket_open(agent, customer=contract.customer, now=at(9, 10))
    respond = clock(monday, "respond")
    assert not respond.off_hours and respond.due_at == at(9, 12)


def test_hl6_onsite_arrangement_clock_is_24_hours_from_the_call(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    arrangement = services.clock_start(ticket=ticket, kind="onsite_arrangement", started_at=at(9, 9, 5))
    assert arrangement.due_at == at(10, 9, 5)
    met = services.clock_stop(ticket=ticket, kind="onsite_arrangement", at=at(9, 16))
    assert met.met_at == at(9, 16) and met.next_check_at is None


def test_hl7_duty_manager_call_back_within_one_hour_keeps_running_while_waiting(agent, make_user):
    duty = make_user(Role.DUTY_MANAGER)
    ticket = ticket_open(agent, now=MONDAY_9)
    callback = services.clock_start(ticket=ticket, kind="dm_callback", started_at=at(9, 9, 5), owner=duty)
    assert callback.due_at == at(9, 10, 5) and callback.owner == duty
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 10))
    ticket_services.ticket_transition(ticket=ticket, action="wait", actor=agent, note="?", now=at(9, 9, 20))
    assert clock(ticket, "dm_callback").paused_at is None
    assert clock(ticket, "resolve").paused_at == at(9, 9, 20)


def test_cb1_callback_due_at_close_of_the_next_working_day(agent):
    ticket = ticket_open(agent, now=at(13, 16))  # a Friday
    callback = services.clock_start(ticket=ticket, kind="callback", started_at=at(13, 16))
    # The seeded policy is 24x7, so the working day comes from the default office calendar.
    assert callback.calendar == work_calendar_default()
    assert callback.due_at == at(16, 18)


def test_clock_api_is_idempotent(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    first = services.clock_start(ticket=ticket, kind="dispatch", started_at=at(9, 10))
    again = services.clock_start(ticket=ticket, kind="dispatch", started_at=at(9, 11))
    assert again.pk == first.pk and again.started_at == at(9, 10)
    services.clock_stop(ticket=ticket, kind="dispatch", at=at(9, 12))
    services.clock_stop(ticket=ticket, kind="dispatch", at=at(9, 13))
    services.clock_pause(ticket=ticket, kind="dispatch", at=at(9, 14))
    services.clock_cancel(ticket=ticket, kind="dispatch", at=at(9, 14))
    dispatch = clock(ticket, "dispatch")
    assert (dispatch.met_at, dispatch.paused_at, dispatch.cancelled_at) == (at(9, 12), None, None)
    assert services.clock_stop(ticket=ticket, kind="arrive", at=at(9, 12)) is None


def test_cancelled_clock_starts_afresh(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    services.clock_start(ticket=ticket, kind="arrive", started_at=at(9, 10))
    services.clock_cancel(ticket=ticket, kind="arrive", at=at(9, 11), reason="visit withdrawn")
    restarted = services.clock_start(ticket=ticket, kind="arrive", started_at=at(10, 10))
    assert restarted.cancelled_at is None and restarted.due_at == at(11, 10)
    assert SLAClock.objects.filter(ticket=ticket, kind="arrive").count() == 1


def test_explicit_pause_and_resume_with_a_caller_target(agent):
    ticket = ticket_open(agent, now=MONDAY_9)
    services.clock_start(ticket=ticket, kind="dispatch", started_at=at(9, 10), target=3 * H)
    services.clock_pause(ticket=ticket, kind="dispatch", at=at(9, 11))
    assert clock(ticket, "dispatch").due_at is None
    services.clock_resume(ticket=ticket, kind="dispatch", at=at(9, 12))
    dispatch = clock(ticket, "dispatch")
    assert dispatch.due_at == at(9, 14) and dispatch.target_fixed
    # A policy change keeps a caller's target.
    policy = SLAPolicy.objects.get(contract_level="", priority=0)
    services.policy_clocks_recompute(policy=policy, at=at(9, 12))
    assert clock(ticket, "dispatch").due_at == at(9, 14)


def test_no_clock_without_an_active_policy(agent):
    SLAPolicy.objects.update(is_active=False)
    ticket = ticket_open(agent, now=MONDAY_9)
    assert not ticket.sla_clocks.exists()
    assert ticket.status == Status.NEW


def test_a_new_specific_policy_takes_over_the_open_clocks_it_matches(agent):
    urgent, normal = ticket_open(agent, priority=Priority.URGENT, now=MONDAY_9), ticket_open(agent, now=MONDAY_9)
    policy = SLAPolicyFactory(priority=Priority.URGENT, targets={"respond": 30})
    assert services.policy_clocks_recompute(policy=policy, at=at(9, 9, 5)) == 2  # respond + resolve
    assert clock(urgent, "respond").due_at == at(9, 9, 30)
    assert clock(normal, "respond").due_at == at(9, 11)
