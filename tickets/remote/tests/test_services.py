"""Remote maintenance writes: stored documents (RM-7), typed records (RM-1..RM-4, ST-11), the
closing guard on tickets, change requests (RM-5), bugs (RM-6), the knowledge base (GN-5)."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from servicedesk.core.models import Notification
from staff.models import PenaltyProposal
from staff.roles import Role
from tickets import services as ticket_services
from tickets.models.tickets import Channel, Status, TicketType
from tickets.policies import TransitionNotAllowed
from tickets.remote import selectors, services
from tickets.remote.models import (
    Attachment,
    AttachmentKind,
    ChangeStatus,
    FaqEntry,
    RecordKind,
    RemoteEventKind,
    RemoteRecord,
)
from tickets.remote.tasks import change_requests_overdue_check
from tickets.tests.factories import ContactFactory, ProductFactory, TicketFactory

from .factories import PDF, attachment, remote_ticket, upload

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# 10:00 in Shanghai on Tuesday 10 March 2026.
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def manager(make_user):
    return make_user(Role.SERVICE_MANAGER, username="manager", full_name="陈静")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="root")


def session_record(ticket, engineer, *, now=NOW, served_at=None, **texts):
    texts.setdefault("actions", "Restarted the print service remotely.")
    texts.setdefault("department", "财务部")
    return services.remote_record_create(
        ticket=ticket, kind=RecordKind.SESSION, engineer=engineer, contact=ticket.contact,
        served_at=served_at or now, now=now, **texts,
    )  # fmt: skip


# --- RM-7 stored documents ----------------------------------------------------------------------


def test_rm7_stored_document_keeps_name_size_and_sha256(engineer):
    stored = attachment(kind=AttachmentKind.CLEANUP_SCOPE, uploaded_by=engineer, name="清理范围.pdf")
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (stored.original_name, stored.size, stored.uploaded_by) == ("清理范围.pdf", len(PDF), engineer)
    assert "清理范围" not in stored.file.name  # the customer's file name stays out of paths
    assert services.attachment_checksum_matches(attachment=stored)


def test_rm7_refuses_other_file_types_and_oversized_files(engineer, settings):
    with pytest.raises(ValidationError) as caught:
        services.attachment_store(upload=upload("run.exe", b"MZ"), kind=AttachmentKind.OTHER, uploaded_by=engineer)
    assert ".exe" in caught.value.message_dict["file"][0]
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ATTACHMENT_MAX_MB": 1}
    with pytest.raises(ValidationError) as caught:
        services.attachment_store(
            upload=upload("big.pdf", b"x" * (1024 * 1024 + 1)), kind=AttachmentKind.OTHER, uploaded_by=engineer
        )
    assert "1 MB" in caught.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_rm7_only_an_administrator_deletes_a_document(engineer, manager, admin_user):
    stored = attachment(uploaded_by=engineer)
    pk = stored.pk
    for person in (engineer, manager):
        with pytest.raises(PermissionDenied):
            services.attachment_delete(attachment=stored, actor=person)
    assert Attachment.objects.filter(pk=pk).exists()
    services.attachment_delete(attachment=stored, actor=admin_user)
    assert not Attachment.objects.filter(pk=pk).exists()
    # The history keeps the deleted row: who stored what, with which checksum.
    assert Attachment.history.get(id=pk, history_type="-").sha256 == stored.sha256


def test_rm7_a_document_a_record_refers_to_cannot_be_deleted_even_by_an_admin(engineer, admin_user):
    ticket = remote_ticket(type=TicketType.DATA_CLEANUP)
    record = services.remote_record_create(
        ticket=ticket, kind=RecordKind.DATA_CLEANUP, engineer=engineer, contact=ticket.contact, now=NOW,
        form_upload=upload("scope.pdf"), department="IT", actions="Removed duplicates", tools="SSMS",
        sql_used="DELETE FROM patients WHERE dup = 1",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.attachment_delete(attachment=record.scope_form, actor=admin_user)
    assert Attachment.objects.filter(pk=record.scope_form_id).exists()


# --- RM-1..RM-4 typed records and the closing guard ---------------------------------------------------


def test_rm1_remote_ticket_cannot_be_resolved_or_closed_without_its_record(engineer):
    ticket = remote_ticket(assignee=engineer)
    with pytest.raises(TransitionNotAllowed) as caught:
        ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=engineer, resolution="Fixed", now=NOW)
    assert "service record" in caught.value.message
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW

    session_record(ticket, engineer)
    resolved = ticket_services.ticket_transition(
        ticket=ticket, action="resolve", actor=engineer, resolution="Fixed", now=NOW
    )
    assert resolved.status == Status.RESOLVED
    assert ticket_services.ticket_transition(ticket=ticket, action="close", actor=engineer, now=NOW).status == Status.CLOSED


def test_rm2_data_cleanup_ticket_needs_the_cleanup_record_not_just_a_session(engineer):
    ticket = remote_ticket(type=TicketType.DATA_CLEANUP)
    session_record(ticket, engineer)
    with pytest.raises(TransitionNotAllowed) as caught:
        ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=engineer, resolution="Done", now=NOW)
    assert "Data clean-up" in caught.value.message
    services.remote_record_create(
        ticket=ticket, kind=RecordKind.DATA_CLEANUP, engineer=engineer, contact=ticket.contact, now=NOW,
        form_upload=upload("scope.pdf"), department="IT", actions="Removed 212 duplicate patients",
        tools="SQL Server Management Studio 19", sql_used="DELETE FROM patient WHERE dup_of IS NOT NULL;",
    )  # fmt: skip
    assert ticket_services.ticket_transition(
        ticket=ticket, action="resolve", actor=engineer, resolution="Done", now=NOW
    ).status == Status.RESOLVED


def test_rm4_password_reset_by_phone_still_needs_its_record(agent, engineer):
    ticket = TicketFactory(channel=Channel.HOTLINE, type=TicketType.PASSWORD_RESET)
    with pytest.raises(TransitionNotAllowed):
        ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Reset")
    record = services.remote_record_create(
        ticket=ticket, kind=RecordKind.PASSWORD_RESET, engineer=engineer, contact=ticket.contact,
        form_upload=upload("application.jpg", b"\xff\xd8\xff jpeg"), told_contact=ticket.contact, department="IT",
    )  # fmt: skip
    assert record.application_form.kind == AttachmentKind.PASSWORD_APPLICATION
    assert record.application_form.customer == ticket.customer
    assert ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Reset").status == Status.RESOLVED


def test_rm1_plain_hotline_ticket_needs_no_record(agent):
    ticket = TicketFactory(channel=Channel.HOTLINE, type=TicketType.CONSULTATION)
    assert ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Explained").status == Status.RESOLVED


@pytest.mark.parametrize(
    ("kind", "texts", "missing"),
    [
        (RecordKind.SESSION, {"department": "IT"}, {"actions"}),
        (RecordKind.DATA_CLEANUP, {"department": "IT", "actions": "Cleaned", "sql_used": "DELETE"}, {"scope_form", "tools"}),
        (RecordKind.REPORT_PROBLEM, {"department": "IT", "report_name": "月报"}, {"question", "analysis", "solution"}),
        (RecordKind.PASSWORD_RESET, {"department": "IT"}, {"application_form", "told_contact"}),
    ],
)
def test_rm1_rm2_rm3_rm4_record_without_its_mandatory_fields_is_refused(engineer, kind, texts, missing):
    ticket = remote_ticket()
    with pytest.raises(ValidationError) as caught:
        services.remote_record_create(
            ticket=ticket, kind=kind, engineer=engineer, contact=ticket.contact, now=NOW, **texts
        )
    assert set(caught.value.message_dict) == missing
    assert not RemoteRecord.objects.exists()


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (RecordKind.SESSION, {}),
        (RecordKind.DATA_CLEANUP, {"actions": "x", "tools": "x"}),
        (RecordKind.REPORT_PROBLEM, {"report_name": "x", "question": "x", "analysis": "x"}),
        (RecordKind.PASSWORD_RESET, {}),
    ],
)
def test_rm1_rm2_rm3_rm4_database_refuses_an_incomplete_record(engineer, kind, fields):
    ticket = remote_ticket()
    with pytest.raises(IntegrityError), transaction.atomic():
        RemoteRecord.objects.create(
            ticket=ticket, kind=kind, engineer=engineer, contact=ticket.contact, department="IT",
            served_at=NOW, recorded_at=NOW, **fields,
        )  # fmt: skip


def test_rm1_record_takes_the_contacts_department_and_goes_on_the_timeline(engineer):
    ticket = remote_ticket(contact__department="仓储部")
    record = session_record(ticket, engineer, department="")
    assert record.department == "仓储部"
    event = ticket.events.get(kind=RemoteEventKind.RECORD)
    assert (event.actor, event.data["record"], event.data["late"]) == (engineer, record.pk, False)


def test_rm1_contact_of_another_customer_is_refused(engineer):
    ticket = remote_ticket()
    with pytest.raises(ValidationError) as caught:
        services.remote_record_create(
            ticket=ticket, kind=RecordKind.SESSION, engineer=engineer, contact=ContactFactory(), now=NOW,
            department="IT", actions="x",
        )  # fmt: skip
    assert "contact" in caught.value.message_dict


def test_rm2_refused_record_leaves_no_stored_file_behind(engineer):
    ticket = remote_ticket()
    with pytest.raises(ValidationError):
        services.remote_record_create(
            ticket=ticket, kind=RecordKind.DATA_CLEANUP, engineer=engineer, contact=ticket.contact, now=NOW,
            form_upload=upload("scope.pdf"), department="IT", actions="x", tools="",
        )  # fmt: skip
    assert not Attachment.objects.exists()


# --- ST-11 late records -----------------------------------------------------------------------------------


def test_st11_record_written_after_the_service_day_proposes_a_penalty(engineer):
    ticket = remote_ticket()
    served = datetime.datetime(2026, 3, 9, 15, 30, tzinfo=UTC)  # 23:30 on 9 March in Shanghai
    written = datetime.datetime(2026, 3, 9, 16, 5, tzinfo=UTC)  # 00:05 on 10 March in Shanghai
    record = session_record(ticket, engineer, served_at=served, now=written)
    proposal = PenaltyProposal.objects.get()
    assert (proposal.rule.code, proposal.employee, proposal.source) == ("st11-remote-record-missing", engineer, record)
    assert proposal.occurred_at == written
    assert "2026-03-09" in proposal.details
    assert ticket.events.get(kind=RemoteEventKind.RECORD).data["late"] is True


def test_st11_record_written_the_same_local_day_proposes_nothing(engineer):
    ticket = remote_ticket()
    served = datetime.datetime(2026, 3, 9, 16, 5, tzinfo=UTC)  # 00:05 on 10 March in Shanghai
    session_record(ticket, engineer, served_at=served, now=datetime.datetime(2026, 3, 10, 15, 55, tzinfo=UTC))
    assert not PenaltyProposal.objects.exists()


def test_st11_service_time_cannot_be_in_the_future_or_before_the_ticket(engineer):
    ticket = remote_ticket()
    with pytest.raises(ValidationError) as caught:
        session_record(ticket, engineer, served_at=NOW + datetime.timedelta(hours=1))
    assert "served_at" in caught.value.message_dict
    with pytest.raises(ValidationError):
        session_record(ticket, engineer, served_at=ticket.created_at - datetime.timedelta(days=1))


# --- RM-5 change requests -------------------------------------------------------------------------------


def change_request(ticket, engineer, now=NOW):
    return services.change_request_create(
        ticket=ticket, title="Add WeChat Pay to the POS", requirement="Customers want to pay with WeChat.",
        form_upload=upload("需求申请单.pdf"), requested_by=engineer, now=now,
    )  # fmt: skip


def reviewed(engineer, manager, *, expected_on=datetime.date(2026, 3, 20), now=NOW):
    ticket = remote_ticket(type=TicketType.CHANGE_REQUEST)
    change = change_request(ticket, engineer, now=now)
    change = services.change_request_confirm(change=change, actor=engineer, note="Confirmed by phone with 李明", now=now)
    return services.change_request_review(
        change=change, actor=manager, approve=True, opinion="Worth doing; reuse the Alipay module.",
        expected_on=expected_on, now=now,
    )  # fmt: skip


def test_rm5_full_workflow_from_requirement_to_customer_opinion(engineer, manager):
    change = reviewed(engineer, manager)
    assert change.requirement_form.kind == AttachmentKind.CHANGE_REQUEST_FORM
    assert (change.status, change.expected_on, change.original_expected_on) == (
        ChangeStatus.REVIEWED, datetime.date(2026, 3, 20), datetime.date(2026, 3, 20)
    )
    contact = change.ticket.contact
    change = services.change_request_tell_customer(change=change, actor=engineer, contact=contact, now=NOW)
    assert (change.status, change.told_contact) == (ChangeStatus.SCHEDULED, contact)
    change = services.change_request_mark_developed(change=change, actor=manager, note="Build 7.3.1", now=NOW)
    change = services.change_request_record_test(change=change, actor=engineer, passed=True, note="Paid 0.01", now=NOW)
    change = services.change_request_mark_customer_updated(change=change, actor=engineer, now=NOW)
    change = services.change_request_record_opinion(change=change, actor=engineer, opinion="满意 / satisfied", now=NOW)
    assert change.status == ChangeStatus.CLOSED and change.customer_opinion == "满意 / satisfied"
    steps = [e.data["action"] for e in selectors.change_request_timeline(change=change)]
    assert steps == ["create", "confirm", "approve", "tell", "develop", "test", "update", "opinion"]


def test_rm5_customer_requirement_needs_its_stamped_form(engineer):
    ticket = remote_ticket()
    with pytest.raises(ValidationError) as caught:
        services.change_request_create(
            ticket=ticket, title="Report change", requirement="New column", form_upload=None, requested_by=engineer
        )
    assert "stamped" in caught.value.message_dict["requirement_form"][0]


def test_rm5_only_a_service_manager_reviews(engineer):
    change = change_request(remote_ticket(), engineer)
    change = services.change_request_confirm(change=change, actor=engineer, note="ok", now=NOW)
    with pytest.raises(PermissionDenied):
        services.change_request_review(
            change=change, actor=engineer, approve=True, opinion="ok", expected_on=datetime.date(2026, 4, 1), now=NOW
        )


def test_rm5_steps_out_of_order_are_refused(engineer, manager):
    change = change_request(remote_ticket(), engineer)
    with pytest.raises(TransitionNotAllowed):
        services.change_request_mark_developed(change=change, actor=manager, now=NOW)
    with pytest.raises(TransitionNotAllowed):
        services.change_request_review(
            change=change, actor=manager, approve=True, opinion="ok", expected_on=datetime.date(2026, 4, 1), now=NOW
        )


def test_rm5_only_the_requester_tests_and_a_failed_test_goes_back_to_development(engineer, manager, make_user):
    change = reviewed(engineer, manager)
    change = services.change_request_tell_customer(change=change, actor=engineer, contact=change.ticket.contact, now=NOW)
    change = services.change_request_mark_developed(change=change, actor=manager, now=NOW)
    with pytest.raises(PermissionDenied):
        services.change_request_record_test(change=change, actor=make_user(Role.ENGINEER), passed=True, note="ok", now=NOW)
    change = services.change_request_record_test(change=change, actor=engineer, passed=False, note="Refund fails", now=NOW)
    assert change.status == ChangeStatus.SCHEDULED and change.tested_at is None


def test_rm5_rejection_needs_an_opinion_and_ends_the_request(engineer, manager):
    change = change_request(remote_ticket(), engineer)
    change = services.change_request_confirm(change=change, actor=engineer, note="ok", now=NOW)
    with pytest.raises(ValidationError):
        services.change_request_review(change=change, actor=manager, approve=False, opinion=" ", now=NOW)
    change = services.change_request_review(change=change, actor=manager, approve=False, opinion="Out of scope", now=NOW)
    assert change.status == ChangeStatus.REJECTED


def test_rm5_check_flags_an_unannounced_overdue_request_once(engineer, manager):
    change = reviewed(engineer, manager, expected_on=datetime.date(2026, 3, 20))
    with time_machine.travel(datetime.datetime(2026, 3, 20, 14, 0, tzinfo=UTC), tick=False):  # 22:00 on the date
        assert change_requests_overdue_check.delay().get() == 0
    with time_machine.travel(datetime.datetime(2026, 3, 21, 1, 5, tzinfo=UTC), tick=False):  # 09:05 the day after
        assert change_requests_overdue_check.delay().get() == 1
        assert change_requests_overdue_check.delay().get() == 0
    change.refresh_from_db()
    assert change.overdue_flagged_for == datetime.date(2026, 3, 20)
    assert change.ticket.events.filter(kind=RemoteEventKind.CHANGE_OVERDUE).count() == 1
    notified = set(Notification.objects.filter(kind="change_overdue").values_list("recipient__username", flat=True))
    assert notified == {engineer.username, manager.username}


def test_rm5_delay_announced_before_the_date_is_not_flagged(engineer, manager):
    change = reviewed(engineer, manager, expected_on=datetime.date(2026, 3, 20))
    on_the_date = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    change = services.change_request_announce_delay(
        change=change, actor=engineer, new_expected_on=datetime.date(2026, 3, 31), reason="Bank API change",
        now=on_the_date,
    )  # fmt: skip
    assert (change.expected_on, change.original_expected_on, change.delay_count) == (
        datetime.date(2026, 3, 31), datetime.date(2026, 3, 20), 1
    )
    with time_machine.travel(datetime.datetime(2026, 3, 21, 1, 5, tzinfo=UTC), tick=False):
        assert change_requests_overdue_check.delay().get() == 0
    # The new date passes unannounced: flagged for the new date.
    with time_machine.travel(datetime.datetime(2026, 4, 1, 1, 5, tzinfo=UTC), tick=False):
        assert change_requests_overdue_check.delay().get() == 1
    change.refresh_from_db()
    assert change.overdue_flagged_for == datetime.date(2026, 3, 31)


def test_rm5_delay_announced_after_the_date_is_flagged_and_recorded(engineer, manager):
    change = reviewed(engineer, manager, expected_on=datetime.date(2026, 3, 20))
    late = datetime.datetime(2026, 3, 21, 0, 30, tzinfo=UTC)  # 08:30 the day after, before the morning check
    change = services.change_request_announce_delay(
        change=change, actor=engineer, new_expected_on=datetime.date(2026, 3, 27), reason="Tester ill", now=late
    )
    assert change.overdue_flagged_for == datetime.date(2026, 3, 20)
    assert "after the date" in change.ticket.events.filter(kind=RemoteEventKind.CHANGE).last().body
    with pytest.raises(ValidationError):
        services.change_request_announce_delay(
            change=change, actor=engineer, new_expected_on=datetime.date(2026, 3, 25), reason="x", now=late
        )


# --- RM-6 bugs ----------------------------------------------------------------------------------------------


def test_rm6_bug_with_steps_and_error_becomes_a_confirmed_change_request(engineer, manager):
    product = ProductFactory()
    ticket = remote_ticket(type=TicketType.BUG)
    bug = services.bug_report(
        ticket=ticket, title="Stock report crashes", reproduction_steps="1. Open 库存月报\n2. Pick March",
        error_message="ORA-01555: snapshot too old", reported_by=engineer, product=product, version="9.2", now=NOW,
    )  # fmt: skip
    change = bug.change_request
    assert (change.origin, change.status, change.confirmed_by) == ("bug", ChangeStatus.CONFIRMED, engineer)
    assert ticket.events.filter(kind=RemoteEventKind.BUG).exists()
    # RM-6: the customer then gets an expected completion date from the manager's review.
    change = services.change_request_review(
        change=change, actor=manager, approve=True, opinion="Fix in 9.2.1", expected_on=datetime.date(2026, 3, 17),
        now=NOW,
    )  # fmt: skip
    assert change.expected_on == datetime.date(2026, 3, 17)


@pytest.mark.parametrize("missing", ["reproduction_steps", "error_message"])
def test_rm6_bug_without_steps_or_error_message_is_refused(engineer, missing):
    values = {"reproduction_steps": "Open the report", "error_message": "ORA-01555", missing: "  "}
    with pytest.raises(ValidationError) as caught:
        services.bug_report(ticket=remote_ticket(), title="Crash", reported_by=engineer, **values)
    assert missing in caught.value.message_dict


# --- GN-5 knowledge base ---------------------------------------------------------------------------------


def test_gn5_resolved_ticket_is_promoted_once(agent):
    ticket = TicketFactory(channel=Channel.HOTLINE)
    with pytest.raises(ValidationError):
        services.faq_promote(ticket=ticket, problem="p", cause="c", solution="s", actor=agent)
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Cleared the queue")
    entry = services.faq_promote(
        ticket=ticket, problem="打印机卡纸 E42", cause="Worn roller", solution="Replace the roller", actor=agent
    )
    assert entry.source_ticket == ticket and entry.created_by == agent
    assert ticket.events.filter(kind=RemoteEventKind.FAQ, data__faq=entry.pk).exists()
    with pytest.raises(ValidationError):
        services.faq_promote(ticket=ticket, problem="again", cause="c", solution="s", actor=agent)


def test_gn5_faq_search_matches_every_word_and_prefers_the_product(agent):
    printer, pos = ProductFactory(), ProductFactory()
    general = FaqEntry.objects.create(problem="打印机 卡纸", cause="湿度", solution="换纸", created_by=agent)
    own = FaqEntry.objects.create(problem="打印机 卡纸 E42", cause="滚轮", solution="换滚轮", product=printer, created_by=agent)
    FaqEntry.objects.create(problem="打印机 卡纸", cause="x", solution="y", product=pos, created_by=agent)
    FaqEntry.objects.create(problem="打印机 卡纸", cause="x", solution="y", is_published=False, created_by=agent)
    assert selectors.faq_search(text="卡纸 E42") == [own]
    assert selectors.faq_search(text="打印机 卡纸", product=printer) == [own, general]
    assert len(selectors.faq_search(text="卡纸", limit=2)) == 2
    assert selectors.faq_search(text="  ") == []
