import io

import pytest
from django.core.management import call_command

from staff.models import AttendanceDay, EmployeeProfile, LeaveRequest, PenaltyProposal, TravelRequest

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (EmployeeProfile, AttendanceDay, LeaveRequest, TravelRequest, PenaltyProposal)
    ]


def test_demo_data_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    assert all(first)
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
