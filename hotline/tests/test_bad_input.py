"""HL-1: the call screen and its htmx parts answer garbage ids with a form error or a 404, never a
500 (issue 13: 36 of 1,872 fuzzed inputs used to crash ``_call_context``)."""

import pytest
import time_machine
from django.urls import reverse

from hotline.models import CallLog
from staff.roles import Role
from tickets.models import Ticket

from .factories import NOW, known_caller

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
GARBAGE_IDS = ["abc", "²", "١٢", "-1", "0", "1.5", "9" * 25, str(2**31), str(2**63), str(2**64), " ", "\x00", "x" * 5000]


@pytest.fixture
def agent_client(client, make_user):
    client.force_login(make_user(Role.AGENT))
    with time_machine.travel(NOW, tick=False):
        yield client


def call_post(caller, **overrides):
    data = {
        "started_at": NOW.isoformat(),
        "customer": caller["customer"].pk,
        "organisation": caller["customer"].name,
        "caller_phone": "138 0013 8000",
        "contact": caller["contact"].pk,
        "installation": caller["installation"].pk,
        "problem": "打印机卡纸",
        "outcome": "solved",
        "resolution": "重新装纸",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["customer", "installation", "contact", "region"])
@pytest.mark.parametrize("value", GARBAGE_IDS)
def test_hl1_call_screen_answers_garbage_ids_with_a_form_error_not_a_500(agent_client, field, value):
    caller = known_caller()
    for headers in ({}, HTMX):
        response = agent_client.post(reverse("hotline:call"), call_post(caller, **{field: value}), **headers)
        assert response.status_code == 200
    # Nothing half-saved: a refused call leaves no call and no ticket behind.
    assert not CallLog.objects.exists() and not Ticket.objects.exists()


def test_hl1_call_screen_still_logs_a_valid_call(agent_client):
    caller = known_caller()
    response = agent_client.post(reverse("hotline:call"), call_post(caller))
    assert response.status_code == 302
    assert CallLog.objects.get().customer == caller["customer"]


@pytest.mark.parametrize("value", GARBAGE_IDS)
def test_hl1_call_screen_htmx_parts_ignore_garbage_ids(agent_client, value):
    known_caller()
    assert agent_client.get(reverse("hotline:lookup"), {"customer": value, "caller_phone": value}).status_code == 200
    assert agent_client.get(reverse("hotline:checklist"), {"installation": value}).status_code == 200
    assert agent_client.get(reverse("hotline:incoming"), {"open": value}).status_code == 200
    assert agent_client.get(reverse("hotline:call"), {"call": value}).status_code in (200, 404)
    assert agent_client.post(reverse("hotline:seat_sign_in"), {"seat": value}).status_code == 404


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "abc"])
def test_hl5_statistics_and_call_list_refuse_dates_that_overflow(client, make_user, value):
    client.force_login(make_user(Role.DUTY_MANAGER))
    response = client.get(reverse("hotline:stats"), {"start": "2026-03-01", "end": value})
    assert response.status_code == 200 and "end" in response.context["form"].errors
    response = client.get(reverse("hotline:call_list"), {"end": value})
    assert response.status_code == 200 and "end" in response.context["form"].errors
