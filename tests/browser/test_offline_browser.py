"""Issue 16: the engineer's phone without a connection (375 px, Playwright ``set_offline``).

"My visits" loads online once, so the service worker keeps today's orders; then the network goes
off. The engineer opens the order from the phone's copy and walks the visit (each step a function
in ``OFFLINE_STEPS``: check-in, a photo, the work report with a part from the van and a
free-text one, the signature, check-out), every step queued in IndexedDB and
the next one shown at once, the banner counting. Back online the queue is sent: everything arrives
once, the order is signed and checked out. The same queue sent a second time stores nothing new
(idempotency keys): "already saved" for each entry.
"""

import io
import math

import pytest
from PIL import Image
from django.utils import timezone

from onsite import services
from onsite.models import OnsiteEventKind, OrderPhoto, OrderStatus, PartUsed, ServiceOrder, SignOff, WorkReport
from onsite.parts.models import MoveReason, StockLevel, StockMove
from onsite.parts.tests.factories import PartFactory, VanFactory, stock
from onsite.tests.factories import engineer, service_manager
from staff.tests.factories import TEST_PASSWORD
from tickets.models import TicketEvent

from .conftest import SCREENSHOTS, login
from .test_onsite_browser import dispatched, no_overflow

pytestmark = pytest.mark.django_db(transaction=True)

ONSITE_CHECK_LABELS = (
    "Badge shown", "Contact person verified", "Problem verified on site", "Customer data backed up before any change",
    "Problem fixed", "Customer trial run done", "Cause and prevention explained",
)  # fmt: skip

# The queue's IndexedDB copied aside and back, blobs included (structured clone), to send it twice.
IDB_COPY = """async ([from, to]) => {
  const open = (name) => new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      for (const store of ["queue", "failed"]) {
        if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, {keyPath: "id", autoIncrement: true});
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const source = await open(from), target = await open(to);
  const entries = await new Promise((resolve) => {
    const request = source.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  await new Promise((resolve) => {
    const t = target.transaction("queue", "readwrite");
    entries.forEach((entry) => t.objectStore("queue").put(entry));
    t.oncomplete = resolve;
  });
  source.close(); target.close();
  return entries.length;
}"""


def queued(page, step: str, count: int) -> None:
    if step == "photo":  # the photo form stays for the next photo, emptied, with the note above it
        page.wait_for_selector(".offline-queued[data-offline-queued-form]")
    else:
        page.wait_for_selector(f".offline-queued[data-offline-queued-step='{step}']")
        assert not page.locator(f"form[data-offline='{step}']").is_visible()  # the note instead of the form
    expected = "1 change waiting to send" if count == 1 else f"{count} changes waiting to send"
    page.wait_for_function(f"document.querySelector('[data-offline-count]').textContent === {expected!r}")
    assert page.locator("#offline-queue").is_visible()


def check_in(page):
    page.click("button:has-text('I am on site: check in')")


def photo(page):
    form = page.locator("form[data-offline='photo']")
    form.wait_for(state="visible")  # shown with the work report once the check-in is queued
    picture = Image.new("RGB", (2400, 1600), (30, 120, 200))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    form.locator("input[type=file]").set_input_files(
        [{"name": "feed-roller.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}]
    )
    form.locator("input[name=caption]").fill("磨损的进纸轮")
    form.locator("button:has-text('Add the photo')").click()


def work_report(page):
    form = page.locator("form[data-offline='report']")
    form.wait_for(state="visible")
    for label in ONSITE_CHECK_LABELS:
        form.get_by_label(label).check()
    page.fill("#id_cause", "进纸轮磨损")
    page.fill("#id_actions", "更换进纸轮，清洁打印头")
    page.select_option("#id_parts-0-part", label="IP300-FR 进纸轮 Feed roller (3 pcs in your van)")  # OS-11
    page.fill("#id_parts-0-quantity", "1")
    page.fill("#id_parts-1-name", "清洁棉签")  # a free-text part, not in the catalogue
    page.fill("#id_parts-1-quantity", "2")
    no_overflow(page)
    form.locator("button:has-text('Save the work report')").click()


def signature(page):
    canvas = page.locator("form[data-offline='sign'] .signature-pad canvas")
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["width"] > 200  # set up when shown, not while hidden
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(box["x"] + 20 + step * (box["width"] - 40) / 30, box["y"] + box["height"] * (0.5 + 0.25 * math.sin(step / 2.5)))
    page.mouse.up()
    assert page.input_value("#id_signature").startswith("data:image/png;base64,")
    page.fill("#id_customer_name", "李明")
    page.locator(".rating-choice label").filter(has_text="5").click()
    page.click("button:has-text('Sign the service form')")


def check_out(page):
    page.locator("form[data-offline='check_out'] button").click()


# (step label on the queued form, what the engineer does)
OFFLINE_STEPS = [
    ("check_in", check_in), ("photo", photo), ("report", work_report), ("sign", signature), ("check_out", check_out),
]  # fmt: skip


def test_issue16_engineer_works_a_visit_offline_and_everything_arrives_once(live_server, browser):
    assert live_server.url.startswith("http://localhost")  # a secure context: service workers allowed
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="en-US", service_workers="allow",
    )  # fmt: skip
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 39.983424, "longitude": 116.307649, "accuracy": 15})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    now = timezone.now()
    liu = engineer("liu", full_name="刘洋")
    manager = service_manager("chen", full_name="陈静")
    order = dispatched(liu=liu, manager=manager, customer_name="北京华联商贸有限公司", now=now, until="en_route")
    van_stock(liu)
    try:
        login(page, live_server, "liu", TEST_PASSWORD)
        page.goto(f"{live_server.url}/onsite/mine/")
        page.wait_for_selector("html[data-offline-ready='2']")  # "My visits" and today's order kept
        assert page.locator("link[rel=manifest]").count() == 1

        context.set_offline(True)
        ServiceOrder.objects.filter(pk=order.pk).update(problem="changed on the server meanwhile")
        page.goto(f"{live_server.url}{order.get_absolute_url()}")  # the phone's copy
        assert "票据打印机卡纸" in page.inner_text(".problem")  # not the server's page
        assert page.locator(".steps li.current").inner_text() == "Check in"
        for count, (step, act) in enumerate(OFFLINE_STEPS, start=1):
            act(page)
            queued(page, step, count)
        no_overflow(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "onsite-offline-queue.png"))

        # Nothing has arrived; a reload offline shows the same progress from the queue.
        assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.EN_ROUTE
        page.reload()
        queued(page, "check_out", len(OFFLINE_STEPS))
        assert not page.locator("form[data-offline='check_in']").is_visible()
        assert page.evaluate(IDB_COPY, ["servicedesk-offline", "servicedesk-offline-copy"]) == len(OFFLINE_STEPS)

        # Back online: sent in order, then the page shows the server's state.
        with page.expect_navigation():
            context.set_offline(False)
        page.wait_for_function("document.getElementById('offline-queue').dataset.waiting === '0'")
        assert_arrived_once(order)
        assert page.locator(".steps li.current").inner_text() == "Hand in"

        # The same queue again (a lost answer, a reload mid-way): every entry is "already saved".
        page.evaluate(IDB_COPY, ["servicedesk-offline-copy", "servicedesk-offline"])
        with page.expect_navigation():
            page.evaluate("window.servicedeskOffline.replay()")
        page.wait_for_function("document.getElementById('offline-queue').dataset.waiting === '0'")
        assert page.evaluate("document.getElementById('offline-queue').dataset.failed") == "0"
        assert_arrived_once(order)
        assert not errors, errors
    finally:
        context.close()


