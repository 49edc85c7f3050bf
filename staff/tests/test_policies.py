"""Pure staff rules: no database."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from staff import policies
from staff.calendars import Calendar
from staff.models import DayReason, DayStatus

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
OFFICE = Calendar(
    tz=TZ,
    weekly={d: ((datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(18))) for d in range(5)},
    holidays=frozenset({datetime.date(2026, 4, 6)}),
)


def at(hour, minute=0, day=10, month=3):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def classify(**facts):
    values = {
        "work_start": START,
        "signed_in_at": None,
        "notice_given_at": None,
        "leave_approved_at": None,
        "leave_requested": False,
        "on_trip": False,
        "seat_not_ready": False,
    }
    values.update(facts)
    return policies.classify_attendance(**values)


@pytest.mark.parametrize(
    ("signed_in_at", "status"),
    [(at(8, 59), DayStatus.PRESENT), (at(9, 0), DayStatus.PRESENT), (at(9, 1), DayStatus.LATE)],
)
def test_st1_sign_in_at_0859_is_present_and_at_0901_is_late(signed_in_at, status):
    assert classify(signed_in_at=signed_in_at).status == status


def test_st1_notice_before_start_is_field_duty_after_start_is_late():
    before = classify(notice_given_at=at(8, 40))
    after = classify(notice_given_at=at(9, 5))
    assert (before.status, before.reason, before.rule_code) == (DayStatus.FIELD, DayReason.NOTICE, None)
    assert (after.status, after.reason, after.rule_code) == (DayStatus.LATE, DayReason.NOTICE_LATE, "st1-late")


def test_st1_nothing_at_all_is_absence():
    decision = classify()
    assert (decision.status, decision.rule_code) == (DayStatus.ABSENT, "st1-absence")


def test_st2_leave_counts_only_when_approved_before_work_starts():
    assert classify(leave_approved_at=at(8, 0, day=9), leave_requested=True).status == DayStatus.ON_LEAVE
    late = classify(leave_approved_at=at(10, 0), leave_requested=True)
    assert (late.status, late.reason, late.rule_code) == (
        DayStatus.ABSENT,
        DayReason.LEAVE_NOT_APPROVED,
        "st2-unapproved-leave",
    )
    assert classify(leave_requested=True).rule_code == "st2-unapproved-leave"


def test_hl4_seat_not_ready_makes_a_signed_in_day_late():
    decision = classify(signed_in_at=at(8, 50), seat_not_ready=True)
    assert (decision.status, decision.reason, decision.rule_code) == (
        DayStatus.LATE,
        DayReason.SEAT_NOT_READY,
        "st1-late",
    )


def test_st15_approved_trip_is_field_duty():
    assert classify(on_trip=True).status == DayStatus.FIELD


def test_st1_work_is_over_only_after_the_last_interval():
    day = datetime.date(2026, 3, 10)
    assert not policies.work_is_over(OFFICE, day, at(17, 59))
    assert policies.work_is_over(OFFICE, day, at(18, 0))
    assert policies.work_is_over(OFFICE, datetime.date(2026, 3, 14), at(8, 0, day=14))  # Saturday: no work


def test_st2_leave_days_skip_weekends_and_holidays():
    # Thursday 2 April to Tuesday 7 April with the Monday a holiday: Thu, Fri, Tue.
    assert policies.leave_working_days(OFFICE, datetime.date(2026, 4, 2), datetime.date(2026, 4, 7)) == 3


@pytest.mark.parametrize(("days", "needs_hr"), [(3, False), (4, True)])
def test_st2_more_than_three_days_needs_hr(days, needs_hr):
    assert policies.leave_needs_hr(days=days, threshold=3) is needs_hr


def test_st2_early_return_ends_the_leave_the_day_before():
    end = datetime.date(2026, 3, 13)
    assert policies.leave_covered_until(end_date=end, returned_on=None) == end
    assert policies.leave_covered_until(end_date=end, returned_on=datetime.date(2026, 3, 12)) == datetime.date(
        2026, 3, 11
    )
    assert policies.leave_covered_until(end_date=end, returned_on=datetime.date(2026, 3, 18)) == end


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 7, 15), datetime.date(2026, 1, 15)),
        (datetime.date(2026, 8, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 1), datetime.date(2025, 9, 1)),
    ],
)
def test_st7_six_months_before_is_the_same_calendar_day(day, expected):
    assert policies.months_before(day, 6) == expected


@pytest.mark.parametrize(
    ("attitude", "earlier", "in_window", "codes"),
    [
        (True, 0, 1, ["st6-attitude-complaint"]),
        (True, 1, 2, ["st6-attitude-repeat"]),
        (True, 2, 3, ["st6-attitude-repeat", "st7-three-complaints"]),
        (False, 0, 3, ["st7-three-complaints"]),
        (False, 0, 2, []),
    ],
)
def test_st6_st7_complaint_consequences(attitude, earlier, in_window, codes):
    assert (
        policies.complaint_penalties(
            about_attitude=attitude, earlier_attitude_complaints=earlier, complaints_in_window=in_window, review_at=3
        )
        == codes
    )


@pytest.mark.parametrize(
    ("departed", "returned", "days"),
    [
        (at(11, 59, day=9), at(12, 1, day=11), Decimal("3")),  # whole first and last day
        (at(12, 0, day=9), at(12, 1, day=11), Decimal("2.5")),  # leaving at 12:00 is half a day
        (at(12, 1, day=9), at(12, 0, day=11), Decimal("2")),  # arriving at 12:00 is half a day
        (at(11, 59, day=9), at(11, 59, day=11), Decimal("2.5")),
        (at(8, 0), at(18, 0), Decimal("1")),  # one day spanning noon
        (at(8, 0), at(11, 30), Decimal("0.5")),  # a morning
        (at(13, 0), at(18, 0), Decimal("0.5")),  # an afternoon
    ],
)
def test_st15_half_day_rule_at_noon(departed, returned, days):
    assert policies.travel_days(departed_at=departed, returned_at=returned, tz=TZ) == days


def test_st15_allowance_pays_meals_per_day_and_lodging_up_to_the_rate():
    allowance = policies.travel_allowance(
        departed_at=at(8, 0, day=9),
        returned_at=at(15, 0, day=11),
        tz=TZ,
        lodging_rate=Decimal("120"),
        meals_rate=Decimal("30"),
        lodging_invoiced=Decimal("300"),
    )
    assert (allowance.days, allowance.nights) == (Decimal("3"), 2)
    assert allowance.meals_allowance == Decimal("90.00")
    assert allowance.lodging_allowed == Decimal("240")  # above the standard the employee pays the rest
    cheaper = policies.travel_allowance(
        departed_at=at(8, 0, day=9),
        returned_at=at(15, 0, day=11),
        tz=TZ,
        lodging_rate=Decimal("120"),
        meals_rate=Decimal("30"),
        lodging_invoiced=Decimal("180"),
    )
    assert cheaper.lodging_allowed == Decimal("180")  # below the standard nothing is topped up


def test_st15_claim_is_due_a_week_after_return():
    assert policies.claim_due_on(returned_at=at(20, 0, day=13), tz=TZ, within_days=7) == datetime.date(2026, 3, 20)


def test_st13_penalty_amount_must_be_inside_the_range():
    assert policies.penalty_amount_allowed(amount=Decimal("20"), amount_min=Decimal("20"), amount_max=Decimal("50"))
    assert policies.penalty_amount_allowed(amount=Decimal("50"), amount_min=Decimal("20"), amount_max=Decimal("50"))
    assert not policies.penalty_amount_allowed(amount=Decimal("51"), amount_min=Decimal("20"), amount_max=Decimal("50"))
    assert not policies.penalty_amount_allowed(
        amount=Decimal("19.99"), amount_min=Decimal("20"), amount_max=Decimal("50")
    )
