"""CTI webhook input (HL-1, HL-5, issue 12): every field is checked before the database sees it, a
bad one is a 400 naming it (never a 5xx the PBX would resend forever) and nothing is half saved."""

import datetime
import json

import hypothesis
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from hotline import services
from hotline.cti import CtiPayloadError, cti_payload_clean, cti_payload_parse
from hotline.models import CallLog
from hotline.roster.services import seat_sign_in
from hotline.roster.tests.factories import SeatFactory

from .factories import NOW, SHANGHAI, agent_user

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-cti-token"
URL = "/hotline/cti/events/"


@pytest.fixture(autouse=True)
def cti_token(settings):
    settings.SERVICEDESK = {
        **settings.SERVICEDESK,
        "HOTLINE_CTI_TOKEN": TOKEN,
        "HOTLINE_CTI_MAX_PAST_DAYS": 7,
        "HOTLINE_CTI_MAX_FUTURE_MINUTES": 60,
    }


@pytest.fixture(autouse=True)
def clock_at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def post_body(client, body: bytes | str):
    return client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def post(client, payload):
    return post_body(client, json.dumps(payload))


def at(**delta):
    return (NOW + datetime.timedelta(**delta)).isoformat()


def ringing(**fields):
    return {"call_id": "pbx-1", "event": "ringing", "at": at(), **fields}


# --- Each bad field: 400, the field named, nothing saved ---------------------------------------

BAD_FIELDS = [
    ("call_id", {"call_id": None}),
    ("call_id", {"call_id": ""}),
    ("call_id", {"call_id": "   "}),
    ("call_id", {"call_id": "x" * 65}),
    ("call_id", {"call_id": -12345}),
    ("call_id", {"call_id": 10**70}),
    ("call_id", {"call_id": 1.5}),
    ("call_id", {"call_id": True}),
    ("call_id", {"call_id": ["pbx-1"]}),
    ("call_id", {"call_id": {"id": "pbx-1"}}),
    ("call_id", {"call_id": "pbx\x00-1"}),
    ("call_id", {"call_id": "pbx\ud800-1"}),
    ("event", {"event": None}),
    ("event", {"event": "exploded"}),
    ("event", {"event": "RINGING"}),
    ("event", {"event": 1}),
    ("event", {"event": ["ringing"]}),
    ("at", {"at": "yesterday"}),
    ("at", {"at": 1773106200}),
    ("at", {"at": ["2026-03-10T09:30:00"]}),
    ("at", {"at": "2026-02-30T09:30:00"}),
    ("at", {"at": "2026-03-10T09:30:00+99:00"}),
    ("at", {"at": "9999-12-31T23:59:59.999999"}),
    ("at", {"at": "0001-01-01T00:00:00"}),
    ("at", {"at": "0001-01-01T00:00:00+14:00"}),
    ("at", {"at": "9999-12-31T23:59:59-12:00"}),
    ("at", {"at": at(days=-7, seconds=-1)}),
    ("at", {"at": at(minutes=60, seconds=1)}),
    ("caller", {"caller": "1" * 41}),
    ("caller", {"caller": "1" * 21}),  # fits the 40 characters, not the 20-digit lookup key
    ("caller", {"caller": ["138 0013 8000"]}),
    ("caller", {"caller": False}),
    ("seat", {"seat": "8" * 17}),
    ("seat", {"seat": {}}),
    ("started_at", {"started_at": "9999-12-31T23:59:59"}),
    ("started_at", {"started_at": 0}),
    ("answered_at", {"answered_at": "0001-01-01T00:00:00"}),
    ("answered_at", {"answered_at": {"at": at()}}),
    ("ended_at", {"ended_at": at(days=30)}),
    ("ended_at", {"ended_at": True}),
    ("ring_seconds", {"ring_seconds": -1}),
    ("ring_seconds", {"ring_seconds": 86401}),
    ("ring_seconds", {"ring_seconds": 10**30}),
    ("ring_seconds", {"ring_seconds": "9" * 5000}),
    ("ring_seconds", {"ring_seconds": True}),
    ("ring_seconds", {"ring_seconds": 12.5}),
    ("ring_seconds", {"ring_seconds": "12.5"}),
    ("ring_seconds", {"ring_seconds": "twelve"}),
    ("ring_seconds", {"ring_seconds": "1_000"}),
    ("ring_seconds", {"ring_seconds": [12]}),
]


