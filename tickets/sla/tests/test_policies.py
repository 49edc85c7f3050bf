"""Pure SLA arithmetic: targets, deadlines across nights, weekends, holidays, make-up days and DST,
pauses, warnings, what the sweep does, and the CT-2 reminder schedule. No database."""

import datetime
import zoneinfo

from staff.calendars import Calendar, always_open
from tickets.sla.policies import (
    ResolvedTarget,
    SweepAction,
    clock_deadlines,
    is_working_moment,
    letter_language,
    next_check_at,
    pauses_from_json,
    pauses_to_json,
    reminder_step_due,
    resolve_target,
    sweep_action,
)

SH = zoneinfo.ZoneInfo("Asia/Shanghai")  # no DST
NY = zoneinfo.ZoneInfo("America/New_York")  # DST from 2026-03-08 02:00
T = datetime.time
H = datetime.timedelta(hours=1)
OFFICE = ((T(9), T(12)), (T(13), T(18)))


def office(tz=SH, holidays=(), workdays=None) -> Calendar:
    return Calendar(tz=tz, weekly={d: OFFICE for d in range(5)}, holidays=frozenset(holidays), workdays=workdays or {})


def at(y, m, d, hh=0, mm=0, tz=SH):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=tz)


def due(calendar, start, target, pauses=(), warn_percent=80):
    return clock_deadlines(
        calendar=calendar, started_at=start, target=target, working_days=None, pauses=pauses, warn_percent=warn_percent
    )


# 2026-03-06 is a Friday, 2026-03-09 a Monday.


def test_os8_round_the_clock_respond_is_two_hours_after_the_call_even_at_night():
    assert due(always_open(SH), at(2026, 3, 6, 23, 30), 2 * H).due_at == at(2026, 3, 7, 1, 30)


def test_os8_business_hours_clock_runs_over_night_and_weekend():
    # Friday 17:00: one hour on Friday, the second on Monday morning.
    assert due(office(), at(2026, 3, 6, 17), 2 * H).due_at == at(2026, 3, 9, 10)


def test_os8_business_hours_clock_skips_a_holiday_and_counts_a_make_up_day():
    calendar = office(holidays={datetime.date(2026, 3, 9)}, workdays={datetime.date(2026, 3, 7): ()})
    # Friday 17:00 -> 1 h Friday, Saturday is a make-up working day: due Saturday 10:00.
    assert due(calendar, at(2026, 3, 6, 17), 2 * H).due_at == at(2026, 3, 7, 10)
    # Without the make-up day the Monday holiday pushes it to Tuesday.
    assert due(office(holidays={datetime.date(2026, 3, 9)}), at(2026, 3, 6, 17), 2 * H).due_at == at(2026, 3, 10, 10)


def test_os8_round_the_clock_48h_across_the_spring_dst_change_is_48_real_hours():
    start = at(2026, 3, 7, 12, tz=NY)  # EST
    result = due(always_open(NY), start, 48 * H).due_at
    assert result.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == 48 * H
    assert result == at(2026, 3, 9, 13, tz=NY)  # one wall-clock hour was skipped on 8 March


def test_os8_business_hours_across_the_dst_weekend_keep_office_wall_times():
    # Friday 17:00 EST + 2 working hours = Monday 10:00 EDT (the office opens at 09:00 local time).
    result = due(office(tz=NY), at(2026, 3, 6, 17, tz=NY), 2 * H).due_at
    assert result == at(2026, 3, 9, 10, tz=NY)
    assert result.utcoffset() == datetime.timedelta(hours=-4)


def test_os8_warning_at_eighty_percent_of_counted_time():
    deadlines = due(office(), at(2026, 3, 9, 9), 10 * H)  # 8 h Monday + 2 h Tuesday
    assert deadlines.due_at == at(2026, 3, 10, 11)
    assert deadlines.warn_at == at(2026, 3, 9, 18)  # 8 h are used up at Monday's close


def test_pause_moves_the_deadline_by_the_paused_working_time():
    start = at(2026, 3, 9, 9)
    # Waiting on the customer Monday 10:00-15:00: 4 working hours (lunch does not count).
    pauses = [(at(2026, 3, 9, 10), at(2026, 3, 9, 15))]
    assert due(office(), start, 2 * H, pauses).due_at == at(2026, 3, 9, 16)


def test_paused_clock_has_no_deadline_until_it_resumes():
    pauses = [(at(2026, 3, 9, 10), None)]
    deadlines = due(office(), at(2026, 3, 9, 9), 2 * H, pauses)
    assert deadlines.due_at is None and deadlines.warn_at is None


def test_pause_after_the_deadline_does_not_undo_it():
    pauses = [(at(2026, 3, 9, 16), None)]
    assert due(office(), at(2026, 3, 9, 9), 2 * H, pauses).due_at == at(2026, 3, 9, 11)


def test_several_pauses_add_up():
    pauses = [(at(2026, 3, 9, 9, 30), at(2026, 3, 9, 10)), (at(2026, 3, 9, 10, 30), at(2026, 3, 9, 11, 30))]
    # Counted: 9:00-9:30, 10:00-10:30, 11:30-12:00 = 1.5 h, then 13:00-13:30.
    assert due(office(), at(2026, 3, 9, 9), 2 * H, pauses).due_at == at(2026, 3, 9, 13, 30)


