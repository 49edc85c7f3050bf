"""Real browser at 375 px (issue 14): a customer files a request with a photo on the public form,
gets the number and the status link; an agent sees it in the ticket list; after a staff dispatch of
an on-site order the status page says "Engineer assigned"; the customer comments; after solving
(and the CB-1 callback) the customer answers the satisfaction survey from the status page."""

import datetime

import pytest
from django.utils import timezone

from onsite import services as onsite_services
from onsite.tests.factories import engineer, service_manager
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets import services as ticket_services
from tickets.care.models import Callback, CallbackStatus
from tickets.intake.tests.factories import PNG, installation_under_contract
from tickets.models import Ticket
from tickets.models.tickets import Channel, EventKind

from .conftest import SCREENSHOTS, login
from .test_care_browser import fill_survey

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"intake-{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_customer_request_to_survey_on_a_phone(live_server, phone_page, page, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "SITE_URL": live_server.url}  # the links sent point here
    customer_page = phone_page
    installation, _contract = installation_under_contract(end=timezone.localdate() + datetime.timedelta(days=200))
    agent = UserFactory(username="wang", full_name="王芳", roles=[Role.AGENT])

    # 1. The public form opens in Simplified Chinese; the switch turns it to English.
    customer_page.goto(f"{live_server.url}/request/")
    assert customer_page.locator("html").get_attribute("lang") == "zh-hans"
    customer_page.select_option("#language-select", "en")
    customer_page.wait_for_selector("html[lang=en]")
    assert fits_the_phone(customer_page), "the form is wider than the phone"

    # 2. Serial look-up (HL-13), the form, a photo.
    customer_page.fill("#id_organisation", "上海示例医院 Example Hospital")
    customer_page.fill("#id_contact_name", "李雷")
    customer_page.fill("#id_phone", "138 0013 8000")
    customer_page.fill("#id_serial_number", installation.serial_number)
    customer_page.wait_for_selector("text=under contract until")
    assert installation.customer.name not in customer_page.content()
    customer_page.fill("#id_description", "票据打印机卡纸 The receipt printer jams after one page.")
    customer_page.set_input_files("input[name=files]", {"name": "printer.png", "mimeType": "image/png", "buffer": PNG})
    shot(customer_page, "request-phone")
    customer_page.click("button[type=submit].primary")
    customer_page.wait_for_selector("#ticket-number")
    number = customer_page.locator("#ticket-number").inner_text()
    status_url = customer_page.locator("#status-link").get_attribute("href")
    ticket = Ticket.objects.get(number=number)
    assert ticket.channel == Channel.WEB and ticket.installation == installation
    assert list(ticket.attachments.values_list("name", flat=True)) == ["printer.png"]
    assert status_url.startswith(f"{live_server.url}/status/")

    # 3. The agent sees it in the ticket list (the queue), marked as a web request.
    login(page, live_server, "wang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/tickets/")
    row = page.locator("tr", has_text=number)
    assert row.count() == 1 and "Web form" in row.inner_text()

    # 4. Staff dispatch an on-site visit with an engineer (the onsite services, as the pages do).
    manager = service_manager()
    start = timezone.now() + datetime.timedelta(days=1)
    order = onsite_services.service_order_request(
        ticket=ticket, requested_by=agent, problem="卡纸", agreed_start=start, agreed_end=start + datetime.timedelta(hours=2)
    )
    order = onsite_services.service_order_approve(order=order, approver=manager)
    onsite_services.service_order_assign(order=order, engineer=engineer(), actor=manager)
    customer_page.goto(status_url)
    customer_page.wait_for_selector("[data-step=assigned].done")
    assert "Engineer assigned" in customer_page.locator(".intake-steps").inner_text()
    assert "Visit booked for" in customer_page.locator(".intake-stage").inner_text()
    assert fits_the_phone(customer_page), "the status page is wider than the phone"

    # 5. The customer comments; it lands on the ticket's timeline as a customer message.
    customer_page.fill("textarea[name=body]", "今天下午有人在 Someone is here this afternoon.")
    customer_page.click("text=Send message")
    customer_page.wait_for_selector("text=Thank you, your message is on your request.")
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE, body__contains="this afternoon").exists()
    shot(customer_page, "status-phone")

    # 6. Solved (HL-9 / CB-1: the callback with its survey); the customer answers from the status page.
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Cleaned the print head.")
    callback = Callback.objects.get(ticket=ticket)
    customer_page.reload()
    customer_page.click("#survey-link")
    customer_page.wait_for_selector("text=How was our service?")
    fill_survey(customer_page, callback, overall="5")
    customer_page.click("button[type=submit]")
    customer_page.wait_for_selector("text=Thank you!")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE and callback.response.via == "online"
