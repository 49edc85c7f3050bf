"""Issue 17: the satisfaction page (CB-5) opens on the latest month with answers, not an empty one."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.care import selectors, services
from tickets.care.tests.factories import answers, callback

pytestmark = pytest.mark.django_db

ANSWERED = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 5, 20, 2, 0, tzinfo=datetime.UTC)


def _answered_in_march():
    cb = callback(now=ANSWERED)
    services.survey_answer_record(callback=cb, answers=answers(cb), via="online", now=ANSWERED)


def test_latest_answered_month_is_the_current_month_without_answers():
    assert selectors.latest_answered_month(now=LATER) == datetime.date(2026, 5, 1)


def test_cb5_satisfaction_opens_on_the_latest_month_with_answers():
    _answered_in_march()
    client = Client()
    client.force_login(UserFactory(roles=[Role.SERVICE_MANAGER]))
    with time_machine.travel(LATER, tick=False):
        response = client.get(reverse("care:satisfaction"))
        assert response.context["month"] == datetime.date(2026, 3, 1)
        # the query parameter still chooses the month
        response = client.get(reverse("care:satisfaction"), {"month": "2026-05"})
        assert response.context["month"] == datetime.date(2026, 5, 1)
