"""Pure date rules of maintenance plans over a full year with Chinese holidays (issue 16, CT-1)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from onsite.maintenance import policies
from staff.calendars import Calendar

SH = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS = ((datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(18)))
D = datetime.date
# 2027 Spring Festival (春节): 6-12 February off, Sunday 14 February a make-up working day (调休);
# New Year's Day and National Day as well.
HOLIDAYS = frozenset(
    [D(2027, 1, 1)]
    + [D(2027, 2, day) for day in range(6, 13)]
    + [D(2027, 10, day) for day in range(1, 8)]
)
OFFICE = Calendar(tz=SH, weekly={d: OFFICE_HOURS for d in range(5)}, holidays=HOLIDAYS, workdays={D(2027, 2, 14): ()})
FROZEN = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _days(**kwargs):
    defaults = dict(
        interval_months=None, rrule="", start=D(2027, 1, 1), end=D(2027, 12, 31),
        contract_start=D(2027, 1, 1), contract_end=D(2027, 12, 31), calendar=OFFICE,
    )  # fmt: skip
    return policies.visit_days(**{**defaults, **kwargs})


def test_ct1_month_end_interval_is_counted_from_the_first_visit():
    days = policies.occurrences(
        first_visit_on=D(2027, 1, 31), interval_months=1, rrule="", start=D(2027, 1, 1), end=D(2027, 5, 31)
    )
    assert days == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31)]
    assert policies.add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)  # leap year


def test_ct1_quarterly_over_a_year_moved_off_spring_festival_and_weekends():
    pairs = _days(first_visit_on=D(2027, 2, 8), interval_months=3)
    # 8 Feb (Spring Festival) -> Sat 13 Feb is off -> Sun 14 Feb is a make-up working day.
    assert pairs == [
        (D(2027, 2, 8), D(2027, 2, 14)),
        (D(2027, 5, 8), D(2027, 5, 10)),  # Saturday -> Monday
        (D(2027, 8, 8), D(2027, 8, 9)),  # Sunday -> Monday
        (D(2027, 11, 8), D(2027, 11, 8)),
    ]


def test_ct1_monthly_over_a_full_year_lands_on_working_days_only():
    pairs = _days(first_visit_on=D(2027, 1, 1), interval_months=1)
    assert len(pairs) == 12
    assert pairs[0] == (D(2027, 1, 1), D(2027, 1, 4))  # New Year's Day (Fri) -> Monday
    assert pairs[9] == (D(2027, 10, 1), D(2027, 10, 8))  # National Day week
    for _planned, visit in pairs:
        assert visit not in HOLIDAYS and (visit.weekday() < 5 or visit == D(2027, 2, 14))


def test_ct1_rrule_occurrences_and_contract_period_clip():
    pairs = _days(
        first_visit_on=D(2027, 1, 1), rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
        contract_start=D(2027, 3, 1), contract_end=D(2027, 9, 30),
    )  # fmt: skip
    assert pairs == [(D(2027, 4, 15), D(2027, 4, 15)), (D(2027, 7, 15), D(2027, 7, 15))]


def test_ct1_visit_moved_past_the_contract_end_is_dropped():
    assert _days(first_visit_on=D(2027, 2, 6), interval_months=12, contract_end=D(2027, 2, 12)) == []


def test_rrule_problem_messages():
    assert policies.rrule_problem("FREQ=WEEKLY;BYDAY=MO") is None
    assert policies.rrule_problem("RRULE:FREQ=YEARLY") is None
    assert "RFC 5545" in policies.rrule_problem("FREQ=SOMETIMES")
    assert "daily at most" in policies.rrule_problem("FREQ=HOURLY")
    assert "DTSTART" in policies.rrule_problem("DTSTART:20270101T000000\nRRULE:FREQ=DAILY")
    assert policies.rrule_problem("") is not None
