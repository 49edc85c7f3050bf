"""Pure training rules, without the database."""

import datetime
from decimal import Decimal

import pytest

from training.policies import (
    customer_sign_blockers,
    exam_passed,
    implementation_form_deadline,
    implementation_form_overdue,
    mastery_percent,
    pass_rate,
    plan_close_blockers,
    plan_start_blockers,
    project_close_blockers,
    project_complete_blockers,
    score_problem,
)

D = Decimal
READY = {"checklist_total": 4, "checklist_open": 0, "exams": 1, "materials": 1, "teaching_plan": "Day 1", "trainees": 3}


@pytest.mark.parametrize(
    ("score", "max_score", "passed"),
    [
        (D("84.9"), D("100"), False),
        (D("85.0"), D("100"), True),
        (D("100"), D("100"), True),
        (D("17"), D("20"), True),  # exactly 85 %
        (D("33"), D("39"), False),  # 84.6 %
        (D("84.99"), D("100"), False),  # never rounded up to the threshold
    ],
)
def test_tr3_mastery_threshold_boundary(score, max_score, passed):
    assert exam_passed(score=score, max_score=max_score, threshold=D("85")) is passed


def test_tr3_mastery_is_shown_rounded_down():
    assert mastery_percent(score=D("84.999"), max_score=D("100")) == D("84.99")
    assert mastery_percent(score=D("17"), max_score=D("20")) == D("85.00")


def test_tr3_threshold_comes_from_the_caller():
    assert not exam_passed(score=D("89"), max_score=D("100"), threshold=D("90"))


def test_tr3_score_outside_zero_to_maximum_is_refused():
    assert score_problem(score=D("-1"), max_score=D("100"))
    assert "100" in str(score_problem(score=D("101"), max_score=D("100")))
    assert score_problem(score=D("100"), max_score=D("100")) == ""


def test_tr3_pass_rate_of_the_cohort():
    assert pass_rate(passed=2, examined=3) == D("66.6")
    assert pass_rate(passed=0, examined=0) is None


@pytest.mark.parametrize(
    ("change", "cites"),
    [
        ({"checklist_open": 1}, "1 environment checklist item"),  # TR-1
        ({"checklist_total": 0, "checklist_open": 0}, "The environment checklist is empty"),  # TR-1
        ({"exams": 0}, "Attach the exam"),  # TR-1
        ({"materials": 0}, "Attach the training materials"),  # TR-1
        ({"teaching_plan": "  "}, "The instructor writes the teaching plan"),  # TR-2
    ],
)
def test_tr1_tr2_plan_cannot_start_until_prepared(change, cites):
    assert plan_start_blockers(**READY) == []
    [blocker] = plan_start_blockers(**{**READY, **change})
    assert str(blocker).startswith(cites)


def test_tr6_person_in_charge_signs_after_every_trainee():
    assert customer_sign_blockers(trainees=3, trainees_signed=3) == []
    [blocker] = customer_sign_blockers(trainees=3, trainees_signed=2)
    assert "1 trainee" in str(blocker)
    assert customer_sign_blockers(trainees=0, trainees_signed=0)


def test_tr4_tr5_plan_closes_with_sign_off_quality_check_and_summary():
    assert plan_close_blockers(customer_signed=True, quality_checked=True, summary="Went well") == []
    blockers = [str(b) for b in plan_close_blockers(customer_signed=False, quality_checked=False, summary="")]
    assert blockers == [
        "The customer's person in charge has not signed the acceptance form.",  # TR-6
        "The supervisor has not checked the training quality.",  # TR-4
        "Write the training summary.",  # TR-5
    ]


def test_tr7_completion_needs_the_go_live_plan_and_closing_the_form_and_payment():
    assert len(project_complete_blockers(data_import_plan="", familiarisation_plan="x", go_live_on=None)) == 2
    assert project_complete_blockers(data_import_plan="x", familiarisation_plan="x", go_live_on=datetime.date(2026, 4, 1)) == []
    assert len(project_close_blockers(has_form=False, payment_amount=D("5000"), payment_received_on=None)) == 2
    assert project_close_blockers(has_form=True, payment_amount=None, payment_received_on=None) == []


def test_st12_form_deadline_counts_calendar_days():
    friday = datetime.date(2026, 3, 13)
    assert implementation_form_deadline(completed_on=friday, days=3) == datetime.date(2026, 3, 16)
    assert not implementation_form_overdue(completed_on=friday, today=datetime.date(2026, 3, 16), days=3)
    assert implementation_form_overdue(completed_on=friday, today=datetime.date(2026, 3, 17), days=3)