@pytest.mark.parametrize(("field", "fields"), BAD_FIELDS, ids=[f"{f}={v!r}"[:60] for f, v in BAD_FIELDS])
def test_hl1_cti_bad_field_is_400_naming_it_and_nothing_is_saved(client, field, fields):
    before = CallLog.objects.count()
    response = post(client, ringing(**fields))
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and body["error"]
    assert CallLog.objects.count() == before == 0


def test_hl1_cti_overlong_call_id_is_400_naming_the_field(client):
    response = post(client, ringing(call_id="p" * 65))
    assert response.status_code == 400
    assert response.json() == {"field": "call_id", "error": "At most 64 characters (it has 65)."}
    assert not CallLog.objects.exists()


def test_hl1_cti_a_bad_field_leaves_the_existing_call_untouched(client):
    assert post(client, ringing(caller="010 6552 9988", seat="8002")).status_code == 200
    call = CallLog.objects.get()
    response = post(client, {"call_id": "pbx-1", "event": "hangup", "at": at(seconds=90), "ring_seconds": -5})
    assert response.status_code == 400 and response.json()["field"] == "ring_seconds"
    call.refresh_from_db()
    assert call.ended_at is None and call.ring_seconds is None
    assert CallLog.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"not json",
        b"\xff\xfe{}",
        b"[1]",
        b'"pbx-1"',
        b"null",
        b"42",
        b'{"call_id": "pbx-1", "event": "answered", "ring_seconds": NaN}',
        b"[" * 100_000,
    ],
    ids=["empty", "truncated", "text", "not-utf8", "list", "string", "null", "number", "nan", "deep"],
)
def test_hl1_cti_body_that_is_no_json_object_is_400_naming_the_body(client, body):
    response = post_body(client, body)
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    assert not CallLog.objects.exists()


def test_hl1_cti_token_is_checked_before_the_payload(client):
    response = client.post(URL, data=b"\xff", content_type="application/json", HTTP_AUTHORIZATION="Bearer wrong")
    assert response.status_code == 403


# --- What is accepted -------------------------------------------------------------------------


def test_hl1_cti_numeric_call_id_is_taken_as_text(client):
    """Many PBXs number their calls: a whole, non-negative number is the id's text."""
    response = post(client, ringing(call_id=20261207001))
    assert response.status_code == 200, response.content
    assert CallLog.objects.filter(pbx_call_id="20261207001").count() == 1


def test_hl1_cti_values_at_the_limits_are_accepted_and_cleaned(client):
    response = post(
        client,
        {
            "call_id": f"  {'c' * 64}  ",
            "event": " ringing ",
            "at": "2026-03-10T09:30:00",  # naive: the current time zone (Asia/Shanghai)
            "caller": "x" * 40,
            "seat": "8" * 16,
            "started_at": at(days=-7),
            "ended_at": at(minutes=60),
            "ring_seconds": "86400",
            "extension": {"ignored": ["unknown", "keys"]},
        },
    )
    assert response.status_code == 200
    call = CallLog.objects.get()
    assert call.pbx_call_id == "c" * 64 and call.caller_phone == "x" * 40 and call.seat == "8" * 16
    assert call.started_at == NOW - datetime.timedelta(days=7)
    assert call.ended_at == NOW + datetime.timedelta(minutes=60)
    assert call.ring_seconds == 86400


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(0, 0), (12, 12), (12.0, 12), ("12", 12), (" 7 ", 7), ("+7", 7), (86400, 86400), (None, None), ("", None)],
)
def test_hl5_cti_ring_seconds_whole_numbers_and_int_strings(value, seconds):
    payload = cti_payload_clean({"call_id": "pbx-1", "event": "answered", "ring_seconds": value}, now=NOW)
    assert payload.ring_seconds == seconds


def test_hl1_cti_clean_values_are_frozen_and_at_defaults_to_now():
    payload = cti_payload_parse(b'{"call_id": " pbx-1 ", "event": "hangup", "caller": " 13800138000 "}', now=NOW)
    assert payload.as_kwargs() == {
        "call_id": "pbx-1",
        "event": "hangup",
        "at": NOW,
        "caller": "13800138000",
        "seat": "",
        "started_at": None,
        "answered_at": None,
        "ended_at": None,
        "ring_seconds": None,
    }
    with pytest.raises(AttributeError):
        payload.call_id = "other"  # type: ignore[misc]


