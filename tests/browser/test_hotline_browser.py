"""A real browser on the call screen (HL-1, HL-12, HL-13): a known caller found by the phone number
and an unknown caller created inline are each logged in a handful of user actions, without a full
page reload; a call reported by the PBX pops up at the agent's seat and opens pre-filled.

The screenshots go to var/screenshots; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones in
docs/img/ that docs/hotline.md shows.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from hotline import services
from hotline.models import CallLog, Outcome
from hotline.roster.services import seat_sign_in
from hotline.roster.tests.factories import SeatFactory
from hotline.tests.factories import checklist_for, intake_for, known_caller
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.models import Customer
from tickets.tests.factories import ContactFactory, RegionFactory

from .conftest import SCREENSHOTS, login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = DOCS_IMG if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else SCREENSHOTS


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hotline-{name}.png"), full_page=True)


class Actions:
    """The agent's actions on the page, counted (a key press or a click or typing one field)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def type(self, selector, text):
        self.count += 1
        self.page.locator(selector).press_sequentially(text, delay=5)

    def press(self, key):
        self.count += 1
        self.page.keyboard.press(key)

    def select(self, selector, label):
        self.count += 1
        self.page.select_option(selector, label=label)


def agent_at_seat(number="8001"):
    agent = UserFactory(roles=[Role.AGENT], username="wangfang", full_name="王芳")
    seat_sign_in(seat=SeatFactory(number=number), user=agent, now=timezone.now() - datetime.timedelta(minutes=5))
    return agent


def no_reload_marker(page):
    page.evaluate("window.__sameDocument = true")


def test_hl1_known_caller_by_phone_lookup_in_few_actions(live_server, page):
    agent = agent_at_seat()
    caller = known_caller(contract_end=timezone.localdate() + datetime.timedelta(days=200))
    checklist_for(caller["product"])
    login(page, live_server, agent.username, TEST_PASSWORD)
    nav_click(page, "Log a call")
    page.wait_for_selector("[data-greeting]")
    assert "8001" in page.locator("[data-greeting]").inner_text()  # HL-14
    no_reload_marker(page)
    act = Actions(page)
    act.type("#id_caller_phone", "13800138000")
    page.wait_for_selector(".caller-name")
    page.wait_for_function("document.getElementById('id_organisation').value !== ''")
    assert page.input_value("#id_organisation") == "北京华联商贸有限公司"  # pre-filled by the lookup
    assert page.locator(".contract-valid").count() == 1  # HL-13
    act.select("#id_installation", f"IP-300 票据打印机 · {caller['installation'].serial_number}")
    page.wait_for_selector(".diagnostic-checklist")
    first_question = page.locator(".diagnostic-checklist input").first
    act.count += 1
    first_question.fill("红灯闪烁")
    act.type("#id_problem", "票据打印机卡纸")
    act.press("Alt+1")  # outcome: solved on the phone; focus moves to its field
    page.keyboard.type("重新装纸后正常")
    act.press("Control+Enter")
    page.wait_for_selector("[data-logged]")
    shot(page, "call-logged")
    assert page.evaluate("window.__sameDocument") is True  # no full page reload
    call = CallLog.objects.get()
    assert call.outcome == Outcome.SOLVED and call.customer == caller["customer"] and call.agent == agent
    assert call.checklist_answers[0]["answer"] == "红灯闪烁" and call.seat == "8001"
    assert act.count <= 6, act.count


