"""A real browser: sign in from a phone, ask for leave, the manager and HR approve; a manager
confirms a penalty and HR exports the month's deductions (ST-1, ST-2, ST-13)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from staff import services
from staff.models import DeductionRun, FundEntry, LeaveRequest, PenaltyProposal, SignIn
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, EmployeeFactory
from tickets.tests.factories import TicketFactory

from .conftest import login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_st1_st2_phone_sign_in_and_leave_approved_by_manager_and_hr(live_server, browser, phone_page, screenshot):
    manager = EmployeeFactory(username="chen", full_name="陈静", roles=[Role.SERVICE_MANAGER])
    EmployeeFactory(username="zhou", full_name="周敏", roles=[Role.HR])
    EmployeeFactory(username="liu", full_name="刘洋", roles=[Role.ENGINEER], manager=manager)

    login(phone_page, live_server, "liu", TEST_PASSWORD)
    phone_page.click("summary")
    nav_click(phone_page, "Attendance")
    phone_page.click("button:has-text('Sign in now')")
    phone_page.wait_for_selector("#signed-in")
    assert SignIn.objects.get().channel == "phone"
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"attendance page is {overflow}px wider than the phone"
    screenshot(phone_page, "staff-attendance-phone")

    today = timezone.localdate()
    start = today + datetime.timedelta(days=7 - today.weekday())  # next Monday
    phone_page.goto(f"{live_server.url}/staff/leave/new/")
    phone_page.select_option("#id_kind", "annual")
    phone_page.fill("#id_start_date", start.isoformat())
    phone_page.fill("#id_end_date", (start + datetime.timedelta(days=3)).isoformat())
    phone_page.fill("#id_reason", "婚假前的准备 Family matters")
    phone_page.click("button:has-text('Send request')")
    phone_page.wait_for_selector("text=Leave request sent to your manager.")
    leave = LeaveRequest.objects.get()
    assert (leave.days, leave.needs_hr) == (4, True)
    screenshot(phone_page, "staff-leave-phone")

    context, page = _new_page(browser)
    login(page, live_server, "chen", TEST_PASSWORD)
    nav_click(page, "Approvals")
    page.click(f"a[href='{leave.get_absolute_url()}']")
    page.click("button:has-text('Approve')")
    page.wait_for_selector("text=Waiting for HR")
    context.close()

    context, page = _new_page(browser)
    login(page, live_server, "zhou", TEST_PASSWORD)
    page.goto(f"{live_server.url}{leave.get_absolute_url()}")
    page.fill("textarea[name=note]", "Enjoy")
    page.click("button:has-text('Approve')")
    page.wait_for_selector("#leave-status:has-text('Approved')")
    screenshot(page, "staff-leave-approved")
    context.close()
    leave.refresh_from_db()
    assert leave.status == "approved" and leave.hr_decided_by.username == "zhou"


def test_st13_manager_confirms_a_penalty_and_hr_exports_the_month(live_server, browser, page, screenshot):
    manager = EmployeeFactory(username="chen", roles=[Role.SERVICE_MANAGER])
    EmployeeFactory(username="zhou", roles=[Role.HR])
    engineer = EmployeeFactory(username="liu", full_name="刘洋", roles=[Role.ENGINEER], manager=manager)
    proposal, _ = services.penalty_propose(
        rule_code="st3-unreachable", employee=engineer, source=TicketFactory(), occurred_at=timezone.now()
    )

    login(page, live_server, "chen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/staff/penalties/decide/")
    page.click(f"a[href='{proposal.get_absolute_url()}']")
    page.fill("#id_amount", "80")
    page.click("button:has-text('Confirm penalty')")
    page.wait_for_selector("text=Choose an amount from 20.00 to 50.00.")
    page.fill("#id_amount", "40")
    page.click("button:has-text('Confirm penalty')")
    page.wait_for_selector("text=Penalty confirmed.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.amount) == ("confirmed", Decimal("40"))

    context, hr_page = _new_page(browser)
    login(hr_page, live_server, "zhou", TEST_PASSWORD)
    nav_click(hr_page, "Payroll")
    hr_page.fill("#id_month", timezone.localdate().strftime("%Y-%m"))
    hr_page.click("button:has-text('Prepare run')")
    hr_page.wait_for_selector("text=prepared")
    hr_page.click("button:has-text('Export and lock')")
    hr_page.wait_for_selector("#run-status:has-text('Exported (locked)')")
    assert hr_page.is_visible("a:has-text('Download CSV')")
    screenshot(hr_page, "staff-payroll-run")
    hr_page.click("text=Department fund")
    assert hr_page.inner_text("#fund-balance") == "40.00"
    context.close()
    assert DeductionRun.objects.get().is_locked and FundEntry.objects.get().amount == Decimal("40")
    assert PenaltyProposal.objects.get().deduction_run is not None