def test_hl1_cti_first_bad_field_is_the_one_reported():
    with pytest.raises(CtiPayloadError) as error:
        cti_payload_clean({"call_id": "pbx-1", "event": "ringing", "seat": ["8001"], "ring_seconds": -1}, now=NOW)
    assert error.value.field == "seat"


def test_hl1_cti_time_window_comes_from_settings(client, settings):
    settings.SERVICEDESK = {
        **settings.SERVICEDESK,
        "HOTLINE_CTI_MAX_PAST_DAYS": 30,
        "HOTLINE_CTI_MAX_FUTURE_MINUTES": 5,
    }
    assert post(client, ringing(at=at(days=-29))).status_code == 200
    response = post(client, ringing(call_id="pbx-2", at=at(minutes=6)))
    assert response.status_code == 400 and response.json()["field"] == "at"
    assert list(CallLog.objects.values_list("pbx_call_id", flat=True)) == ["pbx-1"]


# --- The service's own refusals and a failure half-way --------------------------------------


@pytest.mark.parametrize(
    ("error", "field"),
    [(ValidationError({"caller_phone": "bad number"}), "caller"), (ValidationError("no such call"), None)],
)
def test_hl1_cti_service_validation_error_is_400_naming_its_field(client, monkeypatch, error, field):
    def refuse(**kwargs):
        raise error

    monkeypatch.setattr(services, "cti_event_receive", refuse)
    response = post(client, ringing())
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_hl1_cti_event_that_failed_half_way_saved_nothing_and_its_retry_succeeds(client, monkeypatch):
    """The service is atomic: the call row created before the failure is rolled back with it, so
    the PBX's retry of the very same event creates the call once."""
    seat = SeatFactory(number="8001")
    agent = agent_user()
    seat_sign_in(seat=seat, user=agent, now=NOW - datetime.timedelta(hours=1))
    event = ringing(call_id="pbx-half", caller="138 0013 8000", seat="8001")
    inserted_before_failure = []

    def broken_seat_holder(**kwargs):  # runs after the CallLog row was inserted
        inserted_before_failure.append(CallLog.objects.filter(pbx_call_id="pbx-half").exists())
        raise RuntimeError("roster database went away")

    monkeypatch.setattr("hotline.roster.selectors.seat_holder", broken_seat_holder)
    client.raise_request_exception = False
    assert post(client, event).status_code == 500
    assert inserted_before_failure == [True]
    assert not CallLog.objects.exists()

    monkeypatch.undo()
    response = post(client, event)
    assert response.status_code == 200
    call = CallLog.objects.get()
    assert (call.pbx_call_id, call.agent, call.started_at, call.seat) == ("pbx-half", agent, NOW, "8001")
    assert post(client, event).status_code == 200 and CallLog.objects.count() == 1


# --- Random payloads ---------------------------------------------------------------------------
# Payloads right but for one field, which takes any value at all, so the random values reach the
# service (a payload wrong everywhere would stop at call_id every time); then some wrong in several.

