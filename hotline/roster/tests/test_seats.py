import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hotline.roster import selectors, services
from hotline.roster.models import SeatSignIn
from hotline.roster.tests.factories import SeatFactory

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 24, 8, 55, tzinfo=TZ)

pytestmark = pytest.mark.django_db


def test_hl4_sign_in_makes_the_agent_the_seat_holder_until_sign_out(agent):
    seat = SeatFactory(number="8001")
    services.seat_sign_in(seat=seat, user=agent, now=T0)
    assert selectors.seat_holder(seat="8001", at=T0 + datetime.timedelta(hours=1)) == agent
    assert selectors.seat_of(user=agent, at=T0) == "8001"
    assert selectors.seat_holder(seat="8001", at=T0 - datetime.timedelta(minutes=1)) is None
    services.seat_sign_out(user=agent, now=T0 + datetime.timedelta(hours=2))
    assert selectors.seat_holder(seat="8001", at=T0 + datetime.timedelta(hours=3)) is None
    # History still answers who sat there at the time.
    assert selectors.seat_holder(seat="8001", at=T0 + datetime.timedelta(hours=1)) == agent


def test_hl4_a_seat_taken_by_someone_else_is_refused_and_moving_signs_out_first(agent, make_user):
    other = make_user("agent", username="agent2")
    first, second = SeatFactory(number="8001"), SeatFactory(number="8002")
    services.seat_sign_in(seat=first, user=agent, now=T0)
    with pytest.raises(ValidationError, match="taken by"):
        services.seat_sign_in(seat=first, user=other, now=T0)
    again = services.seat_sign_in(seat=first, user=agent, now=T0 + datetime.timedelta(minutes=5))
    assert again.signed_in_at == T0  # signing in twice keeps the first time
    services.seat_sign_in(seat=second, user=agent, now=T0 + datetime.timedelta(minutes=30))
    assert selectors.seat_of(user=agent, at=T0 + datetime.timedelta(minutes=31)) == "8002"
    assert SeatSignIn.objects.filter(user=agent, signed_out_at__isnull=True).count() == 1


def test_hl4_database_allows_one_open_sign_in_per_seat(agent, make_user):
    seat = SeatFactory()
    SeatSignIn.objects.create(seat=seat, user=agent, signed_in_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatSignIn.objects.create(seat=seat, user=make_user("agent", username="x"), signed_in_at=T0)
