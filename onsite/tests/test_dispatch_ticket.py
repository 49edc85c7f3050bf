"""GN-6: the engineer dispatched to a ticket's on-site order owns the ticket, and work starts."""

import pytest
import time_machine
from django.urls import reverse

from onsite.models import OrderStatus
from tickets.models.tickets import EventKind, Status

from .factories import NOW, engineer, order_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_gn6_dispatched_engineer_becomes_the_ticket_assignee_and_work_starts():
    field = engineer("zhao")
    order = order_at(OrderStatus.ASSIGNED, engineer_user=field)
    ticket = order.ticket
    ticket.refresh_from_db()
    assert ticket.assignee == field
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.filter(kind=EventKind.ASSIGNED, data__to=field.pk).exists()
    assert ticket.events.filter(kind=EventKind.STATUS, to_status=Status.IN_PROGRESS).count() == 1


def test_gn6_resigned_ticket_goes_through_in_progress_to_resolved():
    order = order_at(OrderStatus.SIGNED)
    statuses = list(order.ticket.events.filter(kind=EventKind.STATUS).values_list("to_status", flat=True))
    assert statuses == [Status.IN_PROGRESS, Status.RESOLVED]


def test_ticket_page_links_its_open_order_instead_of_offering_a_new_one(client, agent):
    order = order_at(OrderStatus.ASSIGNED)
    client.force_login(agent)
    body = client.get(order.ticket.get_absolute_url()).content.decode()
    assert order.get_absolute_url() in body
    assert reverse("onsite:request", args=[order.ticket.number]) not in body
