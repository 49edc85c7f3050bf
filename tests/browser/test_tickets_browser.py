"""A real browser: log in, open a ticket, find it in the list; the layout holds at 375 px."""

import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.models import Ticket
from tickets.tests.factories import ContactFactory, InstallationFactory

from .conftest import login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_logs_in_creates_a_ticket_and_finds_it_in_the_list(live_server, page, screenshot):
    UserFactory(username="wang", full_name="王芳", roles=[Role.AGENT])
    contact = ContactFactory(name="Jason Huang", customer__name="Shenzhen Bright Electronics Co., Ltd.")
    InstallationFactory(customer=contact.customer, serial_number="POS-T2-0001")

    login(page, live_server, "wang", TEST_PASSWORD)
    nav_click(page, "Tickets")
    page.click("text=New ticket")
    # Type part of the name; the suggestion list and the contact choices follow the customer.
    page.fill("input[name=customer]", "Shenzhen Bright Electronics Co., Ltd.")
    page.wait_for_selector("#id_contact option:has-text('Jason Huang')", state="attached")
    page.select_option("#id_contact", label="Jason Huang")
    page.select_option("#id_installation", index=1)
    page.select_option("#id_priority", label="High")
    page.fill("#id_subject", "POS terminal freezes at checkout")
    page.fill("#id_description", "Freezes after scanning the third item; restart helps for an hour.")
    screenshot(page, "ticket-create")
    page.click("button:has-text('Open ticket')")

    page.wait_for_selector("text=opened.")
    ticket = Ticket.objects.get()
    assert ticket.contact == contact and ticket.priority == 3
    assert ticket.number in page.inner_text("h1")

    nav_click(page, "Tickets")
    page.fill("#id_q", "POS terminal")
    page.click("button:has-text('Filter')")
    row = page.locator("table.list tbody tr")
    assert row.count() == 1
    assert ticket.number in row.first.inner_text()
    screenshot(page, "ticket-list")

    row.first.locator("a").first.click()
    page.fill("#resolution-resolve", "Updated the POS firmware to 2.4.1")
    page.click("button[data-action=resolve]")
    page.wait_for_selector("text=Resolve: done.")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    screenshot(page, "ticket-detail")


def test_ticket_list_fits_a_phone_screen(live_server, phone_page, screenshot):
    UserFactory(username="duty", roles=[Role.DUTY_MANAGER])
    ContactFactory()
    login(phone_page, live_server, "duty", TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/tickets/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    # The menu folds away on a phone and opens with one tap.
    assert not phone_page.is_visible("nav >> text=Customers")
    phone_page.click("#main-menu > summary")
    phone_page.click(".nav-group summary:has-text('Service desk')")
    assert phone_page.is_visible("nav >> text=Customers")
    screenshot(phone_page, "ticket-list-phone")


def test_os8_ticket_page_counts_down_its_deadlines(live_server, page):
    import datetime

    from django.utils import timezone

    from tickets.sla import services as sla_services
    from tickets.tests.factories import TicketFactory

    UserFactory(username="wang", roles=[Role.AGENT])
    ticket = TicketFactory(subject="Printer jams")
    now = timezone.now()
    sla_services.clock_start(ticket=ticket, kind="respond", started_at=now, target=datetime.timedelta(hours=2))

    login(page, live_server, "wang", TEST_PASSWORD)
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    countdown = page.locator("#ticket-sla [data-countdown]")
    first = countdown.inner_text()
    page.wait_for_function(
        "(first) => document.querySelector('#ticket-sla [data-countdown]').innerText !== first", arg=first
    )
    assert "Respond" in page.inner_text("#ticket-sla") and "1:59" in countdown.inner_text()

    page.goto(f"{live_server.url}/tickets/?order=due")
    assert page.locator("td.due-cell time").count() == 1
