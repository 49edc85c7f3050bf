"""Demo remote maintenance: typed records (one written late, ST-11), change requests at several
steps (one overdue, RM-5), a bug (RM-6), archived customer forms (RM-7), knowledge-base entries."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from staff.models import User
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.models.tickets import Status

from . import services
from .models import ChangeRequest, FaqEntry, RecordKind, RemoteRecord


def _pdf(title: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% demo scan: {title}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def _ticket(subject: str) -> Ticket | None:
    return Ticket.objects.select_related("customer", "contact", "installation").filter(subject=subject).first()


def seed_demo(*, now, log) -> None:
    staff = {u.username: u for u in User.objects.filter(username__in=["engineer", "engineer2", "manager", "agent"])}
    engineer, engineer2, manager = staff.get("engineer"), staff.get("engineer2"), staff.get("manager")
    if not (engineer and engineer2 and manager):
        log("remote: demo users missing, skipped")
        return
    day = datetime.timedelta(days=1)
    hour = datetime.timedelta(hours=1)
    records = changes = 0

    # RM-4: the password reset (hotline) gets its record with the formal application, then closes.
    ticket = _ticket("申请重置超级管理员密码")
    if ticket and not RemoteRecord.objects.filter(ticket=ticket).exists():
        services.remote_record_create(
            ticket=ticket, kind=RecordKind.PASSWORD_RESET, engineer=engineer, contact=ticket.contact,
            served_at=ticket.created_at + 3 * hour, now=ticket.created_at + 4 * hour,
            form_upload=_pdf("超级管理员密码恢复申请"), told_contact=ticket.contact,
            actions="核对盖章申请后重置 admin 密码，已电话告知王静。",
        )  # fmt: skip
        records += 1
        if ticket.status == Status.IN_PROGRESS:
            ticket_services.ticket_transition(
                ticket=ticket, action="resolve", actor=engineer, resolution="密码已重置并告知联系人 / password reset",
                now=ticket.created_at + 5 * hour,
            )  # fmt: skip
            ticket_services.ticket_transition(ticket=ticket, action="close", actor=engineer, now=ticket.created_at + 6 * hour)

    # RM-2 + ST-11: the clean-up record written the day after the service proposes a penalty.
    ticket = _ticket("Duplicate patients after data import")
    if ticket and not RemoteRecord.objects.filter(ticket=ticket).exists():
        served = max(ticket.created_at + 2 * hour, now - day - 2 * hour)
        services.remote_record_create(
            ticket=ticket, kind=RecordKind.DATA_CLEANUP, engineer=engineer2, contact=ticket.contact,
            served_at=served, now=now - hour, form_upload=_pdf("Data cleanup scope - Pearl River Hospital"),
            tools="SQL Server Management Studio 19", sql_used="DELETE FROM patient WHERE duplicate_of IS NOT NULL;",
            actions="Backed up the database, removed 212 duplicate patient rows, rebuilt the index.",
        )  # fmt: skip
        records += 1

    # RM-3 + RM-6: the report problem is a bug; it became a change request now overdue (RM-5).
    ticket = _ticket("月结后报表数据不一致")
    if ticket and not ChangeRequest.objects.filter(ticket=ticket).exists():
        at = ticket.created_at + hour
        services.remote_record_create(
            ticket=ticket, kind=RecordKind.REPORT_PROBLEM, engineer=engineer, contact=ticket.contact, served_at=at,
            now=at, report_name="月度收支汇总表", question="月结后汇总表与明细表金额不一致",
            analysis="汇总表未包含月结当天 23:00 后的凭证", solution="临时：月结前先生成汇总；程序修改已申请",
        )  # fmt: skip
        bug = services.bug_report(
            ticket=ticket, title="月度汇总表漏算月结当天凭证", reproduction_steps="1. 月结\n2. 打开月度收支汇总表\n3. 对比明细表",
            error_message="无报错；汇总金额少 23:00 后的凭证", reported_by=engineer, now=at + hour,
        )  # fmt: skip
        change = services.change_request_review(
            change=bug.change_request, actor=manager, approve=True, opinion="下个补丁修复 / fix in the next patch",
            expected_on=(at + day).date(), now=at + 2 * hour,
        )  # fmt: skip
        change = services.change_request_tell_customer(change=change, actor=engineer, contact=ticket.contact, now=at + 3 * hour)
        services.change_request_flag_overdue(change_id=change.pk, now=now)
        records += 1
        changes += 1

    # RM-5: a customer's change request, told the date, being developed.
    ticket = _ticket("Request: add WeChat Pay to POS")
    if ticket and not ChangeRequest.objects.filter(ticket=ticket).exists():
        at = ticket.created_at + hour
        change = services.change_request_create(
            ticket=ticket, title="Add WeChat Pay to the POS checkout", requirement="Customers want to pay by WeChat Pay.",
            form_upload=_pdf("Change request form - Bright Electronics (stamped)"), requested_by=engineer2, now=at,
        )  # fmt: skip
        change = services.change_request_confirm(
            change=change, actor=engineer2, note="Confirmed with Jason Huang: scan customer QR code only.", now=at + hour
        )
        change = services.change_request_review(
            change=change, actor=manager, approve=True, opinion="Reuse the Alipay module; two weeks.",
            expected_on=(now + 10 * day).date(), now=at + 2 * hour,
        )  # fmt: skip
        services.change_request_tell_customer(change=change, actor=engineer2, contact=ticket.contact, now=at + 3 * hour)
        changes += 1

    # GN-5: two resolved tickets promoted to the knowledge base.
    for subject, cause, solution in (
        ("如何导出月度开票明细", "客户不熟悉报表菜单", "报表 → 开票明细 → 选择月份 → 导出 Excel"),
        ("Printer IP-300 paper jam every morning", "Humidity overnight swells the paper; worn pickup roller",
         "Store paper in the closed drawer; replace the pickup roller (part IP300-PR)."),
    ):  # fmt: skip
        ticket = _ticket(subject)
        if ticket and ticket.status in (Status.RESOLVED, Status.CLOSED) and not FaqEntry.objects.filter(source_ticket=ticket).exists():
            services.faq_promote(
                ticket=ticket, problem=subject, cause=cause, solution=solution, actor=engineer,
                product=ticket.installation.product if ticket.installation_id else None, now=now,
            )  # fmt: skip
    log(f"remote: {records} new service records, {changes} new change requests, {FaqEntry.objects.count()} FAQ entries")
