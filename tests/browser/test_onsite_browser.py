"""A real phone-sized browser (375 x 812): the field engineer walks a visit from check-in to the
customer's signature drawn on the canvas; a lost connection loses nothing; the stored signature is a
real PNG and the rating is kept (OS-4, OS-8, OS-10).

The screenshots go to var/screenshots; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones in
docs/img/ that docs/onsite.md shows.
"""

import datetime
import math
import os
from pathlib import Path

import pytest
from django.utils import timezone

from onsite import services
from onsite.models import OrderStatus, ServiceOrder, SignOff
from onsite.signatures import signature_png_check
from onsite.tests.factories import ALL_CHECKS, engineer, service_manager, visit_ticket
from staff.tests.factories import TEST_PASSWORD
from tickets.sla.models import SLAClock
from tickets.tests.factories import CustomerFactory, RegionFactory

from .conftest import SCREENSHOTS, login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = DOCS_IMG if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else SCREENSHOTS


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"onsite-{name}.png"))


def no_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def dispatched(*, liu, manager, customer_name, now, until="assigned"):
    ticket = visit_ticket(customer=CustomerFactory(name=customer_name, region=RegionFactory(code="beijing")), now=now)
    order = services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="票据打印机卡纸，需要更换进纸轮", now=now)
    start = now + datetime.timedelta(hours=1)
    services.service_order_approve(order=order, approver=manager, agreed_start=start, agreed_end=start + datetime.timedelta(hours=2), now=now)
    services.service_order_assign(order=order, engineer=liu, actor=manager, now=now)
    if until == "en_route":
        services.precall_attempt_record(order=order, engineer=liu, reached=True, checks=ALL_CHECKS, now=now)
        services.service_order_depart(order=order, engineer=liu, can_solve=True, address_known=True, now=now)
    order.refresh_from_db()
    return order


