"""A real browser: a remote data clean-up ticket cannot be resolved until the engineer writes its
RM-2 record with the customer's written scope attached."""

import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.models.tickets import Channel, Status, TicketType
from tickets.remote.models import RemoteRecord
from tickets.tests.factories import ContactFactory, TicketFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_rm2_engineer_writes_the_cleanup_record_then_resolves(live_server, page, screenshot):
    engineer = UserFactory(username="zhao", full_name="赵磊", roles=[Role.ENGINEER])
    contact = ContactFactory(name="Dr. Emily Chen", department="Administration")
    ticket = TicketFactory(
        customer=contact.customer, contact=contact, channel=Channel.REMOTE, type=TicketType.DATA_CLEANUP,
        subject="Duplicate patients after data import", assignee=engineer,
    )  # fmt: skip

    login(page, live_server, "zhao", TEST_PASSWORD)
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    page.fill("#resolution-resolve", "Duplicates removed")
    page.click("button[data-action=resolve]")
    page.wait_for_selector("text=Write the “Data clean-up” service record")

    page.click("text=Service records, change request, knowledge base")
    page.click("a.button:has-text('Data clean-up')")
    page.set_input_files(
        "#id_form_upload",
        files=[{"name": "cleanup-scope.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 scope %%EOF"}],
    )
    page.fill("#id_tools", "SQL Server Management Studio 19")
    page.fill("#id_sql_used", "DELETE FROM patient WHERE duplicate_of IS NOT NULL;")
    page.fill("#id_actions", "Removed 212 duplicate patients after a backup.")
    screenshot(page, "remote-cleanup-record")
    page.click("button:has-text('Save record')")
    page.wait_for_selector("text=Data clean-up record saved.")
    assert "cleanup-scope.pdf" in page.inner_text("main")

    page.click(f"a:has-text('{ticket.number}')")
    page.fill("#resolution-resolve", "Duplicates removed")
    page.click("button[data-action=resolve]")
    page.wait_for_selector("text=Resolve: done.")
    ticket.refresh_from_db()
    record = RemoteRecord.objects.get()
    assert ticket.status == Status.RESOLVED
    assert (record.department, record.scope_form.original_name) == ("Administration", "cleanup-scope.pdf")
