import pytest

from hotline.selectors import duty_managers_on_shift
from staff.roles import Role

pytestmark = pytest.mark.django_db


def test_duty_managers_on_shift_falls_back_to_every_active_duty_manager(make_user):
    duty = make_user(Role.DUTY_MANAGER, Role.AGENT)
    make_user(Role.DUTY_MANAGER, is_active=False)
    make_user(Role.AGENT)
    assert list(duty_managers_on_shift(at=None)) == [duty]