_NAIVE_NOW = NOW.replace(tzinfo=None)
_ZONES = st.sampled_from([None, SHANGHAI, datetime.UTC, datetime.timezone(datetime.timedelta(hours=14))])
_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_PLAIN = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
_TEXT = st.text(max_size=100) | st.text(_PLAIN, max_size=100)
_NUMBERS = st.one_of(
    st.integers(), st.integers(min_value=-(2**70), max_value=2**70), st.integers(min_value=-5, max_value=90_000)
)
_RECENT = st.datetimes(  # in the window and just outside it
    min_value=_NAIVE_NOW - datetime.timedelta(days=8),
    max_value=_NAIVE_NOW + datetime.timedelta(hours=2),
    timezones=_ZONES,
).map(datetime.datetime.isoformat)
_IN_WINDOW = st.datetimes(
    min_value=_NAIVE_NOW - datetime.timedelta(days=6),
    max_value=_NAIVE_NOW + datetime.timedelta(minutes=30),
    timezones=st.sampled_from([None, SHANGHAI]),
).map(datetime.datetime.isoformat)
_TIMES = st.one_of(
    _RECENT,
    st.datetimes(timezones=_ZONES).map(datetime.datetime.isoformat),  # year 1 to 9999
    st.sampled_from(
        [
            "0001-01-01T00:00:00",
            "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
            "9999-12-31T23:59:59.999999",
            "9999-12-31T23:59:59-12:00",  # after year 9999 in UTC
            "2026-02-30T10:00",
            "2026-03-10T09:30:00+24:00",
        ]
    ),
)
_ANYTHING = st.one_of(_TEXT, _NUMBERS, st.floats(), _TIMES, _ANY_JSON)
_MOSTLY_RIGHT = st.fixed_dictionaries(
    {
        "call_id": st.from_regex(r"pbx-[0-9]{1,12}", fullmatch=True) | st.text(_PLAIN, min_size=1, max_size=64),
        "event": st.sampled_from(services.CtiEvent.ALL),
    },
    optional={
        "at": _IN_WINDOW,
        "caller": st.sampled_from(["138 0013 8000", "+86 10 6552 9988", "anonymous", "x" * 40]),
        "seat": st.sampled_from(["8001", "8" * 16]),
        "started_at": _IN_WINDOW,
        "answered_at": _IN_WINDOW,
        "ended_at": _IN_WINDOW,
        "ring_seconds": st.integers(min_value=0, max_value=86_400) | st.sampled_from([12.0, "12"]),
        "extra": _ANY_JSON,
    },
)


def _either(*strategies):
    """One of ``strategies``, each as likely (``st.one_of`` flattens nested choices and dilutes them)."""
    return st.sampled_from(strategies).flatmap(lambda strategy: strategy)


def _around(limit):
    """Text of about ``limit`` characters, mostly just over it (without spaces, which are stripped)."""
    solid = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))
    sizes = st.integers(min_value=limit - 1, max_value=limit + 8)
    return sizes.flatmap(lambda n: st.text(solid, min_size=n, max_size=n))


# Anything at all, a third of the time what the field is meant to hold taken past its limits.
_WRONG = {
    "call_id": _either(_around(64), _TEXT, _ANYTHING),
    "event": _either(st.sampled_from([" ringing", "RINGING", "ring", "hangup\x00"]), _TEXT, _ANYTHING),
    "caller": _either(_around(40) | st.text(alphabet="0123456789 +-", min_size=15, max_size=45), _TEXT, _ANYTHING),
    "seat": _either(_around(16), _TEXT, _ANYTHING),
    **dict.fromkeys(("at", "started_at", "answered_at", "ended_at"), _either(_TIMES, _TEXT, _ANYTHING)),
    "ring_seconds": _either(_NUMBERS | st.floats(), _TEXT | st.integers().map(str), _ANYTHING),
}


@st.composite
def _payloads(draw):
    payload = draw(_MOSTLY_RIGHT)
    for field in draw(st.lists(st.sampled_from(sorted(_WRONG)), max_size=3, unique=True)):
        payload[field] = draw(_WRONG[field])
    return payload


@pytest.mark.parametrize("field", [*_WRONG, None], ids=[*_WRONG, "several-or-not-an-object"])
@hypothesis.settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,  # no saved examples to replay; a failure prints the example that reproduces it
)
@given(data=st.data())
def test_hl1_cti_random_payloads_never_500_and_never_half_saved(client, field, data):
    """Per field: a right payload but for that field, which takes any value at all; then payloads
    wrong in several places and bodies that are any JSON."""
    if field is None:
        payload = data.draw(_payloads() | _ANY_JSON, label="payload")
    else:
        payload = {**data.draw(_MOSTLY_RIGHT, label="payload"), field: data.draw(_WRONG[field], label=field)}
    client.raise_request_exception = False
    with transaction.atomic():  # each example starts from no calls
        response = post(client, payload)
        hypothesis.event(f"HTTP {response.status_code}")
        assert response.status_code in (200, 400), response.content
        if response.status_code == 400:
            assert set(response.json()) == {"error", "field"}
            assert not CallLog.objects.exists()
        else:
            assert CallLog.objects.get().pbx_call_id == str(payload["call_id"]).strip()
        transaction.set_rollback(True)
