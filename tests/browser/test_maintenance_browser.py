"""A real browser on a phone: a service manager creates a preventive maintenance plan and sees its
first visit generated, approved and dispatched (issue 16)."""

import datetime

import pytest
from django.utils import timezone

from onsite.maintenance.models import MaintenancePlan
from onsite.maintenance.tests.factories import contract
from onsite.tests.factories import engineer
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory

from .conftest import login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)


def test_service_manager_creates_a_plan_and_sees_its_visits(live_server, phone_page, screenshot):
    page = phone_page
    UserFactory(username="zhao", full_name="赵经理", roles=[Role.SERVICE_MANAGER])
    engineer("liu", full_name="刘洋")
    today = timezone.localdate()
    row = contract(start=today - datetime.timedelta(days=30), end=today + datetime.timedelta(days=335))
    first_visit = today + datetime.timedelta(days=14)

    login(page, live_server, "zhao", TEST_PASSWORD)
    nav_click(page, "Maintenance plans")
    page.click("text=New maintenance plan")
    page.select_option("#id_contract", value=str(row.pk))
    page.fill("#id_name", "季度巡检")
    page.fill("#id_interval_months", "3")
    page.fill("#id_first_visit_on", first_visit.isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Maintenance plan saved")
    screenshot(page, "maintenance-plan-detail-phone")

    plan = MaintenancePlan.objects.get()
    visit = plan.visits.select_related("order__engineer").get()
    visits = page.inner_text("#visits")
    assert visit.visit_on.isoformat() in visits
    assert "刘洋" in visits and visit.order.engineer.username == "liu"
    # The page fits a 375 px phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
