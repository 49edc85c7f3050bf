"""Pure rules of remote maintenance, without the database."""

import datetime

import pytest

from tickets.models.tickets import Channel, TicketType
from tickets.policies import TransitionNotAllowed
from tickets.remote.models import ChangeStatus, RecordKind
from tickets.remote.policies import (
    MISSING_FIELD_MESSAGES,
    allowed_change_steps,
    attachment_problems,
    change_is_overdue,
    check_change_step,
    check_records_complete,
    delay_announced_in_time,
    missing_record_kinds,
    record_is_late,
    record_missing_fields,
    search_terms,
)

UTC = datetime.UTC
COMPLETE = {
    "contact_id": 1, "department": "财务部", "actions": "Rebuilt the index", "scope_form_id": 7, "tools": "SSMS",
    "sql_used": "DELETE FROM t WHERE id=1", "report_name": "月结报表", "question": "Why?", "analysis": "Join",
    "solution": "Fixed", "application_form_id": 8, "told_contact_id": 1,
}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        (RecordKind.SESSION, {"contact", "department", "actions"}),
        (RecordKind.DATA_CLEANUP, {"contact", "department", "actions", "scope_form", "tools", "sql_used"}),
        (RecordKind.REPORT_PROBLEM, {"contact", "department", "report_name", "question", "analysis", "solution"}),
        (RecordKind.PASSWORD_RESET, {"contact", "department", "application_form", "told_contact"}),
    ],
)
def test_rm1_rm2_rm3_rm4_each_record_kind_has_its_mandatory_fields(kind, required):
    assert record_missing_fields(kind=kind, values=COMPLETE) == {}
    missing = record_missing_fields(kind=kind, values={"department": "  "})
    assert set(missing) == required
    # Each field has its own message; the rule ID is in the code, not in what the engineer reads.
    assert {name: str(m) for name, m in missing.items()} == {name: str(MISSING_FIELD_MESSAGES[name]) for name in required}
    assert not any("RM-" in str(message) for message in missing.values())


def test_rm2_cleanup_names_the_missing_sql_and_tools():
    values = {**COMPLETE, "tools": "", "sql_used": None}
    missing = record_missing_fields(kind=RecordKind.DATA_CLEANUP, values=values)
    assert set(missing) == {"tools", "sql_used"}
    assert "SQL" in str(missing["sql_used"])


@pytest.mark.parametrize(
    ("channel", "ticket_type", "recorded", "missing"),
    [
        (Channel.REMOTE, TicketType.FAULT, set(), 1),
        (Channel.REMOTE, TicketType.FAULT, {RecordKind.REPORT_PROBLEM}, 0),
        (Channel.HOTLINE, TicketType.FAULT, set(), 0),
        (Channel.HOTLINE, TicketType.DATA_CLEANUP, {RecordKind.SESSION}, 1),
        (Channel.REMOTE, TicketType.DATA_CLEANUP, {RecordKind.DATA_CLEANUP}, 0),
        (Channel.HOTLINE, TicketType.PASSWORD_RESET, set(), 1),
        (Channel.HOTLINE, TicketType.PASSWORD_RESET, {RecordKind.PASSWORD_RESET}, 0),
    ],
)
def test_rm1_which_tickets_need_which_record(channel, ticket_type, recorded, missing):
    assert len(missing_record_kinds(channel=channel, ticket_type=ticket_type, recorded_kinds=recorded)) == missing


def test_rm2_closing_message_names_the_record_kind():
    with pytest.raises(TransitionNotAllowed) as caught:
        check_records_complete(channel=Channel.REMOTE, ticket_type=TicketType.DATA_CLEANUP, recorded_kinds=set())
    assert "Data clean-up" in caught.value.message


def test_st11_late_means_after_the_local_day_of_the_service_ended(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    served = datetime.datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    # 00:10 the next day in Shanghai, still 10 March in UTC: late.
    assert record_is_late(served_at=served, recorded_at=datetime.datetime(2026, 3, 10, 16, 10, tzinfo=UTC))
    # 23:59 the same local day: in time.
    assert not record_is_late(served_at=served, recorded_at=datetime.datetime(2026, 3, 10, 15, 59, tzinfo=UTC))


def test_rm5_steps_follow_the_workflow_order():
    assert [s.action for s in allowed_change_steps(ChangeStatus.REQUESTED)] == ["confirm"]
    assert [s.action for s in allowed_change_steps(ChangeStatus.CONFIRMED)] == ["approve", "reject"]
    assert [s.action for s in allowed_change_steps(ChangeStatus.SCHEDULED)] == ["delay", "develop"]
    assert allowed_change_steps(ChangeStatus.CLOSED) == []
    with pytest.raises(TransitionNotAllowed):
        check_change_step(status=ChangeStatus.CONFIRMED, action="develop")


def test_rm5_overdue_only_after_the_date_and_until_developed():
    due = datetime.date(2026, 3, 20)
    assert not change_is_overdue(status=ChangeStatus.SCHEDULED, expected_on=due, today=due)
    assert change_is_overdue(status=ChangeStatus.SCHEDULED, expected_on=due, today=due + datetime.timedelta(days=1))
    assert change_is_overdue(status=ChangeStatus.REVIEWED, expected_on=due, today=due + datetime.timedelta(days=1))
    assert not change_is_overdue(status=ChangeStatus.DEVELOPED, expected_on=due, today=due + datetime.timedelta(days=9))


def test_rm5_a_delay_announced_on_the_date_is_in_time():
    due = datetime.date(2026, 3, 20)
    assert delay_announced_in_time(expected_on=due, today=due)
    assert not delay_announced_in_time(expected_on=due, today=due + datetime.timedelta(days=1))


def test_rm7_upload_limits_give_clear_messages():
    limit = 10 * 1024 * 1024
    assert attachment_problems(name="申请表.PDF", size=1000, max_bytes=limit) == []
    [wrong_type] = attachment_problems(name="tool.exe", size=1000, max_bytes=limit)
    assert ".exe" in str(wrong_type) and "PDF" in str(wrong_type)
    [too_big] = attachment_problems(name="scan.jpg", size=limit + 1, max_bytes=limit)
    assert "10 MB" in str(too_big)
    assert "empty" in str(attachment_problems(name="scan.png", size=0, max_bytes=limit)[0])


def test_gn5_search_terms_split_on_spaces_and_chinese_punctuation():
    assert search_terms("  打印机 卡纸，错误E42 ") == ["打印机", "卡纸", "错误E42"]
    assert search_terms("") == []