def test_hl1_unknown_caller_created_inline(live_server, page):
    agent = agent_at_seat("8002")
    RegionFactory(code="chengdu", name="成都分公司")
    login(page, live_server, agent.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/hotline/call/")
    no_reload_marker(page)
    act = Actions(page)
    act.type("#id_organisation", "成都天府软件园管理公司")
    act.type("#id_caller_phone", "13912345678")
    page.wait_for_selector(".caller-unknown")
    act.type("#id_contact_name", "张伟")
    act.select("#id_region", "成都分公司")
    act.type("#id_problem", "不会设置打印模板")
    # First try without the outcome's field: a clear message, nothing typed is lost.
    act.press("Alt+1")
    act.press("Control+Enter")
    page.wait_for_selector(".field-error")
    assert page.input_value("#id_organisation") == "成都天府软件园管理公司"
    assert page.input_value("#id_problem") == "不会设置打印模板"
    act.type("#id_resolution", "电话指导设置模板")
    act.press("Control+Enter")
    page.wait_for_selector("[data-logged]")
    assert page.evaluate("window.__sameDocument") is True
    customer = Customer.objects.get(name="成都天府软件园管理公司")
    call = CallLog.objects.get()
    assert call.customer == customer and call.contact.name == "张伟" and call.region.name == "成都分公司"
    assert act.count <= 10, act.count


def test_hl6_chosen_contact_fills_the_name_and_the_agreed_window_is_saved(live_server, page):
    """Choosing a contact fills the contact name (only what the page filled is replaced or cleared,
    never what the agent typed); an on-site call records one agreed window, shown on the saved call."""
    agent = agent_at_seat("8003")
    caller = known_caller()
    other = ContactFactory(customer=caller["customer"], name="王强", mobile="139 0000 1111")
    login(page, live_server, agent.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/hotline/call/")
    no_reload_marker(page)
    page.locator("#id_caller_phone").press_sequentially("13800138000", delay=5)
    page.wait_for_selector(".caller-name")
    # The phone matched 李明: preselected, and the name is filled on first render.
    page.wait_for_function("document.getElementById('id_contact_name').value === '李明'")
    # The agent corrects the number: the panel is looked up again and swapped inside its box.
    with page.expect_response(lambda response: "/hotline/call/lookup/" in response.url):
        page.locator("#id_caller_phone").press("Backspace")
    with page.expect_response(lambda response: "/hotline/call/lookup/" in response.url):
        page.locator("#id_caller_phone").press("0")
    page.wait_for_selector("#caller-panel .caller-name")
    assert page.input_value("#id_contact_name") == "李明"
    page.select_option("#id_contact", str(other.pk))
    assert page.input_value("#id_contact_name") == "王强"
    page.select_option("#id_contact", "")  # new or not named: clears what the page filled
    assert page.input_value("#id_contact_name") == ""
    page.fill("#id_contact_name", "王工")
    page.select_option("#id_contact", str(other.pk))
    assert page.input_value("#id_contact_name") == "王工"  # typed by the agent: kept
    page.select_option("#id_contact", "")
    assert page.input_value("#id_contact_name") == "王工"
    page.fill("#id_contact_name", "")
    page.select_option("#id_contact", str(caller["contact"].pk))
    assert page.input_value("#id_contact_name") == "李明"

    page.locator("#id_problem").fill("打印机不进纸，电话无法解决")
    page.keyboard.press("Alt+3")  # outcome: on-site visit
    assert page.locator("#id_agreed_start").is_visible() and page.locator("#id_offered_by").count() == 0
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(hours=2)
    page.fill("#id_agreed_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_agreed_end", end.strftime("%Y-%m-%dT%H:%M"))
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-logged]")
    assert page.evaluate("window.__sameDocument") is True
    call = CallLog.objects.get()
    order = call.ticket.service_orders.get()
    assert call.outcome == Outcome.ONSITE and call.contact == caller["contact"] and call.contact_name == "李明"
    assert (order.agreed_start, order.agreed_end, order.offered_by) == (start, end, start.date())
    page.locator("[data-logged] a", has_text="View call").click()
    page.wait_for_selector("[data-visit-window]")
    assert f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}" in page.locator("[data-visit-window]").inner_text()