def test_os8_off_hours_target_applies_outside_working_hours_and_counts_round_the_clock():
    night = resolve_target(
        minutes=120, off_hours_minutes=240, working_days=None, calendar=office(), started_at=at(2026, 3, 9, 22)
    )
    assert night == ResolvedTarget(duration=4 * H, working_days=None, business_hours=False, off_hours=True)
    day = resolve_target(
        minutes=120, off_hours_minutes=240, working_days=None, calendar=office(), started_at=at(2026, 3, 9, 10)
    )
    assert day == ResolvedTarget(duration=2 * H, working_days=None, business_hours=True, off_hours=False)


def test_os8_without_off_hours_target_a_night_call_counts_from_the_next_opening():
    target = resolve_target(
        minutes=120, off_hours_minutes=None, working_days=None, calendar=office(), started_at=at(2026, 3, 9, 22)
    )
    assert target.business_hours and not target.off_hours
    assert due(office(), at(2026, 3, 9, 22), target.duration).due_at == at(2026, 3, 10, 11)


def test_os8_policy_without_calendar_counts_round_the_clock():
    target = resolve_target(
        minutes=120, off_hours_minutes=240, working_days=None, calendar=None, started_at=at(2026, 3, 9, 22)
    )
    assert target == ResolvedTarget(duration=2 * H, working_days=None, business_hours=False)


def test_cb1_callback_due_at_close_of_the_next_working_day():
    friday = clock_deadlines(calendar=office(), started_at=at(2026, 3, 6, 16), target=None, working_days=1)
    assert friday.due_at == at(2026, 3, 9, 18)
    saturday = clock_deadlines(calendar=office(), started_at=at(2026, 3, 7, 11), target=None, working_days=1)
    assert saturday.due_at == at(2026, 3, 9, 18)
    with_holiday = clock_deadlines(
        calendar=office(holidays={datetime.date(2026, 3, 9)}),
        started_at=at(2026, 3, 6, 16),
        target=None,
        working_days=1,
    )
    assert with_holiday.due_at == at(2026, 3, 10, 18)
    # Warned at 80 % of the working time between start and deadline (2 h Friday + 8 h Monday).
    assert friday.warn_at == at(2026, 3, 9, 16)


def test_is_working_moment_edges():
    assert is_working_moment(office(), at(2026, 3, 9, 9))
    assert not is_working_moment(office(), at(2026, 3, 9, 12))  # lunch starts
    assert not is_working_moment(office(), at(2026, 3, 7, 10))  # Saturday


def test_next_check_is_warning_then_deadline_then_nothing():
    warn, due_at = at(2026, 3, 9, 10), at(2026, 3, 9, 11)
    common = {"warn_at": warn, "due_at": due_at, "breached_at": None, "stopped_at": None}
    assert next_check_at(warned_at=None, **common) == warn
    assert next_check_at(warned_at=warn, **common) == due_at
    assert next_check_at(warned_at=warn, **{**common, "breached_at": due_at}) is None
    assert next_check_at(warned_at=None, **{**common, "due_at": None}) is None


def test_next_check_of_a_clock_met_late_without_breach_is_its_deadline():
    due_at = at(2026, 3, 9, 11)
    common = {"warn_at": None, "due_at": due_at, "warned_at": None, "breached_at": None}
    assert next_check_at(stopped_at=at(2026, 3, 9, 12), **common) == due_at
    assert next_check_at(stopped_at=at(2026, 3, 9, 10), **common) is None


def test_sweep_action_breach_wins_over_warning_and_needs_the_deadline_passed():
    warn, due_at = at(2026, 3, 9, 10), at(2026, 3, 9, 11)
    common = {"warn_at": warn, "due_at": due_at, "warned_at": None, "breached_at": None, "stopped_at": None}
    assert sweep_action(now=at(2026, 3, 9, 9), **common) is None
    assert sweep_action(now=at(2026, 3, 9, 10, 30), **common) == SweepAction.WARN
    assert sweep_action(now=at(2026, 3, 9, 14), **common) == SweepAction.BREACH
    assert sweep_action(now=at(2026, 3, 9, 14), **{**common, "breached_at": due_at}) is None
    # A clock met in time is never breached, one met late is.
    assert sweep_action(now=at(2026, 3, 9, 14), **{**common, "stopped_at": at(2026, 3, 9, 10, 50)}) is None
    assert (
        sweep_action(now=at(2026, 3, 9, 14), **{**common, "stopped_at": at(2026, 3, 9, 11, 10)}) == SweepAction.BREACH
    )
    # A clock met before its warning is not warned.
    assert sweep_action(now=at(2026, 3, 9, 10, 30), **{**common, "stopped_at": at(2026, 3, 9, 9, 30)}) is None


def test_pauses_round_trip_through_json():
    pauses = [(at(2026, 3, 9, 10), at(2026, 3, 9, 11)), (at(2026, 3, 9, 12), None)]
    assert pauses_from_json(pauses_to_json(pauses)) == pauses


def test_ct2_reminder_step_due_is_the_latest_step_reached():
    end = datetime.date(2026, 12, 31)
    steps = [30, 14, 7]
    assert reminder_step_due(end_date=end, today=datetime.date(2026, 11, 30), steps=steps) is None
    assert reminder_step_due(end_date=end, today=datetime.date(2026, 12, 1), steps=steps) == 30
    assert reminder_step_due(end_date=end, today=datetime.date(2026, 12, 20), steps=steps) == 14
    assert reminder_step_due(end_date=end, today=datetime.date(2026, 12, 31), steps=steps) == 7
    assert reminder_step_due(end_date=end, today=datetime.date(2027, 1, 1), steps=steps) is None


def test_ct2_letter_language_follows_the_customer_name():
    assert letter_language(customer_name="北京华联商贸有限公司") == "zh-hans"
    assert letter_language(customer_name="Shanghai Golden Lotus Hotel") == "en"
