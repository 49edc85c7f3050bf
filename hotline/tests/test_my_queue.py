"""Issue 17: the agent's queue beside the call screen: promised call-backs (HL-11) and own open
tickets by SLA deadline, with the open tickets nobody owns yet."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from hotline import selectors, services
from hotline.models import Outcome
from staff.roles import Role
from tickets import services as ticket_services
from tickets.care.tests import factories as care

from .factories import NOW, intake_for, known_caller

pytestmark = pytest.mark.django_db


def _promise(agent, customer, *, hours):
    return services.call_log_submit(
        agent=agent,
        outcome=Outcome.CALLBACK,
        intake=intake_for(customer),
        details={"callback_owner": agent, "callback_due_at": NOW + datetime.timedelta(hours=hours), "callback_note": "复现"},
        now=NOW,
    )


def test_hl11_queue_lists_own_promises_soonest_first_and_own_open_tickets(agent, make_user):
    customer = known_caller()
    late = _promise(agent, customer, hours=1)  # overdue when the queue is read, an hour and a half later
    soon = _promise(agent, customer, hours=3)
    other = make_user(Role.AGENT)
    _promise(other, customer, hours=2)  # someone else's
    mine = care.ticket(assignee=agent, now=NOW)
    care.ticket(assignee=other, now=NOW)
    unowned = care.ticket(now=NOW)
    closed = care.ticket(assignee=agent, now=NOW)
    ticket_services.ticket_transition(ticket=closed, action="resolve", actor=agent, resolution="ok", now=NOW)

    queue = selectors.agent_queue(user=agent, now=NOW + datetime.timedelta(minutes=90))

    assert [p.call_id for p in queue["promises"]] == [late.pk, soon.pk]
    assert queue["promises_open"] == 2
    assert mine in queue["tickets"] and closed not in queue["tickets"]
    assert queue["tickets_open"] == sum(1 for t in queue["tickets"])
    assert queue["unassigned_open"] >= 1 and unowned not in queue["tickets"]


def test_queue_orders_own_tickets_by_the_earliest_running_deadline(agent):
    later = care.ticket(assignee=agent, now=NOW)
    earlier = care.ticket(assignee=agent, now=NOW - datetime.timedelta(hours=5))
    queue = selectors.agent_queue(user=agent, now=NOW)
    assert [t.pk for t in queue["tickets"]] == [earlier.pk, later.pk]
    assert queue["tickets"][0].next_due_at < queue["tickets"][1].next_due_at


def test_call_screen_shows_the_queue_and_the_panel_refreshes(agent_client, agent):
    customer = known_caller()
    _promise(agent, customer, hours=1)
    ticket = care.ticket(assignee=agent, now=NOW)
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        page = agent_client.get(reverse("hotline:call")).content.decode()
        panel = agent_client.get(reverse("hotline:my_queue")).content.decode()
    for html in (page, panel):
        assert 'id="my-queue"' in html and ticket.number in html
        assert "overdue" in html
    assert "<html" not in panel  # the htmx partial only


@pytest.mark.parametrize("rows", [1, 6])
def test_my_queue_query_count_does_not_grow(agent_client, agent, django_assert_num_queries, rows):
    customer = known_caller()
    for n in range(rows):
        _promise(agent, customer, hours=n + 1)
        care.ticket(assignee=agent, now=NOW)
        care.ticket(now=NOW)
    # session, user, roles, unread badge, promises, promise count, own tickets, ticket counts
    with django_assert_num_queries(8):
        response = agent_client.get(reverse("hotline:my_queue"))
    queue = response.context["queue"]
    assert len(queue["promises"]) == min(rows, 5) and queue["promises_open"] == rows
    assert queue["tickets_open"] == rows
    html = response.content.decode()
    assert ("All 6 call-backs" in html) is (rows > 5)


def test_my_queue_is_for_the_call_roles_only(client, make_user):
    client.force_login(make_user(Role.ENGINEER))
    assert client.get(reverse("hotline:my_queue")).status_code == 403
