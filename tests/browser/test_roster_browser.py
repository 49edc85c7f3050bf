"""The duty roster in a real browser: a duty manager assigns an engineer to a seat and publishes
the week (late, with a recorded reason: HL-3); the engineer signs in at that seat on a phone-sized
page (HL-4).

The screenshots go to var/screenshots; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones in
docs/img/ that docs/roster.md shows.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from hotline.roster.models import RosterPublication, Shift, ShiftAssignment, ShiftTemplate
from hotline.roster.selectors import seat_holder
from hotline.roster.tests.factories import SeatFactory
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.tests.factories import ServiceContractFactory

from .conftest import SCREENSHOTS, login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = DOCS_IMG if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else SCREENSHOTS


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"roster-{name}.png"), full_page=full_page)


def test_hl3_hl4_duty_manager_publishes_and_engineer_signs_in_at_the_seat_on_a_phone(live_server, page, phone_page):
    for number in ("8001", "8002"):
        SeatFactory(number=number)
    # A 24-hour shift (00:00 to 00:00 the next day) so that today's shift is running now.
    ShiftTemplate.objects.create(
        code="allday", name="All day", start=datetime.time(0), end=datetime.time(0), days=ShiftTemplate.Days.EVERY
    )
    duty = UserFactory(username="duty", full_name="Zhang Wei", roles=[Role.DUTY_MANAGER, Role.AGENT])
    agent = UserFactory(username="wang", full_name="Wang Fang", roles=[Role.AGENT])
    today = timezone.localdate()
    # HL-2: 800 active users -> 2 seats required per shift.
    ServiceContractFactory(active_users=800, start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))

    # The duty manager builds today's shift and publishes the week.
    login(page, live_server, "duty", TEST_PASSWORD)
    nav_click(page, "Duty roster")
    page.get_by_role("button", name="Create this week's shifts from the templates").click()
    page.get_by_text("The period has 7 shifts.").wait_for()
    # The other days' duty manager is set in the database; the browser sets today's below.
    Shift.objects.exclude(date=today).update(duty_manager=duty)
    page.locator(".roster-shift").filter(has_text="All day").nth(today.weekday()).get_by_role("link").click()
    page.select_option("#id_engineer", label="Wang Fang")
    page.select_option("#id_seat", label="8001 Seat 8001")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Wang Fang is on seat 8001.").wait_for()
    page.select_option("#id_duty_manager", label="Zhang Wei")
    page.get_by_role("button", name="Save duty manager").click()
    page.get_by_text("Duty manager saved.").wait_for()
    page.get_by_role("link", name="Back to the week").click()
    page.get_by_role("button", name="Publish the roster").click()
    # HL-3: today's shift starts in less than 12 hours: refused with a clear message.
    page.locator(".field-error", has_text="at least 12 hours before a shift starts").wait_for()
    assert not RosterPublication.objects.exists()
    page.fill("#id_override_reason", "Roster tool was down last night")
    page.get_by_role("button", name="Publish the roster").click()
    page.get_by_text("Roster published").wait_for()
    assert "1 / 2 seats" in page.content()  # HL-2: today's shift is understaffed and flagged
    shot(page, "1-week", full_page=True)
    publication = RosterPublication.objects.get()
    assert publication.override_reason == "Roster tool was down last night" and publication.late_shifts >= 1

    # The engineer signs in at the rostered seat from the phone.
    phone = phone_page
    login(phone, live_server, "wang", TEST_PASSWORD)
    nav_click(phone, "My duty")
    phone.get_by_role("button", name="Sign in at seat 8001").click()
    phone.get_by_text("You are signed in at seat 8001.").wait_for()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"My duty is {overflow}px wider than the phone"
    shot(phone, "2-my-duty")
    assert seat_holder(seat="8001", at=timezone.now()) == agent
    assert ShiftAssignment.objects.get().engineer == agent
