"""Generating preventive visits over a year with Chinese holidays (issue 16, frozen time)."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import IntegrityError

from onsite import services as onsite_services
from onsite.maintenance import services
from onsite.maintenance.models import MaintenanceEventKind, MaintenanceVisit, VisitStatus
from onsite.models import OrderStatus, ServiceOrder
from tickets.models import TicketEvent
from tickets.sla.models import SLAClock

from .factories import NOW, SH, contract, engineer, holidays_2027, plan, service_manager

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "MAINTENANCE_HORIZON_DAYS": 60}
    holidays_2027()
    with time_machine.travel(NOW, tick=False):
        yield


def _year(plan_row, *, start=NOW):
    """Run the daily generation every day of 2027 (at 09:00)."""
    day = start
    while day.year == 2027:
        services.plans_generate_all(now=day)
        day += datetime.timedelta(days=1)
    return list(MaintenanceVisit.objects.filter(plan=plan_row).order_by("planned_on"))


def test_ct1_plan_over_a_year_skips_holidays_and_stays_in_the_contract_period():
    engineer("eng1")
    row = plan(interval_months=1, first_visit_on=D(2027, 1, 31))
    visits = _year(row)
    assert [(v.planned_on, v.visit_on) for v in visits] == [
        (D(2027, 1, 31), D(2027, 2, 1)),  # Sunday -> Monday
        (D(2027, 2, 28), D(2027, 3, 1)),  # month-end safe; Sunday -> Monday
        (D(2027, 3, 31), D(2027, 3, 31)),
        (D(2027, 4, 30), D(2027, 4, 30)),
        (D(2027, 5, 31), D(2027, 5, 31)),
        (D(2027, 6, 30), D(2027, 6, 30)),
        (D(2027, 7, 31), D(2027, 8, 2)),  # Saturday -> Monday
        (D(2027, 8, 31), D(2027, 8, 31)),
        (D(2027, 9, 30), D(2027, 9, 30)),
        (D(2027, 10, 31), D(2027, 11, 1)),
        (D(2027, 11, 30), D(2027, 11, 30)),
        # 31 December is a Friday; nothing beyond the contract's end.
        (D(2027, 12, 31), D(2027, 12, 31)),
    ]
    assert all(v.status == VisitStatus.GENERATED and v.order_id for v in visits)


def test_holiday_week_moves_the_visit_to_the_make_up_working_day():
    engineer("eng1")
    row = plan(interval_months=None, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=8", first_visit_on=D(2027, 1, 1))
    (visit,) = _year(row)
    assert (visit.planned_on, visit.visit_on) == (D(2027, 2, 8), D(2027, 2, 14))  # 调休 Sunday


def test_os1_gn3_generated_order_is_approved_for_the_window_and_dispatched():
    eng = engineer("eng1")
    manager = service_manager()
    row = plan(manager=manager, first_visit_on=D(2027, 1, 20), window_start=datetime.time(14), window_end=datetime.time(16))
    (visit,) = row.visits.all()
    order = visit.order
    assert order.status == OrderStatus.ASSIGNED
    assert order.engineer == eng and order.approved_by == manager
    assert order.agreed_start == datetime.datetime(2027, 1, 20, 14, tzinfo=SH)
    assert order.agreed_end == datetime.datetime(2027, 1, 20, 16, tzinfo=SH)
    assert order.ticket.installation is not None
    kinds = set(TicketEvent.objects.filter(ticket=order.ticket).values_list("kind", flat=True))
    assert {MaintenanceEventKind.GENERATED, "onsite_assigned"} <= kinds


def test_os8_hl6_planned_visit_runs_no_response_clocks():
    engineer("eng1")
    row = plan(first_visit_on=D(2027, 2, 24))
    ticket = row.visits.get().order.ticket
    clocks = SLAClock.objects.filter(ticket=ticket)
    assert clocks.exists()
    assert not clocks.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()
    assert set(clocks.filter(cancelled_at__isnull=False).values_list("cancel_reason", flat=True)) <= {
        services.PLANNED_CLOCK_REASON
    }
    assert not clocks.filter(kind__in=["arrive", "dispatch", "onsite_arrangement"]).exists()


def test_nobody_to_dispatch_leaves_it_approved_with_the_unassigned_event():
    row = plan(first_visit_on=D(2027, 1, 20))
    order = row.visits.get().order
    assert order.status == OrderStatus.APPROVED and order.engineer is None
    assert TicketEvent.objects.filter(ticket=order.ticket, kind=MaintenanceEventKind.UNASSIGNED).exists()


def test_generation_is_idempotent():
    engineer("eng1")
    row = plan(interval_months=1, first_visit_on=D(2027, 1, 20))
    first = row.visits.count()
    orders = ServiceOrder.objects.count()
    assert services.plan_generate(plan=row, now=NOW) == []
    assert services.plans_generate_all(now=NOW).visits == 0
    assert row.visits.count() == first == 2  # 20 January and 20 February inside 60 days
    assert ServiceOrder.objects.count() == orders


def test_concurrent_twin_insert_is_skipped():
    row = plan(interval_months=1, first_visit_on=D(2027, 1, 20), is_active=False)
    row.is_active = True
    row.save()
    real_create = MaintenanceVisit.objects.create
    calls = {"n": 0}

    def twin_first(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # a twin committed this date after our read: our insert hits the constraint
            raise IntegrityError("duplicate key value violates unique constraint maint_visit_once_per_date")
        return real_create(**kwargs)

    with mock.patch.object(MaintenanceVisit.objects, "create", side_effect=twin_first):
        created = services.plan_generate(plan=row, now=NOW)
    assert [v.planned_on for v in created] == [D(2027, 2, 20)]
    # The savepoint kept the outer transaction usable; the twin's date is theirs (not ours to order).
    assert list(row.visits.values_list("planned_on", flat=True)) == [D(2027, 2, 20)]


def test_edit_regenerates_only_future_untouched_visits():
    eng = engineer("eng1")
    manager = service_manager()
    row = plan(manager=manager, interval_months=1, first_visit_on=D(2027, 1, 4))
    # 4 January (today), 4 February, 4 March: today's stays, 4 February is touched, 4 March is regenerated.
    visits = {v.planned_on: v for v in row.visits.all()}
    assert set(visits) == {D(2027, 1, 4), D(2027, 2, 4), D(2027, 3, 4)}
    later = NOW + datetime.timedelta(hours=1)
    onsite_services.service_order_reschedule(
        order=visits[D(2027, 2, 4)].order, actor=manager, caused_by="customer", reason="客户要求改期",
        new_start=datetime.datetime(2027, 2, 5, 9, tzinfo=SH), new_end=datetime.datetime(2027, 2, 5, 11, tzinfo=SH),
        now=later,
    )  # fmt: skip
    old_march = visits[D(2027, 3, 4)].order
    services.plan_edit(plan=row, actor=manager, now=later, window_start=datetime.time(14), window_end=datetime.time(17))
    after = {v.planned_on: v for v in row.visits.select_related("order")}
    assert after[D(2027, 1, 4)].order_id == visits[D(2027, 1, 4)].order_id  # today: left alone
    assert after[D(2027, 2, 4)].order_id == visits[D(2027, 2, 4)].order_id and after[D(2027, 2, 4)].touched
    assert after[D(2027, 3, 4)].order_id != old_march.pk
    assert after[D(2027, 3, 4)].order.agreed_start == datetime.datetime(2027, 3, 4, 14, tzinfo=SH)
    old_march.refresh_from_db()
    assert old_march.status == OrderStatus.CANCELLED
    assert TicketEvent.objects.filter(ticket=old_march.ticket, kind=MaintenanceEventKind.CANCELLED).exists()
    assert after[D(2027, 3, 4)].order.engineer == eng


def test_reassigned_order_counts_as_touched():
    engineer("eng1")
    other = engineer("eng2")
    manager = service_manager()
    row = plan(manager=manager, first_visit_on=D(2027, 2, 10))
    visit = row.visits.get()
    assert not services.visit_touched(visit)
    onsite_services.service_order_assign(
        order=visit.order, engineer=other, actor=manager, now=NOW + datetime.timedelta(minutes=5)
    )
    visit.refresh_from_db()
    visit.order.refresh_from_db()
    assert services.visit_touched(visit)


def test_deactivating_withdraws_future_visits():
    engineer("eng1")
    manager = service_manager()
    row = plan(manager=manager, interval_months=1, first_visit_on=D(2027, 1, 20))
    services.plan_edit(plan=row, actor=manager, now=NOW, is_active=False)
    assert row.visits.count() == 0
    assert not ServiceOrder.objects.exclude(status=OrderStatus.CANCELLED).exists()


def test_one_failing_plan_does_not_stop_the_others(caplog):
    engineer("eng1")
    first = plan(first_visit_on=D(2027, 1, 20), is_active=False)
    second = plan(first_visit_on=D(2027, 1, 21), is_active=False)
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(is_active=True)
    real = services._visit_order_create

    def broken(*, visit, context, now):
        if visit.plan_id == first.pk:
            raise RuntimeError("boom")
        return real(visit=visit, context=context, now=now)

    with mock.patch.object(services, "_visit_order_create", side_effect=broken):
        summary = services.plans_generate_all(now=NOW)
    assert summary.failed == [first.pk] and summary.visits == 1
    assert not first.visits.exists() and second.visits.count() == 1
    assert "generating plan" in caplog.text


def test_task_is_idempotent_and_records_its_heartbeat():
    from django_celery_beat.models import PeriodicTask

    from onsite.maintenance import tasks
    from servicedesk.core.models import Heartbeat

    engineer("eng1")
    row = plan(first_visit_on=D(2027, 1, 20), is_active=False)
    type(row).objects.filter(pk=row.pk).update(is_active=True)
    assert tasks.maintenance_generate.delay(NOW.isoformat()).get() == {"plans": 1, "visits": 1, "failed": []}
    assert tasks.maintenance_generate.delay(NOW.isoformat()).get() == {"plans": 1, "visits": 0, "failed": []}
    assert Heartbeat.objects.filter(name=tasks.HEARTBEAT).exists()
    assert PeriodicTask.objects.filter(task="maintenance.generate").exists()


def test_renaming_a_plan_keeps_its_visits():
    engineer("eng1")
    manager = service_manager()
    row = plan(manager=manager, interval_months=1, first_visit_on=D(2027, 1, 20))
    orders = set(row.visits.values_list("order_id", flat=True))
    services.plan_edit(plan=row, actor=manager, now=NOW, name="月度巡检", interval_months=1)
    assert set(row.visits.values_list("order_id", flat=True)) == orders
    assert not ServiceOrder.objects.filter(status=OrderStatus.CANCELLED).exists()
