"""Attendance: sign-in, site-visit notice, incidents and the daily classification (ST-1, ST-2, HL-4)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from staff import services
from staff.models import AttendanceDay, AttendanceIncident, IncidentKind, PenaltyProposal, SignIn
from staff.models.leave import LeaveStatus
from staff.roles import Role
from staff.tasks import attendance_classify
from tickets.tests.factories import TicketFactory

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY = datetime.date(2026, 3, 10)
EVENING = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=TZ)


def at(hour, minute=0, day=10):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def manager():
    return UserFactory(username="boss", roles=[Role.SERVICE_MANAGER])


@pytest.fixture
def employee(manager):
    return EmployeeFactory(username="liu", roles=[Role.ENGINEER], manager=manager)


def classified(employee, day=TUESDAY) -> AttendanceDay:
    return AttendanceDay.objects.get(employee=employee, day=day)


def proposals(employee):
    return list(PenaltyProposal.objects.filter(employee=employee).values_list("rule__code", "status"))


@pytest.mark.parametrize(("minute", "status"), [(59, "present"), (61, "late")])
def test_st1_sign_in_at_0859_present_0901_late(employee, minute, status):
    signed = at(8) + datetime.timedelta(minutes=minute)
    with time_machine.travel(signed, tick=False):
        services.attendance_sign_in(employee=employee, now=signed)
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    day = classified(employee)
    assert day.status == status and day.signed_in_at == signed
    expected = [] if status == "present" else [("st1-late", "proposed")]
    assert proposals(employee) == expected


def test_st1_second_sign_in_keeps_the_first_time(employee):
    first, created = services.attendance_sign_in(employee=employee, now=at(8, 55))
    again, created_again = services.attendance_sign_in(employee=employee, now=at(9, 30), channel=SignIn.Channel.PHONE)
    assert created and not created_again and first.pk == again.pk
    assert SignIn.objects.get().signed_in_at == at(8, 55)


def test_st1_site_visit_notice_before_start_is_field_duty(employee, manager):
    notice, created = services.site_visit_notice_give(employee=employee, now=at(8, 45), place="客户 Bright Co.")
    assert created
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert (classified(employee).status, classified(employee).reason) == ("field", "notice")
    assert proposals(employee) == []
    # the manager is told, as the rule's phone call would
    assert manager.notifications.filter(title__contains="Bright Co.").exists()


def test_st1_site_visit_notice_after_start_is_late(employee):
    services.site_visit_notice_give(employee=employee, now=at(9, 10), place="Bright Co.")
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert (classified(employee).status, classified(employee).reason) == ("late", "notice_late")
    assert proposals(employee) == [("st1-late", "proposed")]


def test_st1_no_sign_in_no_notice_is_absence_with_a_proposal(employee):
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert classified(employee).status == "absent"
    proposal = PenaltyProposal.objects.get(employee=employee)
    assert proposal.rule.code == "st1-absence" and proposal.source == classified(employee)
    assert proposal.occurred_at == at(9)


def test_st1_classification_rerun_gives_the_same_result(employee):
    other = EmployeeFactory(manager=employee.manager)
    services.attendance_sign_in(employee=other, now=at(9, 20))
    first = services.attendance_classify_day(day=TUESDAY, now=EVENING)
    rows = list(AttendanceDay.objects.order_by("employee_id").values_list("employee_id", "status", "reason"))
    second = services.attendance_classify_day(day=TUESDAY, now=EVENING + datetime.timedelta(minutes=5))
    assert first == second == {"absent": 1, "late": 1}
    assert list(AttendanceDay.objects.order_by("employee_id").values_list("employee_id", "status", "reason")) == rows
    assert PenaltyProposal.objects.count() == 2


def test_st1_reclassified_day_withdraws_the_stale_proposal(employee):
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    # A sign-in found later (e.g. entered by an admin) turns the absence into lateness.
    SignIn.objects.create(employee=employee, day=TUESDAY, signed_in_at=at(9, 30))
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert classified(employee).status == "late"
    assert sorted(proposals(employee)) == [("st1-absence", "waived"), ("st1-late", "proposed")]


def test_st1_day_is_not_classified_before_work_is_over(employee):
    counts = services.attendance_classify_day(day=TUESDAY, now=at(17, 0))
    assert counts == {"pending": 1}
    assert not AttendanceDay.objects.exists()


def test_st1_weekend_is_not_classified(employee):
    saturday = datetime.date(2026, 3, 14)
    assert services.attendance_classify_day(day=saturday, now=at(23, 0, day=14)) == {}


def test_st1_users_without_a_profile_are_not_classified(employee):
    UserFactory(roles=[Role.ADMIN])
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert AttendanceDay.objects.count() == 1


def test_st2_leave_not_approved_before_it_starts_is_absence(employee, manager):
    leave = services.leave_request_submit(
        employee=employee, kind="personal", start_date=TUESDAY, end_date=TUESDAY, reason="family", now=at(8, 0, day=9)
    )
    services.attendance_classify_day(day=TUESDAY, now=EVENING)  # still pending on the day
    assert (classified(employee).status, classified(employee).reason) == ("absent", "leave_not_approved")
    services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(10, 0))  # approved after 09:00
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert classified(employee).status == "absent"
    assert proposals(employee) == [("st2-unapproved-leave", "proposed")]


def test_st2_leave_approved_in_advance_is_on_leave(employee, manager):
    leave = services.leave_request_submit(
        employee=employee, kind="annual", start_date=TUESDAY, end_date=TUESDAY, reason="rest", now=at(8, 0, day=9)
    )
    services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(9, 30, day=9))
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert classified(employee).status == "on_leave" and classified(employee).leave == leave
    assert proposals(employee) == []


def test_st2_days_after_an_early_return_need_a_sign_in_again(employee, manager):
    monday, friday = datetime.date(2026, 3, 9), datetime.date(2026, 3, 13)
    leave = services.leave_request_submit(
        employee=employee, kind="annual", start_date=monday, end_date=friday, reason="rest", now=at(8, 0, day=6)
    )
    services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(9, 0, day=6))
    services.leave_request_decide(leave=leave, actor=UserFactory(roles=[Role.HR]), approve=True, now=at(10, 0, day=6))
    leave = services.leave_return_report(leave=leave, employee=employee, returned_on=TUESDAY, now=at(8, 50))
    assert leave.status == LeaveStatus.RETURNED
    services.attendance_classify_day(day=monday, now=EVENING)
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert classified(employee, monday).status == "on_leave"
    assert classified(employee).status == "absent"  # back from leave but never signed in


def test_st15_approved_trip_day_is_field_duty(employee, manager):
    travel = services.travel_request_submit(
        employee=employee,
        destination="成都 Chengdu",
        purpose="install",
        departs_at=at(7, 0, day=9),
        returns_at=at(20, 0, day=11),
        now=at(10, 0, day=6),
    )
    services.travel_request_decide(travel=travel, actor=manager, approve=True, now=at(11, 0, day=6))
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert (classified(employee).status, classified(employee).reason) == ("field", "travel")


def test_hl4_seat_not_ready_incident_makes_the_day_late_once(employee):
    shift = TicketFactory()  # stands in for the hotline's duty shift
    services.attendance_sign_in(employee=employee, now=at(8, 50))
    first, created = services.attendance_incident_record(
        employee=employee, kind=IncidentKind.SEAT_NOT_READY, occurred_at=at(9, 10), source=shift, details="seat 3"
    )
    again, created_again = services.attendance_incident_record(
        employee=employee, kind=IncidentKind.SEAT_NOT_READY, occurred_at=at(9, 11), source=shift
    )
    assert created and not created_again and first.pk == again.pk
    assert AttendanceIncident.objects.count() == 1
    assert PenaltyProposal.objects.count() == 0  # the classified day proposes, not the incident
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    services.attendance_classify_day(day=TUESDAY, now=EVENING)
    assert (classified(employee).status, classified(employee).reason) == ("late", "seat_not_ready")
    assert proposals(employee) == [("st1-late", "proposed")]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (IncidentKind.UNREACHABLE, "st3-unreachable"),
        (IncidentKind.MEETING_LATE, "st4-meeting-late"),
        (IncidentKind.MEETING_ABSENT, "st4-meeting-absent"),
        (IncidentKind.WINDOWS_POWER, "st5-windows-power"),
    ],
)
def test_st3_st4_st5_incidents_propose_their_penalty_once_per_source(employee, kind, code):
    meeting = TicketFactory()
    for _ in range(2):
        services.attendance_incident_record(employee=employee, kind=kind, occurred_at=at(14), source=meeting)
    proposal = PenaltyProposal.objects.get()
    assert proposal.rule.code == code and proposal.source == AttendanceIncident.objects.get()


def test_st3_manual_incidents_without_a_source_are_each_recorded(employee, manager):
    for _ in range(2):
        services.attendance_incident_record(
            employee=employee, kind=IncidentKind.UNREACHABLE, occurred_at=at(15), recorded_by=manager
        )
    assert AttendanceIncident.objects.count() == 2 and PenaltyProposal.objects.count() == 2


def test_st1_daily_task_classifies_today_and_yesterday_and_is_scheduled(employee):
    with time_machine.travel(EVENING, tick=False):
        result = attendance_classify.delay().get()
    assert set(result) == {"2026-03-09", "2026-03-10"}
    assert AttendanceDay.objects.filter(employee=employee).count() == 2
    with time_machine.travel(EVENING, tick=False):
        attendance_classify.delay().get()
    assert AttendanceDay.objects.count() == 2 and PenaltyProposal.objects.count() == 2
    task = PeriodicTask.objects.get(task="staff.tasks.attendance_classify")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("23", "30")
