"""Leave requests (ST-2): approvals by manager and HR, certificate, return report, availability."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from staff import selectors, services
from staff.models import LeaveRequest, LeaveStatus
from staff.roles import Role

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2026, 3, 16)


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=TZ)


@pytest.fixture
def manager():
    return UserFactory(username="boss", roles=[Role.DUTY_MANAGER])


@pytest.fixture
def hr():
    return UserFactory(username="hr", roles=[Role.HR])


@pytest.fixture
def employee(manager):
    return EmployeeFactory(username="liu", roles=[Role.ENGINEER], manager=manager)


def submit(employee, *, days, kind="annual", start=MONDAY, **extra) -> LeaveRequest:
    return services.leave_request_submit(
        employee=employee,
        kind=kind,
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        reason="family matters",
        now=at(10),
        **extra,
    )


def test_st2_leave_of_exactly_three_days_needs_only_the_manager(employee, manager, hr):
    leave = submit(employee, days=3)
    assert (leave.days, leave.needs_hr) == (3, False)
    assert manager.notifications.filter(url=leave.get_absolute_url()).exists()
    leave = services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(11))
    assert leave.status == LeaveStatus.APPROVED and leave.approved_at == at(11)
    assert not hr.notifications.exists()
    assert employee.notifications.filter(url=leave.get_absolute_url()).exists()


def test_st2_leave_of_four_days_also_needs_hr(employee, manager, hr):
    leave = submit(employee, days=4)
    assert (leave.days, leave.needs_hr) == (4, True)
    leave = services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(11))
    assert leave.status == LeaveStatus.MANAGER_APPROVED and leave.approved_at is None
    assert hr.notifications.filter(url=leave.get_absolute_url()).exists()
    with pytest.raises(PermissionDenied):  # the manager cannot take HR's step
        services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(12))
    leave = services.leave_request_decide(leave=leave, actor=hr, approve=True, now=at(12))
    assert leave.status == LeaveStatus.APPROVED and leave.approved_at == at(12) and leave.hr_decided_by == hr


def test_st2_days_are_working_days_so_a_weekend_does_not_count(employee):
    friday = datetime.date(2026, 3, 13)
    leave = submit(employee, days=4, start=friday)  # Friday to Monday
    assert (leave.days, leave.needs_hr) == (2, False)


def test_st2_only_the_manager_or_a_service_manager_decides(employee):
    leave = submit(employee, days=1)
    stranger = UserFactory(roles=[Role.DUTY_MANAGER])
    with pytest.raises(PermissionDenied):
        services.leave_request_decide(leave=leave, actor=stranger, approve=True, now=at(11))
    with pytest.raises(PermissionDenied):
        services.leave_request_decide(leave=leave, actor=employee, approve=True, now=at(11))
    service_manager = UserFactory(roles=[Role.SERVICE_MANAGER])
    leave = services.leave_request_decide(leave=leave, actor=service_manager, approve=True, now=at(11))
    assert leave.status == LeaveStatus.APPROVED


def test_st2_rejection_needs_a_reason(employee, manager):
    leave = submit(employee, days=1)
    with pytest.raises(ValidationError) as error:
        services.leave_request_decide(leave=leave, actor=manager, approve=False, now=at(11))
    assert "note" in error.value.error_dict
    leave = services.leave_request_decide(leave=leave, actor=manager, approve=False, note="busy week", now=at(11))
    assert leave.status == LeaveStatus.REJECTED
    with pytest.raises(ValidationError):
        services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(12))


def test_st2_overlapping_requests_are_refused(employee):
    submit(employee, days=2)
    with pytest.raises(ValidationError):
        submit(employee, days=1, start=MONDAY + datetime.timedelta(days=1))


def test_st2_a_period_without_working_days_is_refused(employee):
    with pytest.raises(ValidationError):
        submit(employee, days=2, start=datetime.date(2026, 3, 14))  # Saturday and Sunday


def test_st2_sick_leave_return_needs_the_certificate(employee, manager):
    leave = submit(employee, days=1, kind="sick", start=datetime.date(2026, 3, 10))
    services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(9, 8))
    with pytest.raises(ValidationError) as error:
        services.leave_return_report(leave=leave, employee=employee, returned_on=datetime.date(2026, 3, 11), now=at(11))
    assert "certificate" in error.value.error_dict
    certificate = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 hospital", content_type="application/pdf")
    services.leave_certificate_upload(leave=leave, employee=employee, certificate=certificate, now=at(11))
    leave = services.leave_return_report(
        leave=leave, employee=employee, returned_on=datetime.date(2026, 3, 11), now=at(11)
    )
    assert leave.status == LeaveStatus.RETURNED and leave.certificate.name.endswith(".pdf")


def test_st2_return_cannot_be_reported_for_the_future(employee, manager):
    leave = submit(employee, days=1, start=datetime.date(2026, 3, 10))
    services.leave_request_decide(leave=leave, actor=manager, approve=True, now=at(9, 8))
    with pytest.raises(ValidationError):
        services.leave_return_report(leave=leave, employee=employee, returned_on=datetime.date(2026, 3, 12), now=at(11))


def test_st2_only_the_employee_reports_back_or_cancels(employee, manager):
    leave = submit(employee, days=1)
    with pytest.raises(PermissionDenied):
        services.leave_cancel(leave=leave, employee=manager, now=at(11))
    leave = services.leave_cancel(leave=leave, employee=employee, now=at(11))
    assert leave.status == LeaveStatus.CANCELLED


def test_gn3_engineers_available_leaves_out_approved_leave_in_the_window(employee, manager):
    free = EmployeeFactory(username="zhao", roles=[Role.ENGINEER])
    pending = EmployeeFactory(username="sun", roles=[Role.ENGINEER])
    UserFactory(username="agent", roles=[Role.AGENT])
    EmployeeFactory(username="gone", roles=[Role.ENGINEER], is_active=False)
    services.leave_request_decide(leave=submit(employee, days=2), actor=manager, approve=True, now=at(11))
    submit(pending, days=2)
    window = {
        "start": datetime.datetime(2026, 3, 17, 14, tzinfo=TZ),
        "end": datetime.datetime(2026, 3, 17, 18, tzinfo=TZ),
    }
    assert {u.username for u in selectors.engineers_available(**window)} == {"zhao", "sun"}
    after = {"start": datetime.datetime(2026, 3, 18, 0, tzinfo=TZ), "end": datetime.datetime(2026, 3, 19, 0, tzinfo=TZ)}
    assert {u.username for u in selectors.engineers_available(**after)} == {"zhao", "sun", "liu"}
    assert free.profile.employee_number  # rows carry the profile for ranking


def test_gn3_engineers_available_after_an_early_return(employee, manager):
    leave = services.leave_request_decide(leave=submit(employee, days=5), actor=manager, approve=True, now=at(11))
    services.leave_request_decide(leave=leave, actor=UserFactory(roles=[Role.HR]), approve=True, now=at(12))
    services.leave_return_report(leave=leave, employee=employee, returned_on=datetime.date(2026, 3, 18), now=at(18, 9))
    wednesday = {
        "start": datetime.datetime(2026, 3, 18, 9, tzinfo=TZ),
        "end": datetime.datetime(2026, 3, 18, 12, tzinfo=TZ),
    }
    tuesday = {
        "start": datetime.datetime(2026, 3, 17, 9, tzinfo=TZ),
        "end": datetime.datetime(2026, 3, 17, 12, tzinfo=TZ),
    }
    assert selectors.engineers_available(**wednesday).filter(pk=employee.pk).exists()
    assert not selectors.engineers_available(**tuesday).filter(pk=employee.pk).exists()


def test_st2_certificate_must_be_a_pdf_or_a_photo(employee):
    leave = submit(employee, days=1, kind="sick")
    program = SimpleUploadedFile("certificate.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        services.leave_certificate_upload(leave=leave, employee=employee, certificate=program, now=at(11))
    assert "certificate" in error.value.error_dict
    leave.refresh_from_db()
    assert not leave.certificate
