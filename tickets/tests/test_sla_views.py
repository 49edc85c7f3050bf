"""Issue 17: the ticket list's Due column (earliest running SLA clock, one query for the page) and
the SLA clocks card on the ticket page (OS-8)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tickets.sla import services as sla
from tickets.sla.models import SLAClock
from tickets.sla.tests.factories import SLAPolicyFactory, ticket_open

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 9, 15, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    SLAPolicyFactory()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize("rows", [3, 30])
def test_os8_due_column_is_annotated_in_the_page_query(agent_client, agent, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    for _ in range(rows):
        ticket_open(agent, now=NOW - datetime.timedelta(minutes=30))
    with django_assert_num_queries(8):
        response = agent_client.get(reverse("tickets:list"), {"order": "due"})
    page = response.context["page"].object_list
    assert len(page) == min(rows, 25)
    assert all(t.next_due_at == NOW + datetime.timedelta(minutes=90) for t in page)  # respond: 2 h


def test_os8_order_by_due_and_overdue_rows_are_highlighted(agent_client, agent):
    late = ticket_open(agent, now=NOW - datetime.timedelta(hours=3))  # respond was due an hour ago
    soon = ticket_open(agent, now=NOW - datetime.timedelta(minutes=10))
    done = ticket_open(agent, now=NOW - datetime.timedelta(hours=5))
    SLAClock.objects.filter(ticket=done).update(met_at=NOW)  # nothing running: no due time, last
    response = agent_client.get(reverse("tickets:list"), {"order": "due"})
    rows = list(response.context["page"].object_list)
    assert [t.pk for t in rows] == [late.pk, soon.pk, done.pk]
    assert rows[2].next_due_at is None
    html = response.content.decode()
    assert html.count('class="overdue-row"') == 1
    assert 'class="ticket-number"' in html


def test_os8_ticket_page_lists_its_clocks_with_a_countdown(agent_client, agent, django_assert_max_num_queries):
    ticket = ticket_open(agent, now=NOW - datetime.timedelta(minutes=30))
    sla.clock_stop(ticket=ticket, kind="resolve", at=NOW)
    response = agent_client.get(ticket.get_absolute_url())
    clocks = response.context["clocks"]
    assert [c.kind for c in clocks][0] == "respond" and clocks[0].is_open
    html = response.content.decode()
    assert 'id="ticket-sla"' in html and "data-countdown" in html
    assert "1\xa0hour, 30\xa0minutes left" in html  # timeuntil uses no-break spaces
    assert "sla-board.js" in html and "tickets.css" in html
