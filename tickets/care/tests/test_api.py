"""API: callbacks with their survey answers (CB-1, CB-3, CB-5), survey answers for the report's
roles, complaints (HL-10, CB-6); read-only, from the care selectors."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from servicedesk.api.tests.conftest import api_for  # noqa: F401
from staff.roles import Role
from tickets.care import services
from tickets.care.models import CallbackStatus, ComplaintStatus

from .factories import NOW, answers, callback, complaint, manager

pytestmark = pytest.mark.django_db
CALLBACKS = reverse("api:callback-list")
RESPONSES = reverse("api:survey-response-list")
COMPLAINTS = reverse("api:complaint-list")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _answered(cb, *, overall=5, solved=True, actor=None, now=NOW):
    services.survey_answer_record(
        callback=cb, answers=answers(cb, overall=overall, solved=solved), via="phone", actor=actor or manager(), now=now
    )
    cb.refresh_from_db()
    return cb


def test_cb1_callback_list_and_detail_with_the_survey_answers_via_api(api_for):
    client = api_for(Role.CALLBACK_SPECIALIST)
    open_one = callback()
    done = _answered(callback(now=NOW - datetime.timedelta(days=3)), overall=4)
    services.callback_attempt_record(callback=open_one, actor=client.user, reached=False, now=NOW)
    assert set(_ids(client.get(CALLBACKS))) == {open_one.pk, done.pk}  # open and done alike

    row = client.get(reverse("api:callback-detail", args=[open_one.pk])).json()
    assert row["ticket"] == open_one.ticket.number and row["status"] == "open"
    assert row["attempts"] == 1 and row["last_attempt_at"] is not None
    assert row["due_date"] == open_one.due_date.isoformat() and row["response"] is None
    row = client.get(reverse("api:callback-detail", args=[done.pk])).json()
    assert row["status"] == "done" and row["response"]["via"] == "phone" and row["response"]["satisfied"] is True
    by_kind = {a["kind"]: a for a in row["response"]["answers"]}
    overall = next(a for a in row["response"]["answers"] if a["rating"] == 4)
    assert overall["question_text"] and by_kind["yes_no"]["yes"] is True
    assert by_kind["text"]["text"] == "很好"  # the callback's own roles see the comment
    assert not any("token" in key or "link" == key for key in row)


def test_cb1_callback_filters_via_api(api_for):
    client = api_for(Role.SERVICE_MANAGER)
    today = callback(now=NOW)
    done = _answered(callback(now=NOW - datetime.timedelta(days=5)))
    with time_machine.travel(NOW, tick=False):
        assert _ids(client.get(CALLBACKS, {"status": "done"})) == [done.pk]
        assert _ids(client.get(CALLBACKS, {"status": CallbackStatus.OPEN})) == [today.pk]
        assert _ids(client.get(CALLBACKS, {"ticket": today.ticket.number})) == [today.pk]
        assert _ids(client.get(CALLBACKS, {"q": done.customer.name})) == [done.pk]
        assert _ids(client.get(CALLBACKS, {"channel": "onsite"})) == []
        assert set(_ids(client.get(CALLBACKS, {"channel": "hotline"}))) == {today.pk, done.pk}
        assert _ids(client.get(CALLBACKS, {"due": "overdue"})) == [done.pk]
        assert _ids(client.get(CALLBACKS, {"due": "overdue", "status": "open"})) == []


def test_cb5_survey_answers_via_api_show_scores_to_the_report_roles(api_for):
    happy = _answered(callback(), overall=5)
    unhappy = _answered(callback(now=NOW + datetime.timedelta(hours=1)), overall=1, now=NOW + datetime.timedelta(hours=2))
    client = api_for(Role.DUTY_MANAGER)  # REPORT_ROLES, not the callback queue
    assert _ids(client.get(RESPONSES)) == [unhappy.response.pk, happy.response.pk]
    assert _ids(client.get(RESPONSES, {"satisfied": "false"})) == [unhappy.response.pk]
    assert _ids(client.get(RESPONSES, {"channel": "hotline", "answered_before": (NOW + datetime.timedelta(hours=1)).isoformat()})) == [happy.response.pk]
    row = client.get(reverse("api:survey-response-detail", args=[happy.response.pk])).json()
    assert row["ticket"] == happy.ticket.number and row["channel"] == "hotline" and row["satisfied"] is True
    assert 5 in [s["rating"] for s in row["scores"]]
    assert all(s["kind"] != "text" and "text" not in s for s in row["scores"])
    assert client.get(CALLBACKS).status_code == 403  # the duty manager does not work the queue


@pytest.mark.parametrize(
    ("url", "role"),
    [(CALLBACKS, Role.AGENT), (CALLBACKS, Role.ENGINEER), (RESPONSES, Role.AGENT), (RESPONSES, Role.ENGINEER),
     (COMPLAINTS, Role.ENGINEER), (COMPLAINTS, Role.HR)],
)  # fmt: skip
def test_care_resources_are_denied_outside_their_roles(api_for, url, role):
    response = api_for(role).get(url)
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403


def test_hl10_cb6_complaint_list_and_detail_via_api(api_for):
    received = complaint()
    verified = complaint(now=NOW + datetime.timedelta(hours=1))
    services.complaint_verify(
        complaint=verified, actor=manager(), route="product", verification="核实属实", vendor_reference="V-2026-7",
        now=NOW + datetime.timedelta(hours=2),
    )  # fmt: skip
    client = api_for(Role.AGENT)
    assert set(_ids(client.get(COMPLAINTS))) == {received.pk, verified.pk}
    assert _ids(client.get(COMPLAINTS, {"status": ComplaintStatus.VERIFIED})) == [verified.pk]
    assert _ids(client.get(COMPLAINTS, {"route": "product"})) == [verified.pk]
    assert _ids(client.get(COMPLAINTS, {"q": received.ticket.number})) == [received.pk]
    assert set(_ids(client.get(COMPLAINTS, {"status": "open"}))) == {received.pk, verified.pk}
    row = client.get(reverse("api:complaint-detail", args=[verified.pk])).json()
    assert row["ticket"] == verified.ticket.number and row["status"] == "verified"
    assert row["vendor_reference"] == "V-2026-7" and row["verification"] == "核实属实"
    assert row["due_date"] == verified.due_date.isoformat() and row["overdue"] is True  # CB-6: long past NOW


def test_care_bad_filters_are_400_with_the_error_body(api_for):
    for url, params, role in (
        (CALLBACKS, {"due": "tomorrow"}, Role.CALLBACK_SPECIALIST),
        (CALLBACKS, {"status": "maybe"}, Role.CALLBACK_SPECIALIST),
        (RESPONSES, {"answered_after": "last week"}, Role.SERVICE_MANAGER),
        (COMPLAINTS, {"status": "lost"}, Role.AGENT),
    ):
        response = api_for(role).get(url, params)
        assert response.status_code == 400, (url, params)
        assert set(response.json()["error"]["fields"]) == set(params)


@pytest.mark.parametrize("rows", [2, 10])
def test_callback_list_query_count_does_not_grow(api_for, django_assert_num_queries, rows):
    for n in range(rows):
        made = callback(now=NOW + datetime.timedelta(minutes=n))
        if n % 2:
            _answered(made)
    client = api_for(Role.CALLBACK_SPECIALIST)
    client.get(CALLBACKS)  # the token's first use writes last_used_at
    with django_assert_num_queries(4):
        assert len(_ids(client.get(CALLBACKS))) == rows


@pytest.mark.parametrize("rows", [2, 10])
def test_survey_response_list_query_count_does_not_grow(api_for, django_assert_num_queries, rows):
    for n in range(rows):
        _answered(callback(now=NOW + datetime.timedelta(minutes=n)))
    client = api_for(Role.SERVICE_MANAGER)
    client.get(RESPONSES)
    with django_assert_num_queries(4):
        assert len(_ids(client.get(RESPONSES))) == rows


@pytest.mark.parametrize("rows", [2, 10])
def test_complaint_list_query_count_does_not_grow(api_for, django_assert_num_queries, rows):
    for n in range(rows):
        complaint(now=NOW + datetime.timedelta(minutes=n))
    client = api_for(Role.AGENT)
    client.get(COMPLAINTS)
    with django_assert_num_queries(3):
        assert len(_ids(client.get(COMPLAINTS))) == rows