def van_stock(liu):
    """Three feed rollers in the engineer's van (the work report takes one, OS-11)."""
    stock(part=PartFactory(number="IP300-FR", name="进纸轮 Feed roller"), location=VanFactory(engineer=liu), quantity=3)


def assert_arrived_once(order):
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED and order.checked_out_at is not None
    assert round(float(order.checkin_latitude), 4) == 39.9834
    assert TicketEvent.objects.filter(ticket=order.ticket, kind=OnsiteEventKind.CHECKED_IN).count() == 1
    assert WorkReport.objects.filter(order=order).count() == 1
    parts = PartUsed.objects.filter(report__order=order).order_by("name")
    assert sorted(parts.values_list("name", "quantity")) == [("清洁棉签", 2), ("进纸轮 Feed roller", 1)]
    # OS-11: the van part came out of the van once, linked to the report's row.
    consumed = StockMove.objects.filter(order=order, reason=MoveReason.CONSUME)
    assert list(consumed.values_list("quantity", "part_used__name")) == [(1, "进纸轮 Feed roller")]
    assert StockLevel.objects.get(part__number="IP300-FR", location__engineer=order.engineer).quantity == 2
    assert SignOff.objects.filter(order=order).count() == 1
    # The photo arrived once, resized by the phone before it was queued.
    photos = list(OrderPhoto.objects.filter(order=order))
    assert len(photos) == 1 and photos[0].caption == "磨损的进纸轮"
    assert max(photos[0].width, photos[0].height) <= 1600


def test_issue16_a_step_refused_on_arrival_is_listed_with_the_reason_and_holds_back_the_rest(live_server, browser):
    """Conflict: the dispatcher cancels the visit while the engineer works offline. Back online the
    check-in is refused: it is listed in the banner with the server's reason (nothing dropped
    silently), and the queued report of that order waits until the engineer decides."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="en-US", service_workers="allow",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    now = timezone.now()
    liu = engineer("liu", full_name="刘洋")
    manager = service_manager("chen", full_name="陈静")
    order = dispatched(liu=liu, manager=manager, customer_name="北京华联商贸有限公司", now=now, until="en_route")
    van_stock(liu)
    try:
        login(page, live_server, "liu", TEST_PASSWORD)
        page.goto(f"{live_server.url}/onsite/mine/")
        page.wait_for_selector("html[data-offline-ready='2']")
        context.set_offline(True)
        page.goto(f"{live_server.url}{order.get_absolute_url()}")
        steps = dict(OFFLINE_STEPS)
        for count, (step, act) in enumerate([("check_in", steps["check_in"]), ("report", steps["report"])], start=1):
            act(page)
            queued(page, step, count)

        services.service_order_cancel(order=order, actor=manager, reason="客户取消了上门")
        context.set_offline(False)
        page.wait_for_function("document.getElementById('offline-queue').dataset.failed === '1'")
        failed = page.inner_text("[data-offline-failed]")
        assert "Check in" in failed and "cannot be changed" in failed  # the server's reason
        assert page.inner_text("[data-offline-count]") == "1 change waiting to send"  # the report, held back
        no_overflow(page)
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED and order.checked_in_at is None
        assert not WorkReport.objects.filter(order=order).exists()

        # Discarded: the report is tried next, and refused for the same reason.
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("[data-offline-failed] button", has_text="Discard").click()
        page.wait_for_function(
            "document.getElementById('offline-queue').dataset.waiting === '0'"
            " && document.getElementById('offline-queue').dataset.failed === '1'"
        )
        assert "Report" in page.inner_text("[data-offline-failed]")
        assert not WorkReport.objects.filter(order=order).exists()
    finally:
        context.close()
