"""A real browser: a service manager offers a contract renewal, records the customer's signature and
the payment, and sees the contract's new end date and the installation's new licence number (CT-1,
CT-3). Also the renewal page on a phone.

The screenshots go to var/screenshots; with UPDATE_DOCS_SCREENSHOTS=1 they replace the ones in
docs/img/ that docs/contracts.md shows.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.contracts.models import ContractEvent, Renewal, RenewalStatus
from tickets.contracts.policies import proposed_period
from tickets.tests.factories import InstallationFactory, ServiceContractFactory

from .conftest import SCREENSHOTS, login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = DOCS_IMG if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else SCREENSHOTS


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"contracts-{name}.png"), full_page=True)


def test_ct3_ct1_manager_offers_records_signing_and_payment_and_sees_the_period_and_serial_updated(
    live_server, page, phone_page
):
    UserFactory(username="chenjing", full_name="陈静", roles=[Role.SERVICE_MANAGER])
    today = timezone.localdate()
    end = today + datetime.timedelta(days=20)
    contract = ServiceContractFactory(
        number="SC-0002", customer__name="上海浦江物流有限公司", start_date=end - datetime.timedelta(days=364),
        signed_on=end - datetime.timedelta(days=364), end_date=end,
    )  # fmt: skip
    installation = InstallationFactory(customer=contract.customer, serial_number="ERP-SUITE-2023-0002")
    contract.installations.set([installation])
    new_start, new_end = proposed_period(current_end=end, months=12)

    login(page, live_server, "chenjing", TEST_PASSWORD)
    nav_click(page, "Service contracts")
    page.wait_for_url("**/contracts/list/")
    page.click("text=SC-0002")
    page.wait_for_selector("h1:has-text('SC-0002')")
    assert page.locator("#contract-end").inner_text() == end.isoformat()

    page.click("text=Offer a renewal")
    page.wait_for_url("**/renew/")
    # The form proposes the next twelve months, starting the day after the current end.
    assert page.input_value("#id_new_start") == new_start.isoformat()
    assert page.input_value("#id_new_end") == new_end.isoformat()
    page.fill("#id_price", "42000")
    page.fill(f"#id_serial_{installation.pk}", "ERP-SUITE-LIC-2027-0002")
    page.click("button:has-text('Offer the renewal')")
    page.wait_for_selector("#renewal-status:has-text('Offered')")

    page.fill("#id_signed_on", today.isoformat())
    page.click("button:has-text('Record signing')")
    page.wait_for_selector("#renewal-status:has-text('Signed')")
    due = (today + datetime.timedelta(days=3)).isoformat()
    assert due in page.locator(".facts").inner_text()
    shot(page, "renewal-signed")

    assert page.input_value("#id_amount") == "42000.00"
    assert page.is_checked("#id_apply")
    page.click("button:has-text('Record payment')")
    page.wait_for_selector("#renewal-status:has-text('Applied')")

    page.click(".page-head h1 a:has-text('SC-0002')")
    page.wait_for_selector("#contract-end")
    assert page.locator("#contract-end").inner_text() == new_end.isoformat()
    assert page.locator("#installations .serial").inner_text() == "ERP-SUITE-LIC-2027-0002"
    trail = page.locator("#audit-trail").inner_text()
    assert "Service period extended" in trail and "ERP-SUITE-2023-0002 → ERP-SUITE-LIC-2027-0002" in trail
    shot(page, "contract-page")

    renewal = Renewal.objects.get()
    assert renewal.status == RenewalStatus.APPLIED and renewal.paid_amount == 42000
    installation.refresh_from_db()
    assert installation.serial_number == "ERP-SUITE-LIC-2027-0002"
    assert ContractEvent.objects.filter(contract=contract).count() == 5

    login(phone_page, live_server, "chenjing", TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}{renewal.get_absolute_url()}")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"renewal page is {overflow}px wider than the phone"
