"""A real browser over issue 15's doors: the ticket list's "Export to Excel" downloads the filtered
rows as .xlsx; the interactive API page draws from our own static files and a signed-in person
can call the API from it with their session."""

import io

import openpyxl
import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.models.tickets import Channel
from tickets.tests.factories import TicketFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_ticket_list_exports_the_filtered_rows_to_excel(live_server, page):
    UserFactory(username="wang", full_name="王芳", roles=[Role.AGENT])
    web = TicketFactory(channel=Channel.WEB, subject="Web form ticket")
    TicketFactory(channel=Channel.HOTLINE, subject="Phone ticket")
    login(page, live_server, "wang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/tickets/?channel=web")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export to Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert web.number in cells
    assert not any("Phone ticket" in cell for cell in cells)


def test_api_docs_page_draws_and_calls_the_api_with_the_session(live_server, page):
    UserFactory(username="wang", full_name="王芳", roles=[Role.AGENT])
    ticket = TicketFactory(subject="Visible over the API")
    login(page, live_server, "wang", TEST_PASSWORD)
    external = []
    page.on("request", lambda request: external.append(request.url) if not request.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert "/api/v1/tickets/" in page.inner_text(".swagger-ui")
    assert external == []  # no CDN
    body = page.evaluate("fetch('/api/v1/tickets/').then(r => r.json())")
    assert [row["number"] for row in body["results"]] == [ticket.number]
