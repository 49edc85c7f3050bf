"""Object scoping of remote pages (GN-7, RM-5, RM-7): a document, a change request or a knowledge
base entry outside what the user may see answers 404, exactly like one that does not exist."""

import datetime

import pytest
from django.urls import reverse

from staff.roles import Role
from tickets.models.tickets import Status, TicketType
from tickets.remote import selectors, services
from tickets.remote.models import Attachment, AttachmentKind, FaqEntry, RecordKind
from tickets.tests.factories import CustomerFactory
from training.tests.factories import plan as training_plan

from .factories import PDF, attachment, remote_ticket, upload

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def other_engineer(make_user):
    return make_user(Role.ENGINEER, username="engineer2")


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client


def password_record(ticket, engineer):
    """An RM-4 record whose formal application is archived as the customer's document."""
    return services.remote_record_create(
        ticket=ticket, kind=RecordKind.PASSWORD_RESET, engineer=engineer, contact=ticket.contact,
        told_contact=ticket.contact, form_upload=upload("超级管理员密码申请.pdf"), served_at=NOW, now=NOW,
        department="财务部", actions="Reset the admin password after checking the stamped application.",
    )  # fmt: skip


def change_request(ticket, engineer):
    return services.change_request_create(
        ticket=ticket, title="Add WeChat Pay", requirement="Customers want to pay with WeChat.",
        form_upload=upload("需求申请单.pdf"), requested_by=engineer, now=NOW,
    )  # fmt: skip


def download(client, document):
    return client.get(reverse("remote:attachment_download", args=[document.pk]))


def test_gn7_rm7_engineer_gets_404_for_another_customers_document(engineer_client, other_engineer):
    theirs = password_record(remote_ticket(assignee=other_engineer), other_engineer).application_form
    loose = attachment(kind=AttachmentKind.PASSWORD_APPLICATION, customer=CustomerFactory(), uploaded_by=other_engineer)

    assert download(engineer_client, theirs).status_code == 404
    assert download(engineer_client, loose).status_code == 404
    # The same answer as for an id that was never used: the page does not say the document exists.
    assert engineer_client.get(reverse("remote:attachment_download", args=[loose.pk + 1000])).status_code == 404


def test_gn7_rm7_engineer_downloads_the_document_of_their_own_ticket(engineer_client, engineer, other_engineer):
    # The record was written by a colleague; the ticket is now the engineer's, so is its document.
    ticket = remote_ticket(assignee=other_engineer)
    document = password_record(ticket, other_engineer).application_form
    ticket.assignee = engineer
    ticket.save(update_fields=["assignee"])

    response = download(engineer_client, document)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_gn7_rm7_engineer_loses_the_document_when_the_ticket_is_reassigned(engineer_client, engineer, other_engineer):
    ticket = remote_ticket(assignee=other_engineer)
    document = password_record(ticket, other_engineer).application_form
    assert download(engineer_client, document).status_code == 404
    ticket.assignee = engineer
    ticket.save(update_fields=["assignee"])
    assert download(engineer_client, document).status_code == 200


def test_gn7_rm7_engineer_downloads_what_they_uploaded(engineer_client, engineer):
    own = attachment(customer=CustomerFactory(), uploaded_by=engineer)
    assert download(engineer_client, own).status_code == 200


def test_gn7_desk_roles_download_any_customers_document(client, make_user, other_engineer):
    document = password_record(remote_ticket(assignee=other_engineer), other_engineer).application_form
    for role in (Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.CALLBACK_SPECIALIST, Role.ADMIN):
        client.force_login(make_user(role))
        assert download(client, document).status_code == 200, role


def test_gn7_hr_is_refused_documents_before_any_lookup(client, make_user):
    document = attachment(customer=CustomerFactory())
    client.force_login(make_user(Role.HR))
    assert download(client, document).status_code == 403
    assert not selectors.attachment_visible_queryset(user=make_user(Role.HR)).exists()


def test_rm5_rm7_engineer_sees_the_requirement_form_of_a_change_request_they_see(engineer_client, engineer, other_engineer):
    mine = change_request(remote_ticket(assignee=engineer, type=TicketType.CHANGE_REQUEST), other_engineer)
    theirs = change_request(remote_ticket(assignee=other_engineer, type=TicketType.CHANGE_REQUEST), other_engineer)

    assert download(engineer_client, mine.requirement_form).status_code == 200
    assert download(engineer_client, theirs.requirement_form).status_code == 404


def test_rm5_engineer_gets_404_for_another_engineers_change_request(engineer_client, engineer, other_engineer):
    theirs = change_request(remote_ticket(assignee=other_engineer, type=TicketType.CHANGE_REQUEST), other_engineer)
    mine = change_request(remote_ticket(type=TicketType.CHANGE_REQUEST), engineer)

    assert engineer_client.get(reverse("remote:change_detail", args=[theirs.pk])).status_code == 404
    response = engineer_client.post(reverse("remote:change_step", args=[theirs.pk, "confirm"]), {"confirm-note": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.confirmed_at is None  # nothing was written through the refused step
    assert engineer_client.get(reverse("remote:change_detail", args=[mine.pk])).status_code == 200
    listed = engineer_client.get(reverse("remote:change_list")).context["page"].object_list
    assert [change.pk for change in listed] == [mine.pk]


def test_tr1_rm7_training_documents_follow_the_plan(client, make_user, engineer, other_engineer):
    from training import services as training_services

    supervisor = make_user(Role.SERVICE_MANAGER)  # uploads both, so only the plan links them
    mine = training_plan(instructor=engineer, now=NOW)
    theirs = training_plan(instructor=other_engineer, now=NOW)
    my_handout = training_services.plan_document_add(
        plan=mine, upload=upload("handout.pdf"), kind=AttachmentKind.HANDOUT, actor=supervisor
    )
    their_exam = training_services.plan_document_add(
        plan=theirs, upload=upload("exam.pdf"), kind=AttachmentKind.EXAM, actor=supervisor
    )
    client.force_login(engineer)
    assert download(client, my_handout).status_code == 200
    assert download(client, their_exam).status_code == 404


def test_rm7_archive_lists_only_visible_documents_and_delete_is_scoped(client, make_user):
    document = attachment(customer=CustomerFactory())
    admin = make_user(Role.ADMIN)
    assert list(selectors.attachment_archive(user=admin)) == [document]
    assert not selectors.attachment_archive(user=make_user(Role.ENGINEER)).exists()

    client.force_login(admin)
    missing = client.post(reverse("remote:attachment_delete", args=[document.pk + 1000]))
    assert missing.status_code == 404
    assert client.post(reverse("remote:attachment_delete", args=[document.pk])).status_code == 302
    assert not Attachment.objects.filter(pk=document.pk).exists()


def test_gn5_withdrawn_faq_entry_is_404_for_readers_and_visible_to_curators(client, make_user):
    ticket = remote_ticket(status=Status.RESOLVED, resolution="Restarted the print service", resolved_at=NOW)
    entry = services.faq_promote(ticket=ticket, problem="Printer stops", cause="Spooler", solution="Restart", actor=make_user(Role.AGENT))
    FaqEntry.objects.filter(pk=entry.pk).update(is_published=False)
    url = reverse("remote:faq_detail", args=[entry.pk])

    client.force_login(make_user(Role.AGENT))
    assert client.get(url).status_code == 404
    client.force_login(make_user(Role.SERVICE_MANAGER))
    assert client.get(url).status_code == 200
    FaqEntry.objects.filter(pk=entry.pk).update(is_published=True)
    client.force_login(make_user(Role.ENGINEER))
    assert client.get(url).status_code == 200