def test_os4_os10_engineer_walks_a_visit_from_check_in_to_the_signature_on_a_phone(live_server, phone_page):
    page = phone_page
    now = timezone.now()
    liu = engineer("liu", full_name="刘洋")
    manager = service_manager("chen", full_name="陈静")
    order = dispatched(liu=liu, manager=manager, customer_name="北京华联商贸有限公司", now=now, until="en_route")
    later = dispatched(liu=liu, manager=manager, customer_name="Shanghai Golden Lotus Hotel", now=now)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 39.983424, "longitude": 116.307649, "accuracy": 15})

    login(page, live_server, "liu", TEST_PASSWORD)
    page.goto(f"{live_server.url}/onsite/mine/")
    cards = page.locator(".visit-card")
    assert cards.count() == 2
    assert page.locator(f".visit-card[data-order='{order.pk}'] a.call").get_attribute("href").startswith("tel:")
    no_overflow(page)
    shot(page, "1-my-visits")

    # The other visit still needs its pre-visit call (OS-3): the checklist as big touch targets.
    page.goto(f"{live_server.url}{later.get_absolute_url()}")
    assert page.locator(".steps li.current").inner_text() == "Call"
    no_overflow(page)
    page.evaluate("document.getElementById('step-title').scrollIntoView()")
    shot(page, "2-pre-visit-call")

    # Check in: time and the phone's position (OS-8 arrive clock met).
    page.goto(f"{live_server.url}/onsite/mine/")
    page.locator(f".visit-card[data-order='{order.pk}'] a:has-text('Open')").click()
    page.wait_for_url(f"**{order.get_absolute_url()}")
    page.click("button:has-text('I am on site: check in')")
    page.wait_for_selector("text=Checked in.")
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE
    assert round(float(order.checkin_latitude), 4) == 39.9834 and order.checkin_accuracy == 15
    assert SLAClock.objects.get(ticket=order.ticket, kind="arrive").met_at == order.checked_in_at

    # The work report: what was typed survives a reload (kept on the phone) ...
    for label in ("Badge shown", "Contact person verified", "Problem verified on site",
                  "Customer data backed up before any change", "Problem fixed", "Customer trial run done",
                  "Cause and prevention explained"):  # fmt: skip
        page.get_by_label(label).check()
    page.fill("#id_cause", "进纸轮磨损")
    page.fill("#id_actions", "更换进纸轮，清洁打印头")
    page.fill("#id_parts-0-name", "进纸轮")
    page.fill("#id_parts-0-quantity", "2")
    page.reload()
    page.wait_for_selector("text=What you typed earlier on this phone has been put back")
    assert page.input_value("#id_cause") == "进纸轮磨损" and page.is_checked("#id_trial_run")
    no_overflow(page)
    shot(page, "3-work-report")

    # ... and a submit without a connection is kept on the phone (issue 16) and sent once back online.
    page.context.set_offline(True)
    page.click("button:has-text('Save the work report')")
    page.wait_for_selector(".offline-queued[data-offline-queued-step='report']")
    assert "1 change waiting to send" in page.inner_text("#offline-queue")
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE
    with page.expect_navigation():  # sent, then the page shows the server's state
        page.context.set_offline(False)
    page.wait_for_function("document.getElementById('offline-queue').dataset.waiting === '0'")
    assert list(order.work_report.parts.values_list("name", "quantity")) == [("进纸轮", 2)]

    # The customer signs with a finger on the canvas and rates the service.
    canvas = page.locator(".signature-pad canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 40):
        x = box["x"] + 20 + step * (box["width"] - 40) / 40
        y = box["y"] + box["height"] * (0.5 + 0.25 * math.sin(step / 2.5))
        page.mouse.move(x, y)
    page.mouse.up()
    assert page.input_value("#id_signature").startswith("data:image/png;base64,")
    page.fill("#id_customer_name", "李明")
    page.locator(".rating-choice label").filter(has_text="4").click()
    page.fill("#id_comment", "工程师很专业")
    no_overflow(page)
    page.evaluate("document.getElementById('step-title').scrollIntoView()")
    shot(page, "4-signature")
    page.click("button:has-text('Sign the service form')")
    page.wait_for_selector("text=Signed. Thank the customer")
    assert "Rating 4/5" in page.inner_text("#rating")
    page.evaluate("document.getElementById('sign-title').scrollIntoView()")
    shot(page, "5-signed")

    sign_off = SignOff.objects.get(order=order)
    assert (sign_off.rating, sign_off.customer_name, sign_off.comment) == (4, "李明", "工程师很专业")
    with sign_off.signature.open("rb") as stored:
        image = signature_png_check(stored.read(), max_bytes=512 * 1024)
    assert image.width == round(box["width"] * 2)  # drawn at the phone's pixel ratio
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.SIGNED
    # the signature shown on the page is the stored file
    assert page.evaluate("document.querySelector('.signature-image').naturalWidth") == image.width


def test_gn3_os1_service_manager_approves_and_dispatches_from_the_explained_ranking(live_server, page):
    from staff.models import EmployeeSkill, Skill

    now = timezone.localtime()
    start = (now + datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    while start.weekday() >= 5:  # the default calendar works Monday to Friday
        start += datetime.timedelta(days=1)
    beijing = RegionFactory(code="beijing", name="北京分公司")
    ticket = visit_ticket(customer=CustomerFactory(name="北京华联商贸有限公司", region=beijing), now=now)
    near = engineer("liu", full_name="刘洋", region=beijing)
    far = engineer("zhao", full_name="Zhao Lei")
    skill = Skill.objects.create(name="打印机维修", product=ticket.installation.product, ticket_type="fault")
    EmployeeSkill.objects.create(employee=near, skill=skill, level=3)
    EmployeeSkill.objects.create(employee=far, skill=skill, level=1)
    order = services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="打印机卡纸", now=now)
    service_manager("chen", full_name="陈静")

    login(page, live_server, "chen", TEST_PASSWORD)
    nav_click(page, "On-site orders")
    page.click(f"text={order.code}")
    page.fill("#id_agreed_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_agreed_end", (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('Approve the visit')")
    page.wait_for_selector("text=Visit approved.")
    page.click("a:has-text('Dispatch an engineer')")
    first = page.locator("#candidates > li").first
    assert "刘洋" in first.inner_text() and "Same region as the customer (北京分公司): +25" in first.inner_text()
    assert "score 115" in first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "onsite-dispatch.png"), full_page=True)
    first.locator("button").click()
    page.wait_for_selector("text=刘洋 dispatched.")
    order.refresh_from_db()
    assert (order.status, order.engineer, order.approved_by.username) == (OrderStatus.ASSIGNED, near, "chen")

    page.goto(f"{live_server.url}/onsite/calendar/?day={start.date().isoformat()}&view=week")
    assert order.code not in page.inner_text(".visit-calendar")  # the calendar shows customers, not codes
    assert "北京华联" in page.locator(".visit-calendar tr", has_text="刘洋").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "onsite-calendar.png"), full_page=True)

    # GN-6: the ticket now belongs to the dispatched engineer and work has started.
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    facts = page.inner_text(".facts")
    assert "刘洋" in facts
    assert "In progress" in page.inner_text("#main .badge.status-in_progress")
    assert order.code in page.inner_text("#ticket-onsite") or "刘洋" in page.inner_text("#ticket-onsite")
