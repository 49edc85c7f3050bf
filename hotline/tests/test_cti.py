"""CTI webhook (HL-1, HL-5): token, idempotency, replayed and out-of-order events, the pop-up."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from hotline.models import CallLog
from hotline.roster.services import seat_sign_in
from hotline.roster.tests.factories import SeatFactory
from staff.roles import Role

from .factories import NOW, known_caller

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-cti-token"
URL = "/hotline/cti/events/"


@pytest.fixture(autouse=True)
def cti_token(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "HOTLINE_CTI_TOKEN": TOKEN}


@pytest.fixture(autouse=True)
def clock_at_now():
    """The events below happen around NOW, and the webhook refuses times far from its clock (HL-1)."""
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, payload, token=TOKEN):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def at(seconds):
    return (NOW + datetime.timedelta(seconds=seconds)).isoformat()


def test_cti_url_is_stable():
    assert reverse("hotline:cti") == URL


def test_cti_bad_token_is_refused_and_nothing_is_stored(client):
    response = post(client, {"call_id": "pbx-1", "event": "ringing", "at": at(0)}, token="wrong")
    assert response.status_code == 403
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 403
    assert not CallLog.objects.exists()


def test_cti_empty_token_setting_refuses_everything(client, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "HOTLINE_CTI_TOKEN": ""}
    assert post(client, {"call_id": "pbx-1", "event": "ringing"}, token="").status_code == 403


def test_cti_malformed_payload_is_400(client):
    assert post(client, {"call_id": "", "event": "ringing"}).status_code == 400
    assert post(client, {"call_id": "x", "event": "exploded"}).status_code == 400
    assert post(client, {"call_id": "x", "event": "ringing", "at": "yesterday"}).status_code == 400
    assert client.post(URL, data="[1]", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 400
    assert not CallLog.objects.exists()


def test_hl1_cti_ringing_answered_hangup_make_one_call_with_ring_time_and_caller(client):
    caller = known_caller(mobile="138 0013 8000")
    seat = SeatFactory(number="8001")
    from staff.tests.factories import UserFactory

    agent = UserFactory(roles=[Role.AGENT])
    seat_sign_in(seat=seat, user=agent, now=NOW - datetime.timedelta(hours=1))
    assert post(client, {"call_id": "pbx-42", "event": "ringing", "caller": "+86 138-0013-8000", "seat": "8001", "at": at(0)}).status_code == 200
    assert post(client, {"call_id": "pbx-42", "event": "answered", "at": at(9)}).status_code == 200
    response = post(client, {"call_id": "pbx-42", "event": "hangup", "at": at(200)})
    assert response.status_code == 200
    call = CallLog.objects.get()
    assert response.json()["call"] == call.pk
    assert call.started_at == NOW and call.ring_seconds == 9  # HL-5
    assert call.ended_at == NOW + datetime.timedelta(seconds=200)
    assert call.customer == caller["customer"] and call.contact == caller["contact"]
    assert call.agent == agent and call.seat == "8001" and call.outcome == ""


def test_hl1_cti_replayed_events_never_duplicate(client):
    payloads = [
        {"call_id": "pbx-7", "event": "ringing", "caller": "010 6552 9988", "seat": "8002", "at": at(0)},
        {"call_id": "pbx-7", "event": "answered", "at": at(20), "ring_seconds": 20},
        {"call_id": "pbx-7", "event": "hangup", "at": at(90)},
    ]
    for _ in range(3):
        for payload in payloads:
            assert post(client, payload).status_code == 200
    call = CallLog.objects.get()
    assert (call.started_at, call.answered_at, call.ended_at) == (
        NOW,
        NOW + datetime.timedelta(seconds=20),
        NOW + datetime.timedelta(seconds=90),
    )
    assert call.ring_seconds == 20
    assert call.history.count() >= 1


def test_hl5_cti_events_out_of_order_end_in_the_same_call(client):
    post(client, {"call_id": "pbx-9", "event": "hangup", "at": at(300), "caller": "13800138000"})
    post(client, {"call_id": "pbx-9", "event": "answered", "at": at(6)})
    post(client, {"call_id": "pbx-9", "event": "ringing", "at": at(0), "seat": "8003"})
    call = CallLog.objects.get(pbx_call_id="pbx-9")
    assert call.started_at == NOW and call.answered_at == NOW + datetime.timedelta(seconds=6)
    assert call.ended_at == NOW + datetime.timedelta(seconds=300) and call.ring_seconds == 6
    assert call.seat == "8003" and call.caller_phone == "13800138000"
    assert CallLog.objects.count() == 1


def test_cti_webhook_needs_no_login_or_csrf(client):
    client.enforce_csrf_checks = True
    assert post(client, {"call_id": "pbx-1", "event": "ringing", "at": at(0)}).status_code == 200


def test_cti_popup_shows_the_call_to_the_agent_at_the_called_seat(client, make_user):
    caller = known_caller()
    seat = SeatFactory(number="8005")
    agent, other = make_user(Role.AGENT), make_user(Role.AGENT)
    with time_machine.travel(NOW, tick=False):
        seat_sign_in(seat=seat, user=agent, now=NOW - datetime.timedelta(minutes=30))
        post(client, {"call_id": "pbx-77", "event": "ringing", "caller": caller["contact"].mobile, "seat": "8005", "at": at(0)})
        client.force_login(agent)
        response = client.get(reverse("hotline:incoming"))
        call = CallLog.objects.get()
        assert f'data-call="{call.pk}"' in response.content.decode()
        assert "北京华联商贸有限公司" in response.content.decode()
        client.force_login(other)
        assert "data-call" not in client.get(reverse("hotline:incoming")).content.decode()
        # The agent opens it: the screen is pre-filled with the caller.
        client.force_login(agent)
        page = client.get(reverse("hotline:call") + f"?call={call.pk}").content.decode()
        assert 'value="北京华联商贸有限公司"' in page and caller["contact"].mobile in page
        # While it is open on the screen it no longer pops up.
        assert "data-call" not in client.get(reverse("hotline:incoming"), {"open": call.pk}).content.decode()
