import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from onsite.models import OrderStatus, PartUsed
from onsite.parts import services
from onsite.parts.models import MoveReason, StockLevel, StockMove
from onsite.tests.factories import NOW, engineer, order_at, service_manager
from servicedesk.core.models import Notification
from tickets.models import TicketEvent

from .factories import PartFactory, VanFactory, WarehouseFactory, key, stock

pytestmark = pytest.mark.django_db


def level(part, location) -> int:
    return StockLevel.objects.filter(part=part, location=location).values_list("quantity", flat=True).first() or 0


def test_ledger_balance_after_moves():
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    van = VanFactory(engineer=engineer())
    stock(part=part, location=warehouse, quantity=10, keeper=keeper)
    services.stock_transfer(part=part, from_location=warehouse, to_location=van, quantity=4, actor=keeper, key=key(), now=NOW)
    services.stock_count_adjust(part=part, location=warehouse, counted=5, actor=keeper, key=key(), now=NOW)
    assert (level(part, warehouse), level(part, van)) == (5, 4)
    adjust = StockMove.objects.get(reason=MoveReason.ADJUST_COUNT)
    assert (adjust.from_location, adjust.to_location, adjust.quantity) == (warehouse, None, 1)
    assert StockMove.objects.count() == 3


def test_negative_stock_refused_by_the_service_with_a_clear_message():
    keeper, part = service_manager(), PartFactory()
    eng = engineer(full_name="刘洋")
    van, warehouse = VanFactory(engineer=eng), WarehouseFactory()
    with pytest.raises(ValidationError, match="Only 0 left in van of 刘洋"):
        services.stock_transfer(part=part, from_location=van, to_location=warehouse, quantity=1, actor=keeper, key=key(), now=NOW)
    assert not StockMove.objects.exists()


def test_negative_stock_refused_by_the_database():
    part, warehouse = PartFactory(), WarehouseFactory()
    stock(part=part, location=warehouse, quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(part=part, location=warehouse).update(quantity=-1)


def test_same_key_returns_the_first_move_and_changes_nothing():
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    first = services.stock_receive(part=part, location=warehouse, quantity=3, actor=keeper, key="resent-1", now=NOW)
    again = services.stock_receive(part=part, location=warehouse, quantity=3, actor=keeper, key="resent-1", now=NOW)
    assert again.pk == first.pk
    assert level(part, warehouse) == 3 and StockMove.objects.count() == 1


def _on_site_order():
    eng = engineer(full_name="刘洋")
    order = order_at(OrderStatus.ON_SITE, engineer_user=eng)
    return order, eng, VanFactory(engineer=eng)


def test_conditional_update_refuses_the_second_consumption_of_the_last_unit():
    order, eng, van = _on_site_order()
    part = PartFactory()
    stock(part=part, location=van, quantity=1)
    services.part_consume(order=order, part=part, quantity=1, engineer=eng, key=key(), now=NOW)
    with pytest.raises(ValidationError, match="Only 0 left in van of 刘洋"):
        services.part_consume(order=order, part=part, quantity=1, engineer=eng, key=key(), now=NOW)
    assert level(part, van) == 0
    assert StockMove.objects.filter(reason=MoveReason.CONSUME).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_consumption_of_the_last_unit_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so there is no race to test; the CI runs PostgreSQL")
    order, eng, van = _on_site_order()
    part = PartFactory()
    stock(part=part, location=van, quantity=1)
    results, barrier = [], threading.Barrier(2)

    def consume(index):
        try:
            barrier.wait()
            services.part_consume(order=order, part=part, quantity=1, engineer=eng, key=f"race-{index}", now=NOW)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=consume, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert level(part, van) == 0


def test_os11_serial_swap_updates_the_installation_and_the_timeline():
    order, eng, van = _on_site_order()
    installation = order.ticket.installation
    old = installation.serial_number
    part = PartFactory(serial_tracked=True)
    stock(part=part, location=van, quantity=1, serial_number="NEW-001")
    move = services.part_consume(
        order=order, part=part, quantity=1, engineer=eng, serial_out=old, serial_in="NEW-001", key=key(), now=NOW
    )
    installation.refresh_from_db()
    assert installation.serial_number == "NEW-001"
    assert (move.serial_number, move.serial_out, move.at, move.order) == ("NEW-001", old, NOW, order)
    event = TicketEvent.objects.get(ticket=order.ticket, kind="parts_serial_swapped")
    assert event.data["old"] == old and event.data["new"] == "NEW-001"
    assert not PartUsed.objects.exists()  # no work report yet: on the ledger only


def test_os11_consumption_after_the_report_adds_the_part_used():
    eng = engineer()
    order = order_at(OrderStatus.WORK_DONE, engineer_user=eng)
    van, part = VanFactory(engineer=eng), PartFactory()
    stock(part=part, location=van, quantity=2)
    move = services.part_consume(order=order, part=part, quantity=2, engineer=eng, key=key(), now=NOW)
    used = PartUsed.objects.get(report__order=order)
    assert (used.part_number, used.quantity, move.part_used_id) == (part.number, 2, used.pk)


def test_os11_factory_return_due_in_five_working_days_and_back():
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    stock(part=part, location=warehouse, quantity=1, keeper=keeper)
    sent = services.return_to_factory(part=part, from_location=warehouse, actor=keeper, key=key(), now=NOW)
    assert str(sent.factory_due_on) == "2026-03-17"  # Tue + 5 working days
    back = services.factory_returned(sent=sent, to_location=warehouse, actor=keeper, key=key(), now=NOW)
    assert back.returns_move == sent and level(part, warehouse) == 1
    with pytest.raises(ValidationError):
        services.factory_returned(sent=sent, to_location=warehouse, actor=keeper, key=key(), now=NOW)


def test_low_stock_notifies_service_managers_once_per_crossing():
    keeper, part, warehouse = service_manager(), PartFactory(low_stock_threshold=2), WarehouseFactory()
    van = VanFactory(engineer=engineer())
    stock(part=part, location=warehouse, quantity=5, keeper=keeper)
    for _ in range(3):  # 4, 3 (no alert), 2 (alert), then 1: still low, no second alert
        services.stock_transfer(part=part, from_location=warehouse, to_location=van, quantity=1, actor=keeper, key=key(), now=NOW)
    services.stock_transfer(part=part, from_location=warehouse, to_location=van, quantity=1, actor=keeper, key=key(), now=NOW)
    alerts = Notification.objects.filter(kind=services.LOW_STOCK_KIND, recipient=keeper)
    assert alerts.count() == 1
    assert "2" in alerts.get().title
