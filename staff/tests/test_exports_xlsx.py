"""Issue 15, GN-7: "My penalties" as .xlsx — the user's own proposals only."""

import datetime

import pytest
from django.urls import reverse

from servicedesk.core.models import ExportAudit
from servicedesk.core.tests.xlsx import column, queries_of
from staff import services
from staff.roles import Role
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
URL = reverse("staff:penalties_export_xlsx")
WHEN = datetime.datetime(2026, 3, 10, 1, 30, tzinfo=datetime.UTC)


def propose(employee):
    return services.penalty_propose(rule_code="st3-unreachable", employee=employee, source=TicketFactory(), occurred_at=WHEN)[0]


def test_export_holds_only_my_penalties_and_is_audited(client, engineer, make_user):
    mine = propose(engineer)
    propose(make_user(Role.ENGINEER))
    client.force_login(engineer)
    response = client.get(URL)
    assert column(response, "Rule") == [mine.rule.rule_id]
    assert column(response, "When") == [datetime.datetime(2026, 3, 10, 9, 30)]
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.what, audit.rows) == (engineer, "staff:penalties_export_xlsx", 1)


def test_user_without_a_role_gets_403(client, make_user):
    client.force_login(make_user())
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_rows(client, engineer):
    for _ in range(2):
        propose(engineer)
    client.force_login(engineer)
    two = queries_of(client, URL)
    for _ in range(18):
        propose(engineer)
    assert queries_of(client, URL) == two


def test_list_page_links_to_the_export(client, engineer):
    client.force_login(engineer)
    assert f'href="{URL}"' in client.get(reverse("staff:penalty_list")).content.decode()
