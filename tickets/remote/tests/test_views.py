"""Remote pages: who may do what (GN-7), forms that keep what was typed, bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staff.roles import Role
from tickets import services as ticket_services
from tickets.models.tickets import Status, TicketType
from tickets.remote import services
from tickets.remote.models import Attachment, ChangeRequest, ChangeStatus, FaqEntry, RecordKind, RemoteRecord
from tickets.tests.factories import TicketFactory

from .factories import PDF, attachment, remote_ticket, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


def test_gn7_hr_may_not_open_any_remote_page(client, make_user):
    ticket = remote_ticket()
    client.force_login(make_user(Role.HR))
    for url in (
        reverse("remote:ticket_remote", args=[ticket.number]),
        reverse("remote:record_create", args=[ticket.number, RecordKind.SESSION]),
        reverse("remote:change_list"),
        reverse("remote:faq_list"),
        reverse("remote:attachment_list"),
    ):
        assert client.get(url).status_code == 403, url


def test_rm1_callback_specialist_reads_but_does_not_write_records(client, make_user):
    ticket = remote_ticket()
    client.force_login(make_user(Role.CALLBACK_SPECIALIST))
    url = reverse("remote:record_create", args=[ticket.number, RecordKind.SESSION])
    response = client.post(url, {"contact": ticket.contact_id, "department": "IT", "actions": "x"})
    assert response.status_code == 403
    assert not RemoteRecord.objects.exists()
    assert client.get(reverse("remote:change_list")).status_code == 200


def test_gn7_engineer_cannot_write_records_on_tickets_not_assigned_to_them(engineer_client):
    ticket = remote_ticket()
    response = engineer_client.get(reverse("remote:ticket_remote", args=[ticket.number]))
    assert response.status_code == 404


def test_rm2_cleanup_record_form_saves_with_the_scope_upload(engineer_client, engineer):
    ticket = remote_ticket(assignee=engineer, type=TicketType.DATA_CLEANUP)
    url = reverse("remote:record_create", args=[ticket.number, RecordKind.DATA_CLEANUP])
    served = timezone.localtime() - datetime.timedelta(minutes=30)
    response = engineer_client.post(
        url,
        {
            "contact": ticket.contact_id, "department": "信息部", "served_at": served.strftime("%Y-%m-%dT%H:%M"),
            "form_upload": upload("清理申请.pdf"), "tools": "SSMS 19", "sql_used": "DELETE FROM t WHERE dup = 1;",
            "actions": "Removed 212 duplicates",
        },
    )  # fmt: skip
    assert response.status_code == 302
    record = RemoteRecord.objects.get()
    assert (record.kind, record.engineer, record.tools) == (RecordKind.DATA_CLEANUP, engineer, "SSMS 19")
    assert record.scope_form.original_name == "清理申请.pdf"
    page = engineer_client.get(response.url).content.decode()
    assert "DELETE FROM t WHERE dup = 1;" in page and "清理申请.pdf" in page


def test_rm2_cleanup_form_without_scope_and_sql_keeps_what_was_typed(engineer_client, engineer):
    ticket = remote_ticket(assignee=engineer)
    url = reverse("remote:record_create", args=[ticket.number, RecordKind.DATA_CLEANUP])
    response = engineer_client.post(
        url,
        {"contact": ticket.contact_id, "department": "信息部", "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
         "tools": "Navicat 16", "actions": "Merged customers"},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Attach the customer&#x27;s written scope of the clean-up." in html
    assert "Give the SQL statements used." in html
    assert 'value="Navicat 16"' in html and "Merged customers" in html
    assert not RemoteRecord.objects.exists()


def test_rm1_resolving_a_remote_ticket_without_record_shows_why(agent_client):
    ticket = remote_ticket()
    response = agent_client.post(
        reverse("tickets:transition", args=[ticket.number]), {"action": "resolve", "resolution": "Fixed"}, follow=True
    )
    assert "Write the remote service record before resolving or closing this ticket." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    # The ticket page links to the remote service page.
    assert reverse("remote:ticket_remote", args=[ticket.number]) in response.content.decode()


def _change_for(ticket, requester):
    return services.change_request_create(
        ticket=ticket, title="New report column", requirement="Add the VAT number", form_upload=upload(),
        requested_by=requester,
    )  # fmt: skip


def test_rm5_engineer_cannot_take_the_managers_review_step(engineer_client, engineer):
    change = _change_for(remote_ticket(assignee=engineer), engineer)
    services.change_request_confirm(change=change, actor=engineer, note="ok")
    url = reverse("remote:change_step", args=[change.pk, "review"])
    page = engineer_client.get(change.get_absolute_url()).content.decode()
    assert 'id="step-review"' not in page
    response = engineer_client.post(url, {"review-decision": "approve", "review-opinion": "ok", "review-expected_on": "2099-01-01"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFIRMED


def test_rm5_manager_review_form_keeps_the_opinion_when_the_date_is_missing(client, make_user, engineer):
    change = _change_for(remote_ticket(), engineer)
    services.change_request_confirm(change=change, actor=engineer, note="ok")
    client.force_login(make_user(Role.SERVICE_MANAGER))
    url = reverse("remote:change_step", args=[change.pk, "review"])
    response = client.post(url, {"review-decision": "approve", "review-opinion": "Reuse the invoice module"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the expected completion date." in html and "Reuse the invoice module" in html
    response = client.post(
        url, {"review-decision": "approve", "review-opinion": "Reuse it", "review-expected_on": "2099-01-31"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.expected_on) == (ChangeStatus.REVIEWED, datetime.date(2099, 1, 31))


def test_rm6_bug_form_files_a_change_request(engineer_client, engineer):
    ticket = remote_ticket(assignee=engineer, type=TicketType.BUG)
    response = engineer_client.post(
        reverse("remote:bug_create", args=[ticket.number]),
        {"title": "Crash in 月报", "reproduction_steps": "Open 月报, pick March", "error_message": "ORA-01555"},
    )
    change = ChangeRequest.objects.get(ticket=ticket)
    assert response.url == change.get_absolute_url()
    assert change.bug.error_message == "ORA-01555"


def test_rm6_bug_form_names_the_missing_error_message(engineer_client, engineer):
    ticket = remote_ticket(assignee=engineer)
    response = engineer_client.post(
        reverse("remote:bug_create", args=[ticket.number]), {"title": "Crash", "reproduction_steps": "Open it"}
    )
    assert "Copy the error message the customer saw." in response.content.decode()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_rm5_change_list_query_count_does_not_grow(agent_client, agent, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    for _ in range(rows):
        _change_for(remote_ticket(), agent)
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = agent_client.get(reverse("remote:change_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_rm5_change_list_shows_only_overdue_when_asked(agent_client, agent):
    late = _change_for(remote_ticket(), agent)
    ChangeRequest.objects.filter(pk=late.pk).update(
        status=ChangeStatus.SCHEDULED, expected_on=datetime.date(2020, 1, 1), reviewed_at=timezone.now(), review_opinion="ok"
    )
    _change_for(remote_ticket(), agent)
    response = agent_client.get(reverse("remote:change_list"), {"overdue": "on"})
    assert [c.pk for c in response.context["page"].object_list] == [late.pk]


@pytest.mark.parametrize("rows", [2, 30])
def test_gn5_faq_page_query_count_does_not_grow(agent_client, agent, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    for number in range(rows):
        FaqEntry.objects.create(problem=f"卡纸 {number}", cause="c", solution="s", created_by=agent, source_ticket=TicketFactory())
    # session, user, roles, unread badge, count, page rows, product options
    with django_assert_num_queries(7):
        response = agent_client.get(reverse("remote:faq_list"), {"q": "卡纸"})
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_gn5_promote_a_resolved_ticket_from_its_page(agent_client, agent):
    ticket = TicketFactory()
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Replaced the roller")
    url = reverse("remote:faq_promote", args=[ticket.number])
    assert "Replaced the roller" in agent_client.get(url).content.decode()  # prefilled from the ticket
    response = agent_client.post(url, {"problem": "Paper jam E42", "cause": "Worn roller", "solution": "Replace it"})
    entry = FaqEntry.objects.get()
    assert response.url == entry.get_absolute_url() and entry.source_ticket == ticket
    found = agent_client.get(reverse("remote:faq_list"), {"q": "jam"})
    assert [e.pk for e in found.context["page"].object_list] == [entry.pk]


@pytest.mark.parametrize("rows", [2, 30])
def test_rm7_archive_query_count_does_not_grow(client, make_user, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    manager = make_user(Role.SERVICE_MANAGER)
    for _ in range(rows):
        attachment(uploaded_by=manager)
    client.force_login(manager)
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = client.get(reverse("remote:attachment_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_rm7_non_admin_cannot_delete_a_document_through_the_page(client, make_user):
    manager = make_user(Role.SERVICE_MANAGER)
    stored = attachment(uploaded_by=manager)
    client.force_login(manager)
    assert "Delete" not in client.get(reverse("remote:attachment_list")).content.decode()
    assert client.post(reverse("remote:attachment_delete", args=[stored.pk])).status_code == 403
    assert Attachment.objects.filter(pk=stored.pk).exists()
    client.force_login(make_user(Role.ADMIN))
    client.post(reverse("remote:attachment_delete", args=[stored.pk]))
    assert not Attachment.objects.filter(pk=stored.pk).exists()


def test_rm7_non_admin_cannot_delete_a_document_in_django_admin(client, make_user):
    manager = make_user(Role.SERVICE_MANAGER, is_staff=True, is_superuser=False)
    from django.contrib.auth.models import Permission

    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="remote"))
    stored = attachment(uploaded_by=manager)
    client.force_login(manager)
    response = client.post(reverse("admin:remote_attachment_delete", args=[stored.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Attachment.objects.filter(pk=stored.pk).exists()


def test_rm7_download_returns_the_stored_file_under_its_name(agent_client):
    stored = attachment(name="密码申请.pdf")
    response = agent_client.get(stored.get_absolute_url())
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        (RecordKind.SESSION, ["actions"], ["form_upload", "sql_used", "told_contact"]),
        (RecordKind.DATA_CLEANUP, ["form_upload", "tools", "sql_used"], ["report_name", "told_contact"]),
        (RecordKind.REPORT_PROBLEM, ["report_name", "question", "analysis", "solution"], ["form_upload", "sql_used"]),
        (RecordKind.PASSWORD_RESET, ["form_upload", "told_contact"], ["sql_used", "report_name"]),
    ],
)
def test_rm1_rm2_rm3_rm4_record_form_shows_the_fields_of_its_kind(agent_client, kind, shown, hidden):
    ticket = remote_ticket()
    html = agent_client.get(reverse("remote:record_create", args=[ticket.number, kind])).content.decode()
    assert all(f'name="{name}"' in html for name in shown)
    assert not any(f'name="{name}"' in html for name in hidden)
