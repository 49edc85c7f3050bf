"""A real browser: after logging in, each demo role starts the day on its own queue (issue 17)."""

import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# role -> (path it lands on, a heading of that queue)
LANDINGS = {
    Role.AGENT: ("/hotline/call/", "#main h1"),
    Role.DUTY_MANAGER: ("/sla/board/", "#main h1"),
    Role.SERVICE_MANAGER: ("/tickets/kpi/", "#main h1"),
    Role.ENGINEER: ("/onsite/mine/", "#main h1"),
    Role.CALLBACK_SPECIALIST: ("/care/callbacks/", "#main h1"),
    Role.HR: ("/staff/approvals/", "#main h1"),
}


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_lands_on_its_queue_after_login(live_server, page, role):
    path, heading = LANDINGS[role]
    UserFactory(username=f"u-{role}", roles=[role])
    login(page, live_server, f"u-{role}", TEST_PASSWORD)
    assert page.url == f"{live_server.url}{path}"
    assert page.locator(heading).first.is_visible()
    # The brand link goes to "/" and lands on the same queue again.
    page.click(".topbar .brand")
    page.wait_for_url(f"{live_server.url}{path}")
