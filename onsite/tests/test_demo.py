import io

import pytest
from django.core.management import call_command

from onsite.models import OrderStatus, ServiceOrder, SignOff

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_the_flow_and_are_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(ServiceOrder.objects.values_list("status", flat=True))
    assert {OrderStatus.REQUESTED, OrderStatus.ASSIGNED, OrderStatus.SIGNED, OrderStatus.CLOSED} <= statuses
    assert SignOff.objects.count() == 2
    count = ServiceOrder.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert ServiceOrder.objects.count() == count
