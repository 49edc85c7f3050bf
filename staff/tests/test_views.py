"""Staff pages: who may see and do what, forms that keep input, and pinned query counts."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from staff import services
from staff.models import (
    AttendanceIncident,
    DeductionRun,
    FundEntry,
    LeaveRequest,
    PenaltyProposal,
    SignIn,
    SiteVisitNotice,
    TravelRequest,
)
from staff.roles import Role
from tickets.tests.factories import TicketFactory

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 8, 50, tzinfo=TZ)
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def duty():
    return EmployeeFactory(username="duty", roles=[Role.DUTY_MANAGER])


@pytest.fixture
def employee(duty):
    return EmployeeFactory(username="liu", full_name="刘洋", roles=[Role.ENGINEER], manager=duty)


@pytest.fixture
def colleague():
    return EmployeeFactory(username="zhao", roles=[Role.ENGINEER])


@pytest.fixture
def hr():
    return EmployeeFactory(username="hr", roles=[Role.HR])


def login(client, user):
    client.force_login(user)
    return client


def leave_for(employee, *, days=1, start=datetime.date(2026, 3, 16)):
    return services.leave_request_submit(
        employee=employee,
        kind="annual",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        reason="rest",
        now=NOW,
    )


def proposal_for(employee, code="st3-unreachable"):
    return services.penalty_propose(rule_code=code, employee=employee, source=TicketFactory(), occurred_at=NOW)[0]


# --- Attendance -------------------------------------------------------------------------------------


def test_st1_sign_in_from_a_phone_records_time_and_channel(client, employee):
    response = login(client, employee).post(reverse("staff:sign_in"), HTTP_USER_AGENT=PHONE, follow=True)
    sign_in = SignIn.objects.get(employee=employee)
    assert (sign_in.signed_in_at, sign_in.channel) == (NOW, "phone")
    assert "Signed in at 08:50" in response.content.decode()


def test_st1_site_notice_without_a_place_keeps_the_note(client, employee):
    response = login(client, employee).post(reverse("staff:site_notice"), {"place": "", "note": "customer called at 8"})
    assert response.status_code == 200 and not SiteVisitNotice.objects.exists()
    form = response.context["notice_form"]
    assert "place" in form.errors and form["note"].value() == "customer called at 8"


def test_st1_site_notice_is_recorded_and_shown(client, employee, duty):
    response = login(client, employee).post(
        reverse("staff:site_notice"), {"place": "Bright Co., Shenzhen", "note": ""}, follow=True
    )
    assert SiteVisitNotice.objects.get(employee=employee).given_at == NOW
    assert "Notice given at 08:50" in response.content.decode()
    assert duty.notifications.filter(title__contains="Bright Co.").exists()


def test_st3_manager_records_an_incident_for_a_report_only(client, employee, colleague, duty):
    login(client, duty)
    response = client.get(reverse("staff:incident_new"))
    assert list(response.context["form"].fields["employee"].queryset) == [employee]
    client.post(
        reverse("staff:incident_new"),
        {"employee": colleague.pk, "kind": "unreachable", "occurred_at": "2026-03-10T10:00"},
    )
    assert not AttendanceIncident.objects.exists()  # not one of the duty manager's reports
    client.post(
        reverse("staff:incident_new"),
        {"employee": employee.pk, "kind": "unreachable", "occurred_at": "2026-03-10T10:00", "details": "3 calls"},
    )
    incident = AttendanceIncident.objects.get()
    assert (incident.employee, incident.recorded_by) == (employee, duty)
    assert PenaltyProposal.objects.get().rule.code == "st3-unreachable"


def test_st1_team_board_shows_only_the_managers_reports(client, employee, colleague, duty):
    services.attendance_sign_in(employee=employee, now=NOW)
    response = login(client, duty).get(reverse("staff:team"), {"day": "2026-03-10"})
    rows = list(response.context["page"].object_list)
    assert [row.username for row in rows] == ["duty", "liu"] and rows[1].signed_in_at == NOW


def test_team_board_is_for_managers_and_hr_only(client, employee):
    assert login(client, employee).get(reverse("staff:team")).status_code == 403


# --- Leave (ST-2) -----------------------------------------------------------------------------------


def test_st2_employee_asks_for_leave_and_the_manager_is_told(client, employee, duty):
    response = login(client, employee).post(
        reverse("staff:leave_new"),
        {"kind": "annual", "start_date": "2026-03-16", "end_date": "2026-03-19", "reason": "wedding", "handover": ""},
    )
    leave = LeaveRequest.objects.get()
    assert response.url == leave.get_absolute_url()
    assert (leave.days, leave.needs_hr, leave.status) == (4, True, "submitted")
    assert duty.notifications.filter(url=leave.get_absolute_url()).exists()


def test_st2_bad_leave_form_keeps_what_was_typed(client, employee):
    response = login(client, employee).post(
        reverse("staff:leave_new"),
        {"kind": "annual", "start_date": "2026-03-19", "end_date": "2026-03-16", "reason": "keep this"},
    )
    assert response.status_code == 200 and not LeaveRequest.objects.exists()
    assert "end_date" in response.context["form"].errors
    assert "keep this" in response.content.decode()


def test_st2_manager_then_hr_approve_through_the_pages(client, employee, duty, hr):
    leave = leave_for(employee, days=4)
    login(client, duty).post(reverse("staff:leave_decide", args=[leave.pk]), {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == "manager_approved"
    assert login(client, duty).get(reverse("staff:leave_detail", args=[leave.pk])).context["can_decide"] is False
    login(client, hr).post(reverse("staff:leave_decide", args=[leave.pk]), {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == "approved" and leave.hr_decided_by == hr


def test_st2_reject_without_a_note_shows_the_error(client, employee, duty):
    leave = leave_for(employee)
    response = login(client, duty).post(reverse("staff:leave_decide", args=[leave.pk]), {"decision": "reject"})
    assert response.status_code == 200 and "note" in response.context["decision_form"].errors
    leave.refresh_from_db()
    assert leave.status == "submitted"


def test_st2_employees_see_only_their_own_leave(client, employee, colleague, duty, hr):
    leave = leave_for(employee)
    assert login(client, colleague).get(reverse("staff:leave_detail", args=[leave.pk])).status_code == 404
    assert login(client, duty).get(reverse("staff:leave_detail", args=[leave.pk])).status_code == 200
    assert login(client, hr).get(reverse("staff:leave_detail", args=[leave.pk])).status_code == 200
    leave_for(colleague)
    response = login(client, employee).get(reverse("staff:leave_list"))
    assert [item.pk for item in response.context["page"].object_list] == [leave.pk]


def test_st2_colleague_cannot_decide_by_posting(client, employee, colleague, duty):
    leave = leave_for(employee)
    other = EmployeeFactory(username="other-duty", roles=[Role.DUTY_MANAGER])
    colleague.manager = duty
    colleague.save()
    # another duty manager does not see the request at all; a peer employee neither
    assert (
        login(client, other).post(reverse("staff:leave_decide", args=[leave.pk]), {"decision": "approve"}).status_code
        == 404
    )
    assert (
        login(client, colleague)
        .post(reverse("staff:leave_decide", args=[leave.pk]), {"decision": "approve"})
        .status_code
        == 404
    )
    leave.refresh_from_db()
    assert leave.status == "submitted"


def test_st2_certificate_is_served_only_to_people_who_see_the_leave(client, employee, colleague, duty):
    from django.core.files.uploadedfile import SimpleUploadedFile

    leave = leave_for(employee)
    login(client, employee).post(
        reverse("staff:leave_certificate", args=[leave.pk]),
        {"certificate": SimpleUploadedFile("note.pdf", b"%PDF hospital", content_type="application/pdf")},
    )
    url = reverse("staff:leave_certificate_file", args=[leave.pk])
    assert b"".join(login(client, duty).get(url).streaming_content) == b"%PDF hospital"
    assert login(client, colleague).get(url).status_code == 404


# --- Penalties (ST-13) ------------------------------------------------------------------------------


def test_st13_employee_sees_own_proposals_and_adds_a_statement(client, employee, colleague):
    mine, theirs = proposal_for(employee), proposal_for(colleague)
    login(client, employee)
    assert [p.pk for p in client.get(reverse("staff:penalty_list")).context["page"].object_list] == [mine.pk]
    assert client.get(reverse("staff:penalty_detail", args=[theirs.pk])).status_code == 404
    client.post(reverse("staff:penalty_statement", args=[mine.pk]), {"statement": "I was in the lift."})
    mine.refresh_from_db()
    assert mine.employee_statement == "I was in the lift."


def test_st13_confirm_outside_the_range_keeps_the_form(client, employee, duty):
    proposal = proposal_for(employee)
    response = login(client, duty).post(
        reverse("staff:penalty_confirm", args=[proposal.pk]), {"amount": "60", "note": "third time"}
    )
    assert response.status_code == 200 and "amount" in response.context["confirm_form"].errors
    assert response.context["confirm_form"]["note"].value() == "third time"
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    client.post(reverse("staff:penalty_confirm", args=[proposal.pk]), {"amount": "50", "note": "third time"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.amount) == ("confirmed", Decimal("50"))


def test_st13_waive_through_the_page(client, employee, duty):
    proposal = proposal_for(employee)
    login(client, duty).post(reverse("staff:penalty_waive", args=[proposal.pk]), {"reason": "network outage"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == ("waived", "network outage")


def test_st13_employees_cannot_decide_or_open_the_queue(client, employee, colleague):
    proposal = proposal_for(colleague)
    login(client, employee)
    assert client.get(reverse("staff:penalty_queue")).status_code == 403
    assert client.post(reverse("staff:penalty_confirm", args=[proposal.pk]), {"amount": "20"}).status_code == 403


def test_st13_hr_sees_proposals_but_does_not_decide(client, employee, hr):
    proposal = proposal_for(employee)
    login(client, hr)
    response = client.get(reverse("staff:penalty_detail", args=[proposal.pk]))
    assert response.status_code == 200 and response.context["can_decide"] is False
    assert client.post(reverse("staff:penalty_confirm", args=[proposal.pk]), {"amount": "20"}).status_code == 403


# --- Payroll and fund (ST-13) -----------------------------------------------------------------------


def test_st13_hr_prepares_exports_and_downloads_the_locked_run(client, employee, duty, hr):
    proposal = proposal_for(employee, code="st8-late-service-form")
    services.penalty_confirm(proposal=proposal, amount=Decimal("30"), actor=duty, now=NOW)
    login(client, hr)
    client.post(reverse("staff:payroll"), {"month": "2026-03"})
    run = DeductionRun.objects.get()
    assert client.get(reverse("staff:payroll_csv", args=[run.pk])).status_code == 404  # draft: no file yet
    client.post(reverse("staff:payroll_export", args=[run.pk]))
    run.refresh_from_db()
    assert run.is_locked and FundEntry.objects.get().amount == Decimal("30")
    response = client.get(reverse("staff:payroll_csv", args=[run.pk]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "month,employee_number,username,name,team,fines,amount"
    assert lines[1] == f"2026-03,{employee.profile.employee_number},liu,刘洋,,1,30.00"
    response = client.post(reverse("staff:payroll"), {"month": "2026-03"})
    assert "locked" in str(response.context["form"].errors)


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.SERVICE_MANAGER, Role.DUTY_MANAGER])
def test_st13_payroll_is_for_hr_only(client, role):
    assert login(client, UserFactory(roles=[role])).get(reverse("staff:payroll")).status_code == 403


def test_st13_fund_is_for_hr_and_the_service_manager(client, employee):
    assert login(client, employee).get(reverse("staff:fund")).status_code == 403
    assert login(client, UserFactory(roles=[Role.SERVICE_MANAGER])).get(reverse("staff:fund")).status_code == 200


def test_st13_fund_spending_over_the_balance_is_refused_on_the_page(client, hr):
    response = login(client, hr).post(
        reverse("staff:fund"), {"amount": "10", "booked_on": "2026-03-10", "description": "Tea"}
    )
    assert "amount" in response.context["form"].errors and not FundEntry.objects.exists()


# --- Travel (ST-15) and assessments (ST-14) ---------------------------------------------------------


def test_st15_trip_request_approval_and_claim_through_the_pages(client, employee, duty):
    login(client, employee).post(
        reverse("staff:travel_new"),
        {
            "destination": "成都 Chengdu",
            "purpose": "installation",
            "departs_at": "2026-03-02T08:00",
            "returns_at": "2026-03-04T18:00",
            "estimated_cost": "1200",
        },
    )
    travel = TravelRequest.objects.get()
    login(client, duty).post(reverse("staff:travel_decide", args=[travel.pk]), {"decision": "approve"})
    login(client, employee).post(
        reverse("staff:claim_new", args=[travel.pk]),
        {
            "departed_at": "2026-03-02T12:30",
            "returned_at": "2026-03-04T11:00",
            "lodging_invoiced": "260",
            "transport_amount": "480",
            "local_transport_amount": "20",
            "other_amount": "0",
        },
    )
    claim = TravelRequest.objects.get().claim
    assert (claim.days, claim.meals_allowance, claim.lodging_allowed) == (
        Decimal("2.0"),
        Decimal("60.00"),
        Decimal("240"),
    )
    assert claim.total == Decimal("800.00") and not claim.is_late
    login(client, duty).post(reverse("staff:claim_decide", args=[travel.pk]), {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_st15_only_the_traveller_opens_the_claim_form(client, employee, duty):
    travel = services.travel_request_submit(
        employee=employee,
        destination="X",
        purpose="y",
        departs_at=NOW,
        returns_at=NOW + datetime.timedelta(hours=5),
        now=NOW,
    )
    assert login(client, duty).get(reverse("staff:claim_new", args=[travel.pk])).status_code == 403


def test_st14_manager_records_an_assessment_employee_sees_only_own(client, employee, colleague, duty):
    login(client, duty).post(
        reverse("staff:assessment_new"),
        {
            "employee": employee.pk,
            "kind": "periodic",
            "assessed_on": "2026-03-10",
            "score": "91",
            "outcome": "passed",
            "salary_after": "6500",
        },
    )
    employee.profile.refresh_from_db()
    assert employee.profile.base_salary == Decimal("6500")
    response = login(client, colleague).get(reverse("staff:assessments"))
    assert list(response.context["page"].object_list) == []
    response = login(client, employee).get(reverse("staff:assessments"))
    assert len(response.context["page"].object_list) == 1


def test_approvals_inbox_lists_what_waits_for_the_user(client, employee, colleague, duty, hr):
    mine = leave_for(employee, days=4)
    leave_for(colleague)  # not a report of the duty manager
    login(client, duty)
    assert [leave.pk for leave in client.get(reverse("staff:approvals")).context["leaves"]] == [mine.pk]
    services.leave_request_decide(leave=mine, actor=duty, approve=True, now=NOW)
    assert list(client.get(reverse("staff:approvals")).context["leaves"]) == []
    assert [leave.pk for leave in login(client, hr).get(reverse("staff:approvals")).context["leaves"]] == [mine.pk]
    assert login(client, employee).get(reverse("staff:approvals")).status_code == 403


def _nav_labels(response) -> set[str]:
    """Every menu entry, inside groups or standing alone."""
    labels = set()
    for entry in response.context["nav_items"]:
        for item in entry.get("children", [entry]):
            labels.add(str(item["label"]))
    return labels


def test_navigation_shows_staff_entries_by_role(client, employee, hr):
    labels = _nav_labels(login(client, employee).get(reverse("staff:attendance")))
    assert {"Attendance", "Leave", "Travel", "Penalties"} <= labels and "Payroll" not in labels
    labels = _nav_labels(login(client, hr).get(reverse("staff:attendance")))
    assert {"Approvals", "Payroll"} <= labels