def test_cti_call_pops_up_at_the_agents_seat_and_opens_prefilled(live_server, page):
    agent = agent_at_seat("8005")
    caller = known_caller()
    login(page, live_server, agent.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/hotline/call/")
    services.cti_event_receive(call_id="pbx-100", event="ringing", at=timezone.now(), caller="138 0013 8000", seat="8005")
    popup = page.locator(".incoming-call")
    popup.wait_for(timeout=12_000)
    assert "北京华联商贸有限公司" in popup.inner_text()
    popup.get_by_role("link").click()
    page.wait_for_selector(".caller-name")
    assert page.input_value("#id_organisation") == caller["customer"].name
    assert page.input_value("#id_caller_phone") == "138 0013 8000"
    shot(page, "call-screen")


def test_call_screen_and_duty_queue_fit_a_phone(live_server, phone_page):
    agent = agent_at_seat("8009")
    duty = UserFactory(roles=[Role.DUTY_MANAGER], username="duty1")
    caller = known_caller()
    services.call_log_submit(
        agent=agent,
        outcome=Outcome.URGENT_VISIT,
        intake={
            "started_at": timezone.now(),
            "caller_phone": "138 0013 8000",
            "organisation": caller["customer"].name,
            "customer": caller["customer"],
            "contact": caller["contact"],
            "problem": "开票服务器宕机",
        },
        details={"demands": "今天下午必须上门"},
    )
    login(phone_page, live_server, agent.username, TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/hotline/call/")
    phone_page.locator("#id_caller_phone").press_sequentially("13800138000", delay=5)
    phone_page.wait_for_selector(".caller-name")
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone_page.context.clear_cookies()
    login(phone_page, live_server, duty.username, TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/hotline/queue/")
    phone_page.wait_for_selector("[data-countdown]")
    assert "left" in phone_page.locator("[data-countdown]").first.inner_text()  # the countdown ticks
    assert phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(phone_page, "duty-queue-phone")


def test_hl14_forbidden_phrase_warning_follows_every_edit(live_server, page):
    """HL-14: the live warning appears, goes away and comes back while the agent types (the hint
    is swapped inside its box, so every later check still finds its target)."""
    from hotline.models import ForbiddenPhrase

    phrase = ForbiddenPhrase.objects.filter(is_active=True).values_list("phrase", flat=True).first()
    assert phrase, "the seeded HL-14 phrases are missing"
    agent_at_seat()
    login(page, live_server, "wangfang", TEST_PASSWORD)
    page.goto(f"{live_server.url}/hotline/call/")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if "targetError" in message.text else None)
    page.evaluate("document.body.addEventListener('htmx:targetError', () => window.__targetError = true)")
    hint = page.locator("#phrase-hint")
    page.locator("#id_problem").fill(f"客户说{phrase}")
    page.locator("#id_problem").dispatch_event("input")
    hint.locator(".message.warning").wait_for()
    page.locator("#id_problem").fill("打印机卡纸")
    page.locator("#id_problem").dispatch_event("input")
    hint.locator(".message.warning").wait_for(state="detached")
    page.locator("#id_handling").fill(f"回复：{phrase}")
    page.locator("#id_handling").dispatch_event("input")
    hint.locator(".message.warning").wait_for()
    assert phrase in hint.inner_text()
    assert not page.evaluate("window.__targetError === true") and not errors


def test_hl11_agent_lands_on_the_call_screen_with_their_queue(live_server, page):
    """Issue 17: beside the call form the agent sees their promised call-backs and open tickets,
    and a call-back promised on this screen joins the queue without a reload."""
    from tickets.care.tests import factories as care

    agent = UserFactory(username="wangfang", full_name="王芳", roles=[Role.AGENT])
    ticket = care.ticket(assignee=agent, now=timezone.now())
    login(page, live_server, "wangfang", TEST_PASSWORD)
    assert page.url == f"{live_server.url}/hotline/call/"
    queue = page.locator("#my-queue")
    assert ticket.number in queue.inner_text()
    assert "No call-back is waiting" in queue.inner_text()
    # A call-back promised in another tab shows at the next refresh of the panel (htmx, every minute).
    services.call_log_submit(
        agent=agent,
        outcome=Outcome.CALLBACK,
        intake=intake_for(known_caller(), started_at=timezone.now()),
        details={"callback_owner": agent, "callback_due_at": timezone.now() + datetime.timedelta(hours=2),
                 "callback_note": "复现卡纸"},
        now=timezone.now(),
    )  # fmt: skip
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#my-queue').getAttribute('hx-get'), {target: '#my-queue', swap: 'outerHTML'})"
    )
    page.wait_for_function("!document.querySelector('#my-queue').innerText.includes('No call-back is waiting')")
    assert "Promised call-backs 1" in " ".join(page.locator("#my-queue").inner_text().split())
