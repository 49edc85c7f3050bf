"""Pure rules: working-day arithmetic (CB-1, CB-6), satisfaction (CB-5), which ticket gets a callback."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from servicedesk.core.dates import add_months, month_start
from staff.calendars import Calendar
from tickets.care import policies

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = ((datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(18)))
# National Day week 2026 style: Thursday 1 Oct holiday, Saturday 10 Oct a make-up working day.
CAL = Calendar(
    tz=TZ,
    weekly={day: OFFICE for day in range(5)},
    holidays=frozenset({datetime.date(2026, 10, 1), datetime.date(2026, 10, 2)}),
    workdays={datetime.date(2026, 10, 10): ()},
)


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@pytest.mark.parametrize(
    ("arrived", "due"),
    [
        (at(datetime.date(2026, 3, 10)), datetime.date(2026, 3, 11)),  # Tuesday -> Wednesday
        (at(datetime.date(2026, 3, 13), 17), datetime.date(2026, 3, 16)),  # Friday -> Monday
        (at(datetime.date(2026, 3, 14)), datetime.date(2026, 3, 16)),  # Saturday -> Monday
        (at(datetime.date(2026, 9, 30)), datetime.date(2026, 10, 5)),  # before the holidays -> Monday after
        (at(datetime.date(2026, 10, 9)), datetime.date(2026, 10, 10)),  # Friday -> the make-up Saturday
        # 23:30 UTC on Monday is already Tuesday in Shanghai: the local day counts.
        (datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC), datetime.date(2026, 3, 11)),
    ],
)
def test_cb1_callback_due_the_working_day_after(arrived, due):
    assert policies.callback_due_date(arrived_at=arrived, calendar=CAL) == due


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (at(datetime.date(2026, 3, 10)), 3, datetime.date(2026, 3, 13)),
        (at(datetime.date(2026, 3, 12)), 3, datetime.date(2026, 3, 17)),  # across the weekend
        (at(datetime.date(2026, 9, 29)), 3, datetime.date(2026, 10, 6)),  # across the holidays
        (at(datetime.date(2026, 10, 8)), 2, datetime.date(2026, 10, 10)),  # make-up Saturday counts
        (at(datetime.date(2026, 3, 10)), 5, datetime.date(2026, 3, 17)),
    ],
)
def test_cb6_complaint_due_in_n_working_days(received, days, due):
    assert policies.complaint_due_date(received_at=received, calendar=CAL, working_days=days) == due


@pytest.mark.parametrize(
    ("channel", "type", "status", "expected"),
    [
        ("hotline", "fault", "resolved", "hotline"),
        ("web", "consultation", "resolved", "hotline"),
        ("messaging", "fault", "resolved", "hotline"),
        ("hotline", "fault", "closed", None),
        ("remote", "fault", "resolved", "remote"),
        ("remote", "fault", "closed", "remote"),
        ("onsite", "fault", "resolved", None),
        ("hotline", "complaint", "resolved", None),
        ("hotline", "fault", "in_progress", None),
    ],
)
def test_cb1_which_ticket_change_calls_for_a_callback(channel, type, status, expected):
    assert policies.ticket_callback_channel(ticket_channel=channel, ticket_type=type, new_status=status) == expected


def test_cb5_scale_answer_satisfied_from_threshold():
    rule = policies.QuestionRule(kind="scale", is_overall=True, is_resolution=False, satisfied_min=4)
    assert policies.answer_is_satisfied(rule=rule, rating=4, yes=None) is True
    assert policies.answer_is_satisfied(rule=rule, rating=3, yes=None) is False
    assert policies.answer_is_satisfied(rule=rule, rating=None, yes=None) is None


def test_cb5_yes_no_answer_yes_is_satisfied():
    rule = policies.QuestionRule(kind="yes_no", is_overall=True, is_resolution=False, satisfied_min=None)
    assert policies.answer_is_satisfied(rule=rule, rating=None, yes=True) is True
    assert policies.answer_is_satisfied(rule=rule, rating=None, yes=False) is False


def test_cb5_hl9_satisfaction_must_exceed_the_target():
    assert policies.satisfaction_percent(satisfied=17, total=20) == 85.0
    assert policies.meets_target(percent=85.0, target=85) is False  # "must exceed 85 %"
    assert policies.meets_target(percent=85.1, target=85) is True
    assert policies.satisfaction_percent(satisfied=0, total=0) is None
    assert policies.meets_target(percent=None, target=85) is None


def test_month_arithmetic_crosses_years():
    assert add_months(month_start(datetime.date(2026, 2, 17)), -3) == datetime.date(2025, 11, 1)
    assert add_months(month_start(datetime.date(2026, 12, 5)), 1) == datetime.date(2027, 1, 1)
