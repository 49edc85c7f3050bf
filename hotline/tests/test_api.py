"""API: the hotline call log (HL-1, HL-5), read-only, for the call list's roles."""

import datetime

import pytest
from django.urls import reverse

from hotline.models import Outcome
from servicedesk.api.tests.conftest import api_for  # noqa: F401
from staff.roles import Role
from tickets.tests.factories import TicketFactory

from .factories import NOW, CallLogFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:call-list")


def _logged(agent, *, started_at=NOW, outcome=Outcome.SOLVED, **kwargs):
    ticket = TicketFactory()
    return CallLogFactory(
        agent=agent, started_at=started_at, outcome=outcome, ticket=ticket, logged_at=started_at, logged_by=agent,
        customer=ticket.customer, **kwargs,
    )  # fmt: skip


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_hl1_call_list_and_detail_via_api(api_for):
    client = api_for(Role.AGENT)
    older = CallLogFactory(started_at=NOW - datetime.timedelta(hours=1), caller_phone="139 0000 1234")
    call = _logged(
        client.user, problem="打印机卡纸", handling="清理纸路", ring_seconds=4, pbx_call_id="pbx-77",
        answered_at=NOW + datetime.timedelta(seconds=4), ended_at=NOW + datetime.timedelta(minutes=5),
    )  # fmt: skip
    assert _ids(client.get(LIST)) == [call.pk, older.pk]  # newest first

    row = client.get(reverse("api:call-detail", args=[call.pk])).json()
    assert row["ticket"] == call.ticket.number
    assert row["summary"] == "打印机卡纸" and row["handling"] == "清理纸路"
    assert row["outcome"] == "solved" and row["ring_seconds"] == 4
    assert row["agent"] == client.user.pk and row["agent_name"] == client.user.display_name
    assert row["customer_name"] == call.customer.name
    assert "pbx_call_id" not in row and "checklist_answers" not in row
    unlogged = client.get(reverse("api:call-detail", args=[older.pk])).json()
    assert unlogged["ticket"] is None and unlogged["outcome"] == ""


def test_hl1_call_list_filters_via_api(api_for, make_user):
    client = api_for(Role.DUTY_MANAGER)
    agent, other = make_user(Role.AGENT), make_user(Role.AGENT)
    solved = _logged(agent, organisation="北京华联商贸有限公司", started_at=NOW - datetime.timedelta(days=2))
    callback = _logged(other, outcome=Outcome.CALLBACK, organisation="上海远东", started_at=NOW)
    unlogged = CallLogFactory(started_at=NOW - datetime.timedelta(days=1), caller_phone="138 0013 8000")

    assert _ids(client.get(LIST, {"outcome": "callback"})) == [callback.pk]
    assert _ids(client.get(LIST, {"agent": agent.pk})) == [solved.pk]
    assert _ids(client.get(LIST, {"unlogged": "true"})) == [unlogged.pk]
    assert _ids(client.get(LIST, {"q": "华联"})) == [solved.pk]
    assert _ids(client.get(LIST, {"q": "13800138000"})) == [unlogged.pk]  # HL-12: however the number was typed
    assert _ids(client.get(LIST, {"q": callback.ticket.number})) == [callback.pk]
    window = {"started_after": (NOW - datetime.timedelta(days=1, hours=1)).isoformat(), "started_before": NOW.isoformat()}
    assert _ids(client.get(LIST, window)) == [unlogged.pk]


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.HR, Role.CALLBACK_SPECIALIST])
def test_call_log_is_denied_to_roles_outside_the_call_list(api_for, role):
    call = CallLogFactory()
    client = api_for(role)
    for url in (LIST, reverse("api:call-detail", args=[call.pk])):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["error"]["status"] == 403


def test_call_list_bad_filters_are_400_with_the_error_body(api_for):
    client = api_for(Role.AGENT)
    for params in ({"started_after": "yesterday"}, {"outcome": "maybe"}, {"agent": "x"}):
        response = client.get(LIST, params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "invalid" and set(error["fields"]) == set(params)
    missing = client.get(reverse("api:call-detail", args=[999999]))
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


@pytest.mark.parametrize("rows", [2, 10])
def test_call_list_query_count_does_not_grow(api_for, make_user, django_assert_num_queries, rows):
    client = api_for(Role.AGENT)
    agent = make_user(Role.AGENT)
    for n in range(rows):
        _logged(agent, started_at=NOW - datetime.timedelta(minutes=n)) if n % 2 else CallLogFactory()
    client.get(LIST)  # the token's first use writes last_used_at
    with django_assert_num_queries(3):
        assert len(_ids(client.get(LIST))) == rows
