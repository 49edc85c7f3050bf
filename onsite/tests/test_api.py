"""API: on-site service orders — reads scoped like the web (an engineer sees their own orders
only), approval (OS-1) and dispatch (GN-3, OS-8) through the services, refusals as 400/403/409."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from onsite.models import OnsiteEventKind, OrderStatus
from servicedesk.api.tests.conftest import api_for  # noqa: F401
from staff.roles import Role
from tickets.models import TicketEvent
from tickets.sla.models import SLAClock

from .factories import NOW, WINDOW, engineer, order_at

pytestmark = pytest.mark.django_db
LIST = reverse("api:order-list")


def _detail(order):
    return reverse("api:order-detail", args=[order.pk])


def _dispatch(order):
    return reverse("api:order-dispatch", args=[order.pk])


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


def test_os1_order_list_and_detail_via_api(api_for):
    assigned = order_at(OrderStatus.ASSIGNED)
    requested = order_at(OrderStatus.REQUESTED, now=NOW + datetime.timedelta(hours=1))
    client = api_for(Role.AGENT)  # the desk reads every order
    assert _ids(client.get(LIST)) == [requested.pk, assigned.pk]  # newest request first

    row = client.get(_detail(assigned)).json()
    assert row["code"] == assigned.code and row["ticket"] == assigned.ticket.number
    assert row["status"] == "assigned" and row["engineer"] == assigned.engineer_id
    assert row["engineer_name"] == assigned.engineer.display_name
    assert datetime.datetime.fromisoformat(row["agreed_start"]) == WINDOW[0]
    assert datetime.datetime.fromisoformat(row["agreed_end"]) == WINDOW[1]
    assert row["checked_in_at"] is None and row["work_report"] is None


def test_os4_order_shows_the_check_in_out_and_work_report_summary(api_for):
    order = order_at(OrderStatus.SIGNED)
    row = api_for(Role.SERVICE_MANAGER).get(_detail(order)).json()
    assert row["checked_in_at"] is not None
    assert row["work_report"]["cause"] == "打印头脏污" and row["work_report"]["actions"] == "清洁打印头，更换色带"


def test_os1_engineer_reads_only_their_own_orders_via_api(api_for):
    mine_engineer, other_engineer = engineer(), engineer()
    mine = order_at(OrderStatus.ASSIGNED, engineer_user=mine_engineer)
    theirs = order_at(OrderStatus.ASSIGNED, engineer_user=other_engineer)
    client = api_for(user=mine_engineer)
    assert _ids(client.get(LIST)) == [mine.pk]
    assert client.get(_detail(mine)).status_code == 200
    response = client.get(_detail(theirs))
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    # Dispatching is not theirs either (a role refusal before anything is looked up).
    assert client.post(_dispatch(mine), {"engineer": mine_engineer.pk}, format="json").status_code == 403


def test_order_list_filters_via_api(api_for):
    first, second = engineer(), engineer()
    one = order_at(OrderStatus.ASSIGNED, engineer_user=first)
    two = order_at(OrderStatus.ASSIGNED, engineer_user=second, now=NOW + datetime.timedelta(hours=1))
    waiting = order_at(OrderStatus.REQUESTED, now=NOW + datetime.timedelta(hours=2))
    client = api_for(Role.DUTY_MANAGER)
    assert _ids(client.get(LIST, {"status": "requested"})) == [waiting.pk]
    assert _ids(client.get(LIST, {"status": "open"})) == [waiting.pk, two.pk, one.pk]
    assert _ids(client.get(LIST, {"engineer": first.pk})) == [one.pk]
    assert _ids(client.get(LIST, {"ticket": two.ticket.number.lower()})) == [two.pk]
    assert _ids(client.get(LIST, {"q": one.code})) == [one.pk]


@pytest.mark.parametrize("role", [Role.HR])
def test_orders_are_denied_to_roles_without_order_access(api_for, role):
    order = order_at(OrderStatus.REQUESTED)
    client = api_for(role)
    for url in (LIST, _detail(order)):
        assert client.get(url).status_code == 403


def test_order_list_bad_filter_is_400(api_for):
    response = api_for(Role.AGENT).get(LIST, {"status": "somewhere"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_gn3_os8_dispatch_via_api_assigns_the_engineer_and_records_it(api_for, travel):
    order = order_at(OrderStatus.APPROVED)
    field_engineer = engineer()
    client = api_for(Role.SERVICE_MANAGER)
    response = client.post(_dispatch(order), {"engineer": field_engineer.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "assigned" and response.json()["engineer"] == field_engineer.pk
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED and order.engineer == field_engineer and order.assigned_by == client.user
    event = TicketEvent.objects.get(ticket=order.ticket, kind=OnsiteEventKind.ASSIGNED, data__order=order.pk)
    assert event.actor == client.user and event.data["engineer"] == field_engineer.pk
    assert SLAClock.objects.get(ticket=order.ticket, kind="dispatch").met_at == NOW  # OS-8
    order.ticket.refresh_from_db()
    assert order.ticket.assignee == field_engineer


def test_os1_dispatch_via_api_refuses_the_approver_as_engineer_with_400(api_for, make_user, travel):
    approver = make_user(Role.SERVICE_MANAGER, Role.ENGINEER)
    order = order_at(OrderStatus.APPROVED, manager=approver)
    response = api_for(Role.SERVICE_MANAGER).post(_dispatch(order), {"engineer": approver.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["engineer"]
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.engineer is None


def test_dispatch_via_api_bad_input_is_400_never_500(api_for, make_user, travel):
    order = order_at(OrderStatus.APPROVED)
    client = api_for(Role.SERVICE_MANAGER)
    not_an_engineer = make_user(Role.AGENT)
    for body in ({}, {"engineer": "abc"}, {"engineer": 999999}, {"engineer": not_an_engineer.pk}, {"engineer": None}):
        response = client.post(_dispatch(order), body, format="json")
        assert response.status_code == 400, body
        assert "engineer" in response.json()["error"]["fields"]
    response = client.post(_dispatch(order), "not json", content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_os1_dispatch_via_api_before_approval_is_a_409(api_for, travel):
    order = order_at(OrderStatus.REQUESTED)
    response = api_for(Role.SERVICE_MANAGER).post(_dispatch(order), {"engineer": engineer().pk}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"


@pytest.mark.parametrize("role", [Role.AGENT, Role.CALLBACK_SPECIALIST, Role.ENGINEER])
def test_dispatch_via_api_is_denied_to_readers(api_for, role, travel):
    order = order_at(OrderStatus.APPROVED)
    response = api_for(role).post(_dispatch(order), {"engineer": engineer().pk}, format="json")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_dispatch_via_api_follows_the_dispatcher_setting_with_403(api_for, settings, travel):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ONSITE_DISPATCHER_ROLES": ["service_manager", "duty_manager:out_of_hours"]}
    order = order_at(OrderStatus.APPROVED)
    response = api_for(Role.DUTY_MANAGER).post(_dispatch(order), {"engineer": engineer().pk}, format="json")
    assert response.status_code == 403  # NOW is working time
    assert "working hours" in response.json()["error"]["message"]


def test_os1_approve_via_api_with_the_agreed_window(api_for, travel):
    order = order_at(OrderStatus.REQUESTED)
    client = api_for(Role.SERVICE_MANAGER)
    body = {"agreed_start": WINDOW[0].isoformat(), "agreed_end": WINDOW[1].isoformat(), "note": "客户同意"}
    response = client.post(reverse("api:order-approve", args=[order.pk]), body, format="json")
    assert response.status_code == 200, response.content
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.approved_by == client.user and order.agreed_start == WINDOW[0]
    event = TicketEvent.objects.get(ticket=order.ticket, kind=OnsiteEventKind.APPROVED, data__order=order.pk)
    assert event.body == "客户同意"
    assert SLAClock.objects.get(ticket=order.ticket, kind="onsite_arrangement").met_at == NOW  # HL-6


def test_os1_approve_via_api_refusals(api_for, travel):
    order = order_at(OrderStatus.REQUESTED)
    url = reverse("api:order-approve", args=[order.pk])
    # ONSITE_APPROVER_ROLES: a duty manager approves only out of hours; NOW is working time.
    assert api_for(Role.DUTY_MANAGER).post(url, {}, format="json").status_code == 403
    manager = api_for(Role.SERVICE_MANAGER)
    response = manager.post(url, {"agreed_start": WINDOW[1].isoformat(), "agreed_end": WINDOW[0].isoformat()}, format="json")
    assert response.status_code == 400 and "agreed_end" in response.json()["error"]["fields"]
    assert manager.post(url, {"agreed_start": "soon"}, format="json").status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED
    approved = order_at(OrderStatus.APPROVED)
    response = manager.post(reverse("api:order-approve", args=[approved.pk]), {}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("rows", [2, 10])
def test_order_list_query_count_does_not_grow(api_for, django_assert_num_queries, rows):
    for n in range(rows):
        order_at(OrderStatus.ASSIGNED if n < 2 else OrderStatus.REQUESTED, now=NOW + datetime.timedelta(minutes=n))
    client = api_for(Role.SERVICE_MANAGER)
    client.get(LIST)  # the token's first use writes last_used_at
    with django_assert_num_queries(3):
        assert len(_ids(client.get(LIST))) == rows
