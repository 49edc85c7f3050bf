import pytest

from hotline.roster.tests.factories import SeatFactory, ShiftFactory, at
from staff.roles import Role


@pytest.fixture
def duty(make_user):
    return make_user(Role.DUTY_MANAGER, Role.AGENT, username="duty", full_name="张伟", phone="13800000009")


@pytest.fixture
def seats(db):
    return [SeatFactory(number=f"800{n}") for n in range(1, 5)]


@pytest.fixture
def shift(db, duty):
    """Day shift Monday 2026-12-07 08:30-17:30 (Asia/Shanghai), led by ``duty``, not published."""
    return ShiftFactory(duty_manager=duty)


@pytest.fixture
def early():
    """A moment well before the 12-hour publication lead of ``shift``."""
    return at("2026-12-05 10:00")
