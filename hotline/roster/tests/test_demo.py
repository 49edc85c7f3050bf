import pytest
from django.utils import timezone

from hotline.roster.demo import seed_demo
from hotline.roster.models import Seat, Shift, ShiftAssignment
from hotline.roster.tests.factories import at
from staff.demo import seed_demo as staff_seed_demo
from staff.models import CalendarDay, WorkCalendar

pytestmark = pytest.mark.django_db


def test_demo_publishes_two_weeks_with_holiday_duty_and_is_idempotent():
    now = at("2026-12-02 10:00")  # Wednesday
    CalendarDay.objects.create(
        calendar=WorkCalendar.objects.get(is_default=True), date=timezone.localdate(now).replace(day=10), kind="holiday"
    )
    staff_seed_demo(now=now, log=lambda *_: None)
    seed_demo(now=now, log=lambda *_: None)
    assert list(Seat.objects.values_list("number", flat=True)) == ["8001", "8002", "8003", "8004"]
    assert Shift.objects.count() == 14 + 9 + 5  # evenings, working days, weekend/holiday days
    assert not Shift.objects.filter(published_at__isnull=True).exists()
    holiday = Shift.objects.filter(is_holiday=True)
    assert sorted(holiday.values_list("template__code", flat=True)) == ["evening", "weekend"]
    for shift in holiday:
        assert shift.assignments.get(forwards_hotline=True).engineer.phone
    assert set(ShiftAssignment.objects.values_list("engineer__username", flat=True)) == {"agent", "agent2", "duty"}
    count = ShiftAssignment.objects.count()
    seed_demo(now=now, log=lambda *_: None)
    assert ShiftAssignment.objects.count() == count and Shift.objects.count() == 28
