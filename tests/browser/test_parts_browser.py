"""Issue 16, OS-11 on a phone (375 x 812): the engineer writes the work report with a part picked
from their van; the van's stock goes down by one and the report lists the part."""

import pytest
from django.utils import timezone

from onsite.models import OrderStatus
from onsite.parts.models import MoveReason, StockLevel, StockMove
from onsite.parts.tests.factories import PartFactory, VanFactory, stock
from onsite.tests.factories import engineer, order_at
from staff.tests.factories import TEST_PASSWORD

from .conftest import login
from .test_onsite_browser import SHOTS, no_overflow

pytestmark = pytest.mark.django_db(transaction=True)

ONSITE_LABELS = (
    "Badge shown", "Contact person verified", "Problem verified on site", "Customer data backed up before any change",
    "Problem fixed", "Customer trial run done", "Cause and prevention explained",
)  # fmt: skip


def test_os11_engineer_uses_a_van_part_on_the_work_report_on_a_phone(live_server, phone_page):
    page = phone_page
    liu = engineer("liu", full_name="刘洋")
    order = order_at(OrderStatus.ON_SITE, engineer_user=liu, now=timezone.now())
    van = VanFactory(engineer=liu)
    part = PartFactory(number="IP300-FR", name="进纸轮 Feed roller")
    stock(part=part, location=van, quantity=3)

    login(page, live_server, "liu", TEST_PASSWORD)
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    for label in ONSITE_LABELS:
        page.get_by_label(label).check()
    page.fill("#id_cause", "进纸轮磨损")
    page.fill("#id_actions", "更换进纸轮")
    page.select_option("#id_parts-0-part", label="IP300-FR 进纸轮 Feed roller (3 pcs in your van)")
    page.fill("#id_parts-0-quantity", "1")
    no_overflow(page)
    page.locator("#id_parts-0-part").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "parts-1-van-part-on-the-report.png"))
    page.click("button:has-text('Save the work report')")
    page.wait_for_selector("text=Work report saved.")
    no_overflow(page)

    assert StockLevel.objects.get(part=part, location=van).quantity == 2
    move = StockMove.objects.get(reason=MoveReason.CONSUME)
    assert move.part_used.report.order_id == order.pk and move.quantity == 1
    assert "进纸轮 Feed roller" in page.inner_text("#parts")
