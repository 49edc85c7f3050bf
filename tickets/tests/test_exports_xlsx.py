"""Issue 15, GN-7: the ticket list as .xlsx — same filters, same scoping, audited, flat query count."""

import datetime

import pytest
from django.test import override_settings
from django.conf import settings
from django.urls import reverse

from servicedesk.core.models import ExportAudit
from servicedesk.core.tests.xlsx import column, queries_of, sheet_rows
from staff.roles import Role
from tickets.models.tickets import Priority

from .factories import TicketFactory

pytestmark = pytest.mark.django_db
URL = reverse("tickets:export_xlsx")


def test_export_applies_the_list_filters(client, agent):
    wanted = TicketFactory(priority=Priority.URGENT, created_at=datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC))
    TicketFactory(priority=Priority.LOW)
    client.force_login(agent)
    response = client.get(URL, {"priority": Priority.URGENT})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    rows = sheet_rows(response)
    assert rows[0][:3] == ("Number", "Subject", "Type")
    assert column(response, "Number") == [wanted.number]
    assert column(response, "Opened") == [datetime.datetime(2026, 3, 10, 10, 0)]  # Shanghai, naive
    assert column(response, "Customer") == [wanted.customer.name]


def test_engineer_exports_only_their_own_tickets(client, engineer):
    mine = TicketFactory(assignee=engineer)
    TicketFactory()
    client.force_login(engineer)
    assert column(client.get(URL), "Number") == [mine.number]


def test_role_without_the_list_gets_403(client, make_user):
    client.force_login(make_user(Role.HR))
    assert client.get(URL).status_code == 403
    assert not ExportAudit.objects.exists()


def test_export_is_audited_with_filters_and_row_count(client, agent):
    TicketFactory.create_batch(3, priority=Priority.HIGH)
    TicketFactory(priority=Priority.LOW)
    client.force_login(agent)
    client.get(URL, {"priority": Priority.HIGH})
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.what, audit.rows) == (agent, "tickets:export_xlsx", 3)
    assert audit.query == f"{URL}?priority={Priority.HIGH}"


def test_query_count_does_not_grow_with_rows(client, agent):
    TicketFactory.create_batch(2)
    client.force_login(agent)
    two = queries_of(client, URL)
    TicketFactory.create_batch(18)
    assert queries_of(client, URL) == two


def test_export_stops_at_the_row_cap(client, agent):
    TicketFactory.create_batch(3)
    client.force_login(agent)
    with override_settings(SERVICEDESK={**settings.SERVICEDESK, "EXPORT_MAX_ROWS": 2}):
        response = client.get(URL)
    rows = sheet_rows(response)
    assert rows[-1][0].startswith("Only the first 2 rows were exported")
    assert response["X-Export-Capped"] == "2" and ExportAudit.objects.get().rows == 2


def test_list_page_links_to_the_export_with_its_filters(client, agent):
    client.force_login(agent)
    page = client.get(reverse("tickets:list"), {"priority": Priority.HIGH}).content.decode()
    assert f'href="{URL}?priority={Priority.HIGH}"' in page
