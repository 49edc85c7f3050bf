"""A real browser: the top bar's search box finds a customer's installation and a ticket, a click
opens it, and an exact ticket number jumps to the ticket (issue 17); on a phone the box fits."""

import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.tests.factories import ContactFactory, InstallationFactory, TicketFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def _data():
    UserFactory(username="wang", full_name="王芳", roles=[Role.AGENT])
    contact = ContactFactory(name="Jason Huang", customer__name="Shenzhen Bright Electronics Co., Ltd.")
    InstallationFactory(customer=contact.customer, serial_number="POS-T2-0001")
    return TicketFactory(
        number="SD-2026-000777", customer=contact.customer, contact=contact, subject="POS terminal freezes at checkout"
    )


def test_the_top_bar_search_finds_a_ticket_and_opens_it(live_server, page, screenshot):
    ticket = _data()
    login(page, live_server, "wang", TEST_PASSWORD)

    box = page.locator("header.topbar form[role=search] input[name=q]")
    box.fill("bright electronics")
    box.press("Enter")
    page.wait_for_url("**/search/?q=bright+electronics")
    tickets = page.locator("#search-tickets")
    customers = page.locator("#search-customers")
    assert "Shenzhen Bright Electronics Co., Ltd." in customers.inner_text()
    assert box.input_value() == "bright electronics"  # the box keeps what was searched
    screenshot(page, "search-results")

    tickets.locator("a", has_text="POS terminal freezes").click()
    page.wait_for_url(f"**{ticket.get_absolute_url()}")
    assert ticket.number in page.inner_text("h1")

    # A serial number leads to the customer; an exact ticket number straight to the ticket.
    box = page.locator("#global-search")
    box.fill("pos-t2")
    box.press("Enter")
    page.locator("#search-installations a", has_text="POS-T2-0001").click()
    assert "Shenzhen Bright Electronics Co., Ltd." in page.inner_text("h1")
    page.keyboard.press("/")  # the shortcut to the box
    page.keyboard.type("sd-2026-000777")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{ticket.get_absolute_url()}")


def test_the_search_box_fits_a_phone(live_server, phone_page, screenshot):
    _data()
    login(phone_page, live_server, "wang", TEST_PASSWORD)
    box = phone_page.locator("#global-search")
    assert box.is_visible()
    box.fill("bright")
    phone_page.locator("header.topbar form[role=search] button").click()
    phone_page.wait_for_selector("#search-tickets")
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone_page, "search-results-phone")
