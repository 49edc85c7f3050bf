"""Issue 16, OS-11: van parts on the work report, "Use a part" after it, and the idempotent resend
(the offline phone sends the same report again)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from onsite import services as onsite_services
from onsite.models import OrderStatus, PartUsed
from onsite.parts.models import MoveReason, StockLevel, StockMove
from onsite.tests.factories import ALL_CHECKS, NOW, engineer, order_at
from tickets.models import TicketEvent

from .factories import PartFactory, VanFactory, stock

pytestmark = pytest.mark.django_db

ONSITE_TICKS = ("badge_shown", "contact_verified", "problem_verified", "data_backed_up", "fixed", "trial_run", "cause_explained")


def level(part, location) -> int:
    return StockLevel.objects.filter(part=part, location=location).values_list("quantity", flat=True).first() or 0


def _on_site(*, quantity=2, **part_fields):
    eng = engineer(full_name="刘洋")
    order = order_at(OrderStatus.ON_SITE, engineer_user=eng)
    van, part = VanFactory(engineer=eng), PartFactory(**part_fields)
    stock(part=part, location=van, quantity=quantity, serial_number="NEW-001" if part.serial_tracked else "")
    return order, eng, van, part


def _submit(order, eng, parts):
    return onsite_services.work_report_submit(
        order=order, engineer=eng, checks=ALL_CHECKS, cause="色带老化", actions="更换色带", parts=parts, now=NOW
    )


def _report_post(part, *, quantity="1", key="report-key-0000000001", **row):
    return {
        **dict.fromkeys(ONSITE_TICKS, "on"), "cause": "色带老化", "actions": "更换色带", "prevention": "",
        "idempotency_key": key,
        "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0", "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "20",
        "parts-0-part": str(part.pk), "parts-0-quantity": quantity, **{f"parts-0-{k}": v for k, v in row.items()},
        "parts-1-name": "本地购买的保险丝", "parts-1-quantity": "1",
    }  # fmt: skip


# --- Service -------------------------------------------------------------------------------------------


def test_os11_report_van_part_is_consumed_once_and_linked():
    order, eng, van, part = _on_site()
    report = _submit(order, eng, [{"part": part, "quantity": 2}, {"name": "保险丝", "quantity": 1}])
    used = list(report.parts.order_by("id"))
    assert [(u.name, u.part_number, u.quantity) for u in used] == [(part.name, part.number, 2), ("保险丝", "", 1)]
    move = StockMove.objects.get(reason=MoveReason.CONSUME)
    # Counted once: the report's row is the move's row; part_consume wrote no second PartUsed.
    assert (move.part_used, move.quantity, move.order, move.at) == (used[0], 2, order, NOW)
    assert PartUsed.objects.count() == 2 and level(part, van) == 0
    assert TicketEvent.objects.filter(ticket=order.ticket, kind="parts_consumed").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.WORK_DONE


def test_os11_report_refused_consumption_saves_nothing():
    order, eng, van, part = _on_site(quantity=1)
    with pytest.raises(ValidationError, match=r"Parts row 1 .*Only 1 left in van of 刘洋"):
        _submit(order, eng, [{"part": part, "quantity": 2}])
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE
    assert not PartUsed.objects.exists() and not StockMove.objects.filter(reason=MoveReason.CONSUME).exists()
    assert level(part, van) == 1


def test_os11_report_serial_swap_updates_the_installation():
    order, eng, van, part = _on_site(quantity=1, serial_tracked=True)
    installation = order.ticket.installation
    old = installation.serial_number
    _submit(order, eng, [{"part": part, "quantity": 1, "serial_out": old, "serial_in": "NEW-001"}])
    installation.refresh_from_db()
    assert installation.serial_number == "NEW-001"
    assert StockMove.objects.get(reason=MoveReason.CONSUME).serial_out == old


# --- Work report page ----------------------------------------------------------------------------------


def test_os11_report_page_offers_the_van_parts_with_quantity(client):
    order, eng, van, part = _on_site(quantity=3)
    client.force_login(eng)
    body = client.get(reverse("onsite:detail", args=[order.pk])).content.decode()
    assert f"{part.number} {part.name} (3 pcs in your van)" in body
    assert 'name="parts-0-serial_in"' in body and 'name="idempotency_key"' in body


def test_os11_resent_report_does_not_consume_twice(client):
    """The offline phone sends the same report (same form key) again: one report, one move."""
    order, eng, van, part = _on_site(quantity=2)
    client.force_login(eng)
    url, data = reverse("onsite:report", args=[order.pk]), _report_post(part)
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data)
    assert again.status_code == 302 and again.url == first.url
    assert level(part, van) == 1
    assert StockMove.objects.filter(reason=MoveReason.CONSUME).count() == 1
    assert PartUsed.objects.filter(report__order=order).count() == 2  # the van part and the typed one
    messages = [str(m) for m in again.wsgi_request._messages]
    assert any("Already saved" in m for m in messages)


def test_os11_refused_consumption_is_a_form_error_and_nothing_is_lost(client):
    order, eng, van, part = _on_site(quantity=1)
    client.force_login(eng)
    response = client.post(reverse("onsite:report", args=[order.pk]), _report_post(part, quantity="2"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Only 1 left in van of 刘洋" in body
    assert "色带老化" in body and "本地购买的保险丝" in body  # as typed
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE and not PartUsed.objects.exists() and level(part, van) == 1


def test_os11_serial_tracked_van_part_needs_the_new_serial(client):
    order, eng, van, part = _on_site(quantity=1, serial_tracked=True)
    client.force_login(eng)
    response = client.post(reverse("onsite:report", args=[order.pk]), _report_post(part))
    assert response.status_code == 200
    assert "Give the serial number of the unit you put in." in response.content.decode()
    assert level(part, van) == 1


def test_os11_van_part_and_typed_name_in_one_row_is_refused(client):
    order, eng, van, part = _on_site()
    client.force_login(eng)
    response = client.post(reverse("onsite:report", args=[order.pk]), _report_post(part, name="别的"))
    assert "not both" in response.content.decode()
    assert not PartUsed.objects.exists()


def test_another_engineers_van_part_is_not_a_valid_choice(client):
    order, eng, van, part = _on_site()
    other_part = PartFactory()
    stock(part=other_part, location=VanFactory(engineer=engineer()), quantity=5)
    client.force_login(eng)
    response = client.post(reverse("onsite:report", args=[order.pk]), _report_post(other_part))
    assert response.status_code == 200 and not StockMove.objects.filter(reason=MoveReason.CONSUME).exists()


# --- "Use a part" after the report ---------------------------------------------------------------------


def _work_done():
    eng = engineer(full_name="刘洋")
    order = order_at(OrderStatus.WORK_DONE, engineer_user=eng)
    van, part = VanFactory(engineer=eng), PartFactory()
    stock(part=part, location=van, quantity=3)
    return order, eng, van, part


def test_os11_use_a_part_after_the_report(client):
    order, eng, van, part = _work_done()
    client.force_login(eng)
    assert "Use a part from my van" in client.get(reverse("onsite:detail", args=[order.pk])).content.decode()
    data = {"part": str(part.pk), "quantity": "2", "idempotency_key": "use-key-00000000000001"}
    url = reverse("parts:part_use", args=[order.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # resent: nothing twice
    used = PartUsed.objects.get(report__order=order, part_number=part.number)
    assert used.quantity == 2 and level(part, van) == 1
    assert StockMove.objects.get(reason=MoveReason.CONSUME).part_used == used


def test_os11_use_a_part_refused_shows_the_message(client):
    order, eng, van, part = _work_done()
    client.force_login(eng)
    data = {"part": str(part.pk), "quantity": "9", "idempotency_key": "use-key-00000000000002"}
    response = client.post(reverse("parts:part_use", args=[order.pk]), data, follow=True)
    assert "Only 3 left in van of 刘洋" in response.content.decode()
    assert level(part, van) == 3


def test_use_a_part_on_another_engineers_order_is_404(client):
    order, eng, van, part = _work_done()
    other = engineer()
    client.force_login(other)
    response = client.post(reverse("parts:part_use", args=[order.pk]), {"part": str(part.pk), "quantity": "1"})
    assert response.status_code == 404
    assert level(part, van) == 3


@pytest.mark.django_db(transaction=True)
def test_os11_two_twins_of_one_report_at_once_consume_once():
    """The phone resends while the first request is still running: the form key decides, one
    report and one move (PostgreSQL; SQLite serialises writers)."""
    import threading

    from django.db import connection

    from servicedesk.core.idempotency import AlreadySaved, run_once

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so there is no race to test; the CI runs PostgreSQL")
    order, eng, van, part = _on_site(quantity=2)
    results, barrier = [], threading.Barrier(2)

    def send():
        try:
            barrier.wait()
            run_once(
                scope="onsite.report", key="twin-key-000000000001", user=eng,
                create=lambda: _submit(order, eng, [{"part": part, "quantity": 1}]), url_of=lambda report: "/",
            )  # fmt: skip
            results.append("saved")
        except (AlreadySaved, ValidationError):
            results.append("not again")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["not again", "saved"]
    assert level(part, van) == 1 and StockMove.objects.filter(reason=MoveReason.CONSUME).count() == 1
