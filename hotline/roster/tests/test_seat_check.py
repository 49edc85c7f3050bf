"""HL-4: duty engineers signed in at their seat within 10 minutes of the shift start (frozen time)."""

import datetime

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from hotline.roster import services, tasks
from hotline.roster.models import ShiftAssignment
from hotline.roster.tests.factories import ShiftFactory, ShiftTemplateFactory, at
from servicedesk.core.models import Notification
from staff.models import AttendanceIncident, IncidentKind
from staff.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def nine(duty):
    """Published shift Monday 2026-12-07 09:00-18:00."""
    template = ShiftTemplateFactory(code="nine", name="Nine", start=datetime.time(9), end=datetime.time(18))
    return ShiftFactory(template=template, duty_manager=duty)


@pytest.fixture
def duty_row(nine, seats, make_user, duty):
    agent = make_user(Role.AGENT, full_name="Late Agent")
    assignment = services.shift_assign(shift=nine, engineer=agent, seat=seats[0], by=duty, now=at("2026-12-01 10:00"))
    services.roster_publish(first_day=nine.date, last_day=nine.date, by=duty, now=at("2026-12-01 10:00"))
    return assignment


def incidents():
    return AttendanceIncident.objects.filter(kind=IncidentKind.SEAT_NOT_READY)


def test_hl4_nothing_happens_before_10_minutes_after_start(duty_row):
    assert tasks.seat_check(now=at("2026-12-07 09:09:59").isoformat()) == 0
    duty_row.refresh_from_db()
    assert duty_row.seat_checked_at is None and not incidents().exists()


def test_hl4_not_signed_in_at_09_10_records_attendance_event_and_tells_duty_manager(duty_row, duty):
    assert tasks.seat_check(now=at("2026-12-07 09:10:00").isoformat()) == 1
    incident = incidents().get()
    assert incident.employee == duty_row.engineer
    assert incident.occurred_at == at("2026-12-07 09:10")
    assert incident.source_id == duty_row.pk
    duty_row.refresh_from_db()
    assert duty_row.seat_checked_at == at("2026-12-07 09:10") and duty_row.seat_ready is False
    note = Notification.objects.get(key=f"roster:seat-not-ready:{duty_row.pk}")
    assert note.recipient == duty and "8001" in note.title


def test_hl4_signed_in_at_09_09_59_is_ready(duty_row):
    services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 09:09:59"))
    assert tasks.seat_check(now=at("2026-12-07 09:10:00").isoformat()) == 0
    duty_row.refresh_from_db()
    assert duty_row.seat_ready is True and not incidents().exists()


def test_hl4_signed_in_at_09_10_00_is_just_in_time_09_10_01_is_late(duty_row, seats, make_user, nine, duty):
    services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 09:10:00"))
    other = make_user(Role.AGENT)
    late = ShiftAssignment.objects.create(
        shift=nine, engineer=other, seat=seats[1], starts_at=nine.starts_at, ends_at=nine.ends_at,
        assigned_at=at("2026-12-01 10:00"),
    )
    services.duty_sign_in(assignment=late, user=other, now=at("2026-12-07 09:10:01"))
    assert tasks.seat_check(now=at("2026-12-07 09:15").isoformat()) == 1
    assert incidents().get().employee == other


def test_hl4_signed_in_at_another_seat_is_not_ready(duty_row, seats):
    from hotline.roster.services import seat_sign_in

    seat_sign_in(seat=seats[2], user=duty_row.engineer, now=at("2026-12-07 08:55"))
    assert tasks.seat_check(now=at("2026-12-07 09:10").isoformat()) == 1


def test_hl4_double_run_records_once(duty_row):
    assert tasks.seat_check(now=at("2026-12-07 09:10").isoformat()) == 1
    assert tasks.seat_check(now=at("2026-12-07 09:10").isoformat()) == 0
    assert tasks.seat_check(now=at("2026-12-07 09:15").isoformat()) == 0
    assert incidents().count() == 1
    assert Notification.objects.filter(key=f"roster:seat-not-ready:{duty_row.pk}").count() == 1


def test_hl4_late_run_after_downtime_catches_up_with_the_moment_of_the_deadline(duty_row):
    # The engineer arrived at 09:30; beat was down until 11:00: the check still sees 09:10.
    services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 09:30"))
    assert tasks.seat_check(now=at("2026-12-07 11:00").isoformat()) == 1
    assert incidents().get().occurred_at == at("2026-12-07 09:10")


def test_hl4_ready_engineer_who_left_before_the_deadline_is_not_ready(duty_row):
    from hotline.roster.services import seat_sign_out

    services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 08:50"))
    seat_sign_out(user=duty_row.engineer, now=at("2026-12-07 09:05"))
    assert tasks.seat_check(now=at("2026-12-07 09:10").isoformat()) == 1


def test_hl4_unpublished_shift_is_not_checked(nine, seats, make_user, duty):
    services.shift_assign(shift=nine, engineer=make_user(Role.AGENT), seat=seats[0], by=duty, now=at("2026-12-01 10:00"))
    assert tasks.seat_check(now=at("2026-12-07 09:30").isoformat()) == 0


def test_hl4_engineer_assigned_after_start_has_10_minutes_from_assignment(duty_row, seats, make_user, nine, duty):
    tasks.seat_check(now=at("2026-12-07 09:10").isoformat())
    newcomer = make_user(Role.AGENT)
    services.shift_assign(
        shift=nine, engineer=newcomer, seat=seats[1], by=duty, now=at("2026-12-07 09:30"), reason="Cover for a no-show"
    )
    assert tasks.seat_check(now=at("2026-12-07 09:39:59").isoformat()) == 0
    assert tasks.seat_check(now=at("2026-12-07 09:40").isoformat()) == 1
    assert incidents().filter(employee=newcomer).get().occurred_at == at("2026-12-07 09:40")


def test_hl4_shifts_beyond_the_look_back_are_left_alone(duty_row):
    assert tasks.seat_check(now=at("2026-12-09 09:10").isoformat()) == 0


def test_hl4_holiday_engineer_on_forwarded_mobile_has_no_seat_check(seats, make_user, duty):
    holiday = ShiftFactory(date=datetime.date(2026, 12, 8), is_holiday=True, duty_manager=duty)
    agent = make_user(Role.AGENT, phone="13900000001")
    assignment = services.shift_assign(shift=holiday, engineer=agent, seat=seats[0], by=duty, now=at("2026-12-01 10:00"))
    services.roster_publish(first_day=holiday.date, last_day=holiday.date, by=duty, now=at("2026-12-01 10:00"))
    assert assignment.forwards_hotline
    assert tasks.seat_check(now=at("2026-12-08 10:00").isoformat()) == 0


def test_hl4_task_without_argument_uses_the_clock(duty_row):
    with time_machine.travel(at("2026-12-07 09:12"), tick=False):
        assert tasks.seat_check() == 1


def test_hl4_sign_in_window(duty_row):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="from 08:00"):
        services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 07:59"))
    with pytest.raises(ValidationError, match="ended"):
        services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 18:00"))
    sign_in = services.duty_sign_in(assignment=duty_row, user=duty_row.engineer, now=at("2026-12-07 08:00"))
    assert sign_in.seat == duty_row.seat


def test_hl4_schedule_row_every_5_minutes():
    task = PeriodicTask.objects.get(task="roster.seat_check")
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert task.enabled
