"""Working-time arithmetic: nights, weekends, holidays, make-up days, DST and 24x7."""

import datetime
import zoneinfo

import pytest

from staff.calendars import (
    Calendar,
    NoWorkingTime,
    add_working_days,
    add_working_time,
    always_open,
    is_working_day,
    next_working_day,
    work_start,
    working_time_between,
)

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NY = zoneinfo.ZoneInfo("America/New_York")
T = datetime.time
H = datetime.timedelta(hours=1)
OFFICE = ((T(9), T(12)), (T(13), T(18)))  # 8 working hours a day


def office(tz=SH, holidays=(), workdays=None) -> Calendar:
    return Calendar(tz=tz, weekly={d: OFFICE for d in range(5)}, holidays=frozenset(holidays), workdays=workdays or {})


def at(y, m, d, hh=0, mm=0, tz=SH):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=tz)


# 2026-03-06 is a Friday, 2026-03-09 a Monday.
def test_os8_two_working_hours_inside_one_morning():
    assert add_working_time(office(), at(2026, 3, 9, 9, 30), 2 * H) == at(2026, 3, 9, 11, 30)


def test_os8_clock_skips_the_lunch_break():
    assert add_working_time(office(), at(2026, 3, 9, 11), 2 * H) == at(2026, 3, 9, 14)


def test_os8_clock_runs_over_the_night():
    assert add_working_time(office(), at(2026, 3, 9, 17), 2 * H) == at(2026, 3, 10, 10)


def test_os8_clock_runs_over_the_weekend():
    # Friday 17-18 (1 h), Monday 9-12 (3 h) and 13-17 (4 h).
    assert add_working_time(office(), at(2026, 3, 6, 17), 8 * H) == at(2026, 3, 9, 17)


def test_os8_call_at_night_starts_counting_at_opening():
    assert add_working_time(office(), at(2026, 3, 9, 22), 2 * H) == at(2026, 3, 10, 11)
    assert add_working_time(office(), at(2026, 3, 7, 10), 0 * H) == at(2026, 3, 9, 9)


def test_os8_48h_resolve_target_is_six_working_days():
    assert add_working_time(office(), at(2026, 3, 9, 9), 48 * H) == at(2026, 3, 16, 18)


def test_holiday_is_skipped():
    cal = office(holidays={datetime.date(2026, 3, 10)})
    assert add_working_time(cal, at(2026, 3, 9, 17), 2 * H) == at(2026, 3, 11, 10)
    assert not is_working_day(cal, datetime.date(2026, 3, 10))


def test_make_up_working_day_counts_with_standard_hours():
    saturday = datetime.date(2026, 3, 7)
    cal = office(workdays={saturday: ()})
    assert is_working_day(cal, saturday)
    assert add_working_time(cal, at(2026, 3, 6, 17), 2 * H) == at(2026, 3, 7, 10)


def test_make_up_day_with_its_own_hours():
    saturday = datetime.date(2026, 3, 7)
    cal = office(workdays={saturday: ((T(10), T(12)),)})
    assert work_start(cal, saturday) == at(2026, 3, 7, 10)
    assert add_working_time(cal, at(2026, 3, 6, 17), 4 * H) == at(2026, 3, 9, 10)


def test_make_up_day_wins_over_a_holiday_entry_on_the_same_date():
    day = datetime.date(2026, 3, 7)
    cal = office(holidays={day}, workdays={day: ()})
    assert is_working_day(cal, day)


def test_working_time_between_counts_only_open_hours():
    cal = office()
    assert working_time_between(cal, at(2026, 3, 6, 17), at(2026, 3, 9, 10)) == 2 * H
    assert working_time_between(cal, at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)) == H
    assert working_time_between(cal, at(2026, 3, 9, 12), at(2026, 3, 9, 11)) == datetime.timedelta(0)


def test_add_and_between_agree():
    cal = office(holidays={datetime.date(2026, 3, 11)})
    start = at(2026, 3, 9, 16, 45)
    for hours in (0.5, 3, 11, 27):
        due = add_working_time(cal, start, datetime.timedelta(hours=hours))
        assert working_time_between(cal, start, due) == datetime.timedelta(hours=hours)


def test_24x7_is_plain_elapsed_time():
    cal = always_open(SH)
    assert add_working_time(cal, at(2026, 3, 7, 23, 30), 2 * H) == at(2026, 3, 8, 1, 30)
    assert working_time_between(cal, at(2026, 3, 7, 0), at(2026, 3, 9, 0)) == 48 * H


def test_dst_zone_spring_forward_night_does_not_count_twice():
    # America/New_York moves from 02:00 to 03:00 on 2026-03-08 (a Sunday).
    cal = always_open(NY)
    due = add_working_time(cal, at(2026, 3, 8, 0, 0, tz=NY), 4 * H)
    assert due.astimezone(datetime.UTC) == at(2026, 3, 8, 0, 0, tz=NY).astimezone(datetime.UTC) + 4 * H
    assert due.hour == 5  # 00:00 + 4 h elapsed = 05:00 local after the jump


def test_dst_zone_business_hours_keep_local_opening_times():
    cal = office(tz=NY)
    # Friday 17:00 EST + 2 working hours = Monday 10:00 EDT, across the switch.
    due = add_working_time(cal, at(2026, 3, 6, 17, tz=NY), 2 * H)
    assert (due.date(), due.hour, due.utcoffset()) == (datetime.date(2026, 3, 9), 10, -4 * H)


def test_dst_free_zone_has_no_offset_jumps():
    due = add_working_time(office(), at(2026, 3, 6, 17), 2 * H)
    assert due.utcoffset() == 8 * H


def test_cb1_next_working_day_skips_weekend_and_holiday():
    cal = office(holidays={datetime.date(2026, 3, 9)})
    assert next_working_day(cal, datetime.date(2026, 3, 6)) == datetime.date(2026, 3, 10)


def test_cb6_n_working_days():
    cal = office()
    assert add_working_days(cal, datetime.date(2026, 3, 5), 3) == datetime.date(2026, 3, 10)
    assert add_working_days(cal, datetime.date(2026, 3, 5), 0) == datetime.date(2026, 3, 5)


def test_st1_work_start_and_days_off():
    cal = office()
    assert work_start(cal, datetime.date(2026, 3, 9)) == at(2026, 3, 9, 9)
    assert work_start(cal, datetime.date(2026, 3, 7)) is None


def test_calendar_without_any_hours_is_an_error_not_a_hang():
    with pytest.raises(NoWorkingTime):
        add_working_time(Calendar(tz=SH, weekly={}), at(2026, 3, 9), H)


def test_negative_duration_is_refused():
    with pytest.raises(ValueError):
        add_working_time(office(), at(2026, 3, 9), -H)


@pytest.mark.django_db
def test_seeded_default_calendar_loads_from_the_database():
    from staff.models import CalendarDay
    from staff.selectors import calendar_load, work_calendar_default

    default = work_calendar_default()
    CalendarDay.objects.create(calendar=default, date=datetime.date(2026, 10, 1), kind="holiday", name="National Day")
    cal = calendar_load()
    assert cal.weekly[0] == OFFICE and 5 not in cal.weekly
    assert not is_working_day(cal, datetime.date(2026, 10, 1))
