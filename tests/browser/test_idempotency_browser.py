"""A real browser sends the same ticket form twice at once (a double click on a slow line): one
ticket, and the page says the repeat was already saved (docs/operations.md, "what survives what")."""

import pytest
from django.db import connection

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.models import Ticket
from tickets.tests.factories import ContactFactory, InstallationFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# Both posts leave the browser before either answer arrives, as with a double click on a slow line.
# On SQLite (in-memory test database, shared cache: no busy wait) the second post follows the
# first, as a browser's retry after a time-out does; on PostgreSQL both race.
SEND_TWICE = """async (atOnce) => {
  const form = document.querySelector("form.card");
  const send = () => fetch(location.href, {method: "POST", body: new FormData(form), credentials: "same-origin",
                                           redirect: "manual"});
  const answers = atOnce ? await Promise.all([send(), send()]) : [await send(), await send()];
  return answers.map(a => a.type === "opaqueredirect" ? 302 : a.status);
}"""


def test_hl1_ticket_form_sent_twice_at_once_opens_one_ticket(live_server, page, screenshot):
    UserFactory(username="wang", roles=[Role.AGENT])
    contact = ContactFactory(name="Jason Huang", customer__name="Shenzhen Bright Electronics Co., Ltd.")
    InstallationFactory(customer=contact.customer)

    login(page, live_server, "wang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/tickets/new/")
    key = page.locator("input[name=idempotency_key]").get_attribute("value")
    assert key and len(key) >= 16
    page.fill("input[name=customer]", "Shenzhen Bright Electronics Co., Ltd.")
    page.wait_for_selector("#id_contact option:has-text('Jason Huang')", state="attached")
    page.select_option("#id_contact", label="Jason Huang")
    page.fill("#id_subject", "POS terminal freezes at checkout")
    page.fill("#id_description", "Freezes after scanning the third item.")

    statuses = page.evaluate(SEND_TWICE, connection.vendor == "postgresql")
    assert statuses == [302, 302]  # both answered with a redirect, neither with an error
    assert Ticket.objects.count() == 1

    page.goto(f"{live_server.url}{Ticket.objects.get().get_absolute_url()}")
    messages = page.inner_text(".messages") if page.locator(".messages").count() else page.inner_text("body")
    if connection.vendor == "postgresql":
        # Two requests at once each store their message in the same session; the later save wins.
        assert "opened" in messages or "Already saved" in messages
    else:
        assert "opened" in messages and "Already saved" in messages
    screenshot(page, "ticket-double-submit")
