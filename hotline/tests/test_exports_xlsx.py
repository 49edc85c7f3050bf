"""Issue 15, GN-7: the call list as .xlsx."""

import pytest
from django.urls import reverse

from servicedesk.core.models import ExportAudit
from servicedesk.core.tests.xlsx import column, queries_of

from tickets.tests.factories import TicketFactory

from .factories import NOW, CallLogFactory

pytestmark = pytest.mark.django_db
URL = reverse("hotline:calls_export_xlsx")


def test_export_applies_the_list_filters_and_is_audited(client, agent):
    for outcome, organisation in (("solved", "北京远航科技有限公司"), ("complaint", "上海星辰软件有限公司")):
        CallLogFactory(outcome=outcome, organisation=organisation, ticket=TicketFactory(), logged_at=NOW)
    client.force_login(agent)
    response = client.get(URL, {"outcome": "solved"})
    assert column(response, "Organisation") == ["北京远航科技有限公司"]
    assert column(response, "Outcome") == ["Solved on the phone"]
    audit = ExportAudit.objects.get()
    assert (audit.what, audit.rows, audit.query) == ("hotline:calls_export_xlsx", 1, f"{URL}?outcome=solved")


def test_role_without_the_call_list_gets_403(client, engineer):
    client.force_login(engineer)
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_rows(client, agent):
    CallLogFactory.create_batch(2, agent=agent)
    client.force_login(agent)
    two = queries_of(client, URL)
    CallLogFactory.create_batch(18, agent=agent)
    assert queries_of(client, URL) == two


def test_list_page_links_to_the_export(client, agent):
    client.force_login(agent)
    assert f'href="{URL}?outcome=solved"' in client.get(reverse("hotline:call_list"), {"outcome": "solved"}).content.decode()
