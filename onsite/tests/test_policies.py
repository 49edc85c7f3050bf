"""Pure on-site rules: no database."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from onsite import policies
from onsite.models import OrderStatus
from onsite.signatures import signature_from_data_url, signature_png_check
from staff.calendars import Calendar
from staff.roles import Role

from .factories import png

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = Calendar(
    tz=TZ,
    weekly={d: ((datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(18))) for d in range(5)},
    holidays=frozenset({datetime.date(2026, 4, 6)}),  # Qingming, a Monday
)
SM = frozenset({Role.SERVICE_MANAGER})


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


# --- The status table -------------------------------------------------------------------------------


def test_transition_table_is_the_documented_flow():
    path = ["approve", "assign", "call", "depart", "check_in", "report", "sign", "hand_in", "close"]
    status = OrderStatus.REQUESTED
    for action in path:
        transition = policies.TRANSITIONS[action]
        assert status in transition.sources
        status = transition.target
    assert status == OrderStatus.CLOSED
    assert policies.TRANSITIONS["escalate"].sources == {OrderStatus.ON_SITE}
    assert OrderStatus.CLOSED not in policies.TRANSITIONS["cancel"].sources


def test_os3_os4_checklists_are_the_model_fields():
    from onsite.models import ONSITE_CHECK_FIELDS, PRECALL_CHECK_FIELDS

    assert tuple(policies.PRECALL_CHECKS) == PRECALL_CHECK_FIELDS
    assert tuple(policies.ONSITE_CHECKS) == ONSITE_CHECK_FIELDS


def test_os1_refusal_names_the_rule_and_own_engineer_steps_need_the_orders_engineer():
    # The status table only knows who may ever approve; the hour rule is role_rule_refusal's (below).
    message = policies.refusal(status="requested", action="approve", roles=frozenset({Role.AGENT}), is_order_engineer=False)
    assert message == "You cannot approve on-site visits."
    assert policies.refusal(status="requested", action="approve", roles=frozenset({Role.DUTY_MANAGER}), is_order_engineer=False) is None
    assert policies.refusal(status="requested", action="approve", roles=SM, is_order_engineer=False) is None
    assert policies.refusal(status="assigned", action="call", roles=frozenset({Role.ENGINEER}), is_order_engineer=False)
    assert policies.refusal(status="assigned", action="call", roles=frozenset(), is_order_engineer=True) is None
    assert "cannot be changed" in policies.refusal(status="closed", action="call", roles=SM, is_order_engineer=True)


def test_os1_engineer_cannot_approve_own_order_policy():
    both = frozenset({Role.SERVICE_MANAGER, Role.ENGINEER})
    when = {"rules": {Role.SERVICE_MANAGER: "always"}, "calendar": OFFICE, "now": datetime.datetime(2026, 3, 10, 10, tzinfo=TZ)}
    assert policies.approval_refusal(approver_id=1, roles=both, requested_by_id=1, engineer_id=None, **when)
    assert policies.approval_refusal(approver_id=1, roles=SM, requested_by_id=2, engineer_id=1, **when)
    assert policies.approval_refusal(approver_id=1, roles=SM, requested_by_id=1, engineer_id=None, **when) is None
    assert policies.approval_refusal(approver_id=1, roles=frozenset({Role.ENGINEER}), requested_by_id=2, engineer_id=3, **when)
    assert policies.assignment_refusal(engineer_id=1, approved_by_id=1)
    assert policies.assignment_refusal(engineer_id=2, approved_by_id=1) is None


def test_hl6_offer_within_three_days_of_the_call():
    called = datetime.date(2026, 3, 10)
    assert policies.offered_date_problem(offered_by=datetime.date(2026, 3, 13), called_on=called, max_days=3) is None
    assert "within 3 days" in policies.offered_date_problem(offered_by=datetime.date(2026, 3, 14), called_on=called, max_days=3)
    assert policies.offered_date_problem(offered_by=datetime.date(2026, 3, 9), called_on=called, max_days=3)
    assert policies.offered_date_problem(offered_by=None, called_on=called, max_days=3) is None


def test_window_must_be_complete_and_ordered():
    start = at(2026, 3, 10, 14)
    assert policies.window_problem(start=None, end=None, required=False) is None
    assert policies.window_problem(start=None, end=None, required=True)
    assert policies.window_problem(start=start, end=None, required=False)
    assert policies.window_problem(start=start, end=start, required=False)
    assert policies.window_problem(start=start, end=start + datetime.timedelta(hours=1), required=True) is None


# --- Deadlines ----------------------------------------------------------------------------------------


def test_os3_retry_due_by_the_close_of_the_next_working_day():
    assert policies.call_retry_due(attempted_at=at(2026, 3, 10, 16), calendar=OFFICE) == at(2026, 3, 11, 18)
    assert policies.call_retry_due(attempted_at=at(2026, 3, 13, 17), calendar=OFFICE) == at(2026, 3, 16, 18)
    assert policies.call_retry_due(attempted_at=at(2026, 4, 3, 10), calendar=OFFICE) == at(2026, 4, 7, 18)  # holiday


def test_os6_os7_next_day_deadline_is_midnight_after_the_next_working_day():
    assert policies.next_day_deadline(at=at(2026, 3, 10, 15), calendar=OFFICE) == at(2026, 3, 12, 0)
    assert policies.next_day_deadline(at=at(2026, 3, 13, 23, 30), calendar=OFFICE) == at(2026, 3, 17, 0)
    assert policies.next_day_deadline(at=at(2026, 3, 14, 11), calendar=OFFICE) == at(2026, 3, 17, 0)  # Saturday visit


def test_os6_late_means_done_after_the_deadline_or_not_done_past_it():
    due = at(2026, 3, 12, 0)
    assert not policies.is_past(due_at=due, done_at=due, now=due + datetime.timedelta(days=2))
    assert policies.is_past(due_at=due, done_at=due + datetime.timedelta(seconds=1), now=due)
    assert policies.is_past(due_at=due, done_at=None, now=due + datetime.timedelta(seconds=1))
    assert not policies.is_past(due_at=None, done_at=None, now=due)


def test_os11_factory_repair_five_working_days_and_overdue_flag():
    due = policies.factory_repair_due(sent_on=datetime.date(2026, 4, 1), calendar=OFFICE, working_days=5)
    assert due == datetime.date(2026, 4, 9)  # Thu 2 ... skipping the weekend and the Qingming Monday
    assert not policies.factory_repair_overdue(due_on=due, returned_on=None, today=due)
    assert policies.factory_repair_overdue(due_on=due, returned_on=None, today=due + datetime.timedelta(days=1))
    assert not policies.factory_repair_overdue(due_on=due, returned_on=due, today=due + datetime.timedelta(days=9))


def test_gn3_off_shift_when_the_calendar_has_no_working_time_in_the_window():
    assert policies.off_shift(calendar=OFFICE, start=at(2026, 3, 14, 10), end=at(2026, 3, 14, 12))
    assert policies.off_shift(calendar=OFFICE, start=at(2026, 3, 10, 12), end=at(2026, 3, 10, 13))  # lunch
    assert not policies.off_shift(calendar=OFFICE, start=at(2026, 3, 10, 17), end=at(2026, 3, 10, 19))


# --- Dispatch ranking (GN-3) -----------------------------------------------------------------------------


def candidate(user_id, name, *, region=None, skills=(), load=0):
    return policies.Candidate(
        user_id=user_id, name=name, region_id=region, region_name=f"R{region}" if region else "",
        skills=tuple(policies.SkillHolding(name=s[0], product_id=s[1], ticket_type=s[2], level=s[3]) for s in skills),
        open_orders=load,
    )  # fmt: skip


def test_gn3_skill_match_weights():
    weight = policies.skill_match_weight
    assert weight(skill_product_id=1, skill_type="fault", product_id=1, ticket_type="fault") == 3
    assert weight(skill_product_id=1, skill_type="", product_id=1, ticket_type="fault") == 2
    assert weight(skill_product_id=None, skill_type="fault", product_id=1, ticket_type="fault") == 1
    assert weight(skill_product_id=1, skill_type="bug", product_id=1, ticket_type="fault") == 0
    assert weight(skill_product_id=2, skill_type="fault", product_id=1, ticket_type="fault") == 0


def test_gn3_ranking_by_skill_then_region_then_load_with_reasons():
    people = [
        candidate(1, "A far expert", region=2, skills=[("Printer", 7, "fault", 3)]),
        candidate(2, "B local junior", region=1, skills=[("Printer", 7, "fault", 1)], load=1),
        candidate(3, "C local generalist", region=1, skills=[("Faults", None, "fault", 2)]),
        candidate(4, "D nobody", skills=[("ERP", 9, "", 3)]),
        candidate(5, "E local junior idle", region=1, skills=[("Printer", 7, "fault", 1)]),
    ]
    ranked = policies.rank_engineers(candidates=people, product_id=7, ticket_type="fault", region_id=1)
    assert [(r.candidate.user_id, r.score) for r in ranked] == [(1, 90), (5, 55), (2, 47), (3, 45), (4, 0)]
    assert ranked[0].reasons[0].startswith("3 in “Printer” (this product and request type): +90")
    assert ranked[0].reasons[1] == "Other region (R2): +0"
    assert ranked[2].reasons == (
        "1 in “Printer” (this product and request type): +30",
        "Same region as the customer (R1): +25",
        "1 open orders: −8",
    )
    assert ranked[-1].reasons[0] == "No skill for this product or request type: +0"


def test_os10_rating_4_and_5_satisfied_and_percentage():
    assert [policies.rating_satisfied(r) for r in range(1, 6)] == [False, False, False, True, True]
    assert str(policies.satisfaction_percent(satisfied=17, total=20)) == "85.0"
    assert policies.satisfaction_percent(satisfied=0, total=0) is None


def test_steps_follow_the_status():
    assert policies.current_step("assigned") == 0
    assert policies.current_step("on_site") == 3
    assert policies.current_step("handed_in") == len(policies.STEPS)
    assert policies.current_step("requested") is None


# --- The signature image ---------------------------------------------------------------------------------


def test_os4_signature_png_accepted_when_real_and_inked():
    image = signature_png_check(png(width=300, height=120), max_bytes=50_000)
    assert (image.width, image.height) == (300, 120)
    assert signature_png_check(png(colour_type=2), max_bytes=50_000).width == 40


@pytest.mark.parametrize(
    "data, message",
    [
        (png(ink=False), "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a valid PNG"),
        (b"GIF89a" + b"\x00" * 40, "not a valid PNG"),
        (png()[:-4], "not a valid PNG"),
        (png()[:30] + bytes([png()[30] ^ 0xFF]) + png()[31:], "not a valid PNG"),  # damaged CRC/header
        (png(width=3000, height=10), "at most"),
    ],
)
def test_os4_signature_png_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        signature_png_check(data, max_bytes=50_000)


def test_signature_size_is_bounded_before_decoding():
    with pytest.raises(ValidationError, match="too large"):
        signature_png_check(png(width=300, height=120), max_bytes=100)
    with pytest.raises(ValidationError, match="too large"):
        signature_from_data_url("data:image/png;base64," + "A" * 2000, max_bytes=100)
    with pytest.raises(ValidationError, match="missing"):
        signature_from_data_url("data:image/jpeg;base64,AAAA", max_bytes=100)
    import base64

    assert signature_from_data_url("data:image/png;base64," + base64.b64encode(png()).decode(), max_bytes=5000) == png()


# --- Who approves / dispatches when (ONSITE_APPROVER_ROLES, ONSITE_DISPATCHER_ROLES; OS-1, issue 17) ---

DM = frozenset({Role.DUTY_MANAGER})
TUESDAY_MORNING = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=TZ)  # working hours
TUESDAY_NIGHT = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=TZ)
QINGMING_NOON = datetime.datetime(2026, 4, 6, 10, 0, tzinfo=TZ)  # holiday: out of hours all day
DEFAULT_RULES = policies.role_rules(["service_manager", "duty_manager:out_of_hours"])


def test_os1_role_rules_parse_the_setting_and_reject_typos():
    assert DEFAULT_RULES == {"service_manager": "always", "duty_manager": "out_of_hours"}
    assert policies.role_rules([" agent : in_hours ", ""]) == {"agent": "in_hours"}
    with pytest.raises(ValueError, match="unknown role"):
        policies.role_rules(["service_manger"])
    with pytest.raises(ValueError, match="unknown condition"):
        policies.role_rules(["duty_manager:nights"])


@pytest.mark.parametrize(
    "roles, now, allowed",
    [
        (SM, TUESDAY_MORNING, True),
        (SM, TUESDAY_NIGHT, True),
        (DM, TUESDAY_MORNING, False),
        (DM, TUESDAY_NIGHT, True),
        (DM, QINGMING_NOON, True),
        (DM | SM, TUESDAY_MORNING, True),
        (frozenset({Role.ADMIN}), TUESDAY_NIGHT, False),
    ],
)
def test_os1_duty_manager_approves_only_out_of_hours(roles, now, allowed):
    refused = policies.role_rule_refusal(roles=roles, rules=DEFAULT_RULES, calendar=OFFICE, now=now, what="approve")
    assert (refused is None) is allowed


def test_os1_refusals_say_why():
    in_hours = policies.role_rule_refusal(roles=DM, rules=DEFAULT_RULES, calendar=OFFICE, now=TUESDAY_MORNING, what="approve")
    assert in_hours == "You may approve only outside working hours; it is working time now."
    rules = policies.role_rules(["duty_manager:in_hours"])
    at_night = policies.role_rule_refusal(roles=DM, rules=rules, calendar=OFFICE, now=TUESDAY_NIGHT, what="dispatch")
    assert at_night == "You may dispatch only during working hours; it is outside working hours now."
    nobody = policies.role_rule_refusal(roles=frozenset({Role.AGENT}), rules=DEFAULT_RULES, calendar=OFFICE, now=TUESDAY_NIGHT, what="approve")
    assert nobody.startswith("Only these roles may approve: Service manager, Duty manager")


# --- Early start warning (issue 17) ------------------------------------------------------------------


def test_early_start_warning_only_well_before_the_agreed_window():
    start = datetime.datetime(2026, 3, 12, 14, 0, tzinfo=TZ)
    two_days_before = start - datetime.timedelta(days=2)
    warning = policies.early_start_warning(agreed_start=start, now=two_days_before, hours=24)
    assert "starts in 48 hours (2026-03-12 14:00)" in warning
    assert policies.early_start_warning(agreed_start=start, now=start - datetime.timedelta(hours=24), hours=24) is None
    assert policies.early_start_warning(agreed_start=start, now=start + datetime.timedelta(hours=1), hours=24) is None
    assert policies.early_start_warning(agreed_start=None, now=two_days_before, hours=24) is None
    assert policies.early_start_warning(agreed_start=start, now=two_days_before, hours=0) is None
