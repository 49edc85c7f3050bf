"""A real browser: the duty manager's SLA board counts down and filters; a callback specialist works
the contract reminder queue (CT-2)."""

import datetime

import pytest
from django.utils import timezone

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets import services as ticket_services
from tickets.models.customers import RenewalStatus
from tickets.sla import services
from tickets.sla.models import ContractReminder
from tickets.sla.tests.factories import ContractReminderFactory, SLAPolicyFactory
from tickets.tests.factories import ContactFactory, ServiceContractFactory

from .conftest import login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)


def test_hl7_duty_manager_watches_call_backs_count_down_and_filters_the_board(
    live_server, page, phone_page, screenshot
):
    SLAPolicyFactory()
    duty = UserFactory(username="zhang", full_name="张伟", roles=[Role.DUTY_MANAGER])
    agent = UserFactory(roles=[Role.AGENT])
    contact = ContactFactory(customer__name="成都天府软件园管理公司")
    now = timezone.now()
    urgent = ticket_services.ticket_create(
        customer=contact.customer,
        contact=contact,
        subject="月结无法完成，要求今天上门",
        description="财务模块报错",
        created_by=agent,
        now=now - datetime.timedelta(minutes=100),
    )
    services.clock_start(ticket=urgent, kind="dm_callback", started_at=now - datetime.timedelta(minutes=10), owner=duty)

    login(page, live_server, "zhang", TEST_PASSWORD)
    nav_click(page, "SLA board")
    page.wait_for_url("**/sla/board/")
    callback = page.locator("#callbacks .callback")
    assert callback.count() == 1 and urgent.number in callback.inner_text()
    # The server renders "49 minutes left"; the script turns it into a ticking mm:ss.
    page.wait_for_function(
        "() => /^\\d+:\\d\\d /.test(document.querySelector('#callbacks [data-countdown]').textContent)"
    )
    first = callback.locator("[data-countdown]").inner_text()
    assert first.endswith("left") and first.startswith("49:")
    page.wait_for_function(
        "text => document.querySelector('#callbacks [data-countdown]').textContent !== text", arg=first
    )
    due_soon = page.locator("#due-soon tbody tr")
    assert due_soon.count() == 1 and "Respond" in due_soon.first.inner_text()
    screenshot(page, "sla-board")

    page.select_option("#id_kind", "dm_callback")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**kind=dm_callback**")
    assert page.locator("#due-soon tbody tr").count() == 0
    assert page.locator("#callbacks .callback").count() == 1
    page.click(f"#callbacks >> text={urgent.number}")
    page.wait_for_selector(f"h1:has-text('{urgent.number}')")

    login(phone_page, live_server, "zhang", TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/sla/board/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"board is {overflow}px wider than the phone"
    screenshot(phone_page, "sla-board-phone")


def test_ct2_callback_specialist_reminds_one_customer_and_marks_another_contract_lost(live_server, page, screenshot):
    specialist = UserFactory(username="sunli", full_name="孙丽", roles=[Role.CALLBACK_SPECIALIST])
    reminded = ContractReminderFactory(
        assignee=specialist, contract=ServiceContractFactory(number="SC-0002", customer__name="上海浦江物流有限公司")
    )
    lost = ContractReminderFactory(
        assignee=specialist, contract=ServiceContractFactory(number="SC-0006", customer__name="北京京西建材集团")
    )

    login(page, live_server, "sunli", TEST_PASSWORD)
    nav_click(page, "Contract reminders")
    rows = page.locator("table.reminders tbody tr")
    assert rows.count() == 2
    screenshot(page, "contract-reminders")

    row = page.locator(f"tr[data-reminder='{reminded.pk}']")
    with page.expect_popup() as popup:
        row.locator("a:has-text('English')").click()
    letter = popup.value
    letter.wait_for_load_state()
    assert "Notice of service period expiry" in letter.inner_text("h1") and "SC-0002" in letter.content()
    letter.close()

    row.locator("input[name=note]").fill("客户同意续约，本周内回传合同")
    row.locator("button:has-text('Customer reminded')").click()
    page.wait_for_selector("text=Reminder for SC-0002 done.")
    reminded.refresh_from_db()
    assert reminded.status == ContractReminder.Status.DONE and reminded.note == "客户同意续约，本周内回传合同"

    page.locator(f"tr[data-reminder='{lost.pk}'] >> text=Contract lost…").click()
    page.fill("#id_note", "  ")
    page.click("button:has-text('Mark lost')")
    # The browser keeps the page when the reason is blank; the server repeats the rule when it gets one.
    lost.refresh_from_db()
    assert lost.is_open
    page.fill("#id_note", "客户改用其他服务商")
    page.click("button:has-text('Mark lost')")
    page.wait_for_selector("text=Contract SC-0006 marked lost.")
    lost.refresh_from_db()
    lost.contract.refresh_from_db()
    assert lost.status == ContractReminder.Status.LOST and lost.contract.renewal_status == RenewalStatus.LOST
    assert page.locator("table.reminders tbody tr").count() == 0
    screenshot(page, "contract-reminders-done")
