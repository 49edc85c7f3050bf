"""The shared datetime filter (`InstantFilter`): any offset ISO 8601 allows is compared in UTC, an
instant outside the calendar is a 400 with a message. PostgreSQL refused the +21:23 offsets the
schema fuzzer sent and answered 500 (found by CI on PostgreSQL)."""

import datetime

import pytest

from hotline.tests.factories import CallLogFactory
from staff.roles import Role

pytestmark = pytest.mark.django_db
CALLS = "/api/v1/calls/"


def test_an_offset_postgresql_refuses_is_compared_in_utc(api_for):
    api = api_for(Role.AGENT)
    call = CallLogFactory(started_at=datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC))
    # 2026-03-10T23:30+21:23 is 02:07 UTC: after the call.
    response = api.get(CALLS, {"started_before": "2026-03-10T23:30:00+21:23"})
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [call.pk]
    # 23:20+21:23 is 01:57 UTC: before it.
    response = api.get(CALLS, {"started_before": "2026-03-10T23:20:00+21:23"})
    assert response.json()["results"] == []
    # The fuzzer's own value: a year PostgreSQL stores, an offset it does not.
    assert api.get(CALLS, {"started_before": "0691-07-30T10:27:37.8+21:23"}).status_code == 200


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "yesterday"])
def test_an_instant_outside_the_calendar_is_a_400_with_a_message(api_for, value):
    api = api_for(Role.AGENT)
    response = api.get(CALLS, {"started_after": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["started_after"][0]
