"""GN-7: every CSV export leaves one audit row: who, which export, which filters, how many rows."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from servicedesk.core.exports import CountingWriter, export_audit_record
from servicedesk.core.models import ExportAudit
from staff import services as staff_services
from staff.models import DeductionRun
from staff.roles import Role
from staff.tests.factories import EmployeeFactory, UserFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 8, 50, tzinfo=TZ)


class ListWriter:
    def __init__(self):
        self.written = []

    def writerow(self, row):
        self.written.append(row)


def test_gn7_counting_writer_counts_data_rows_not_headings_or_spacers():
    target = ListWriter()
    writer = CountingWriter(target)
    writer.heading(["name", "amount"])
    writer.writerow(["刘洋", "30.00"])
    writer.writerow([])
    writer.writerow(["赵磊", "10.00"])
    assert writer.rows == 2
    assert target.written == [["name", "amount"], ["刘洋", "30.00"], [], ["赵磊", "10.00"]]


def test_gn7_export_audit_record_stores_who_what_filters_and_rows():
    user = UserFactory(roles=[Role.HR])
    audit = export_audit_record(user=user, what="staff:payroll_csv", query="/staff/payroll/3/csv/", rows=7)
    audit.refresh_from_db()
    assert (audit.user, audit.what, audit.query, audit.rows) == (user, "staff:payroll_csv", "/staff/payroll/3/csv/", 7)


def _locked_run(*, employees, duty):
    for employee in employees:
        proposal = staff_services.penalty_propose(
            rule_code="st8-late-service-form", employee=employee, source=TicketFactory(), occurred_at=NOW
        )[0]
        staff_services.penalty_confirm(proposal=proposal, amount=Decimal("30"), actor=duty, now=NOW)
    hr = EmployeeFactory(username="hr", roles=[Role.HR])
    run = staff_services.deduction_run_prepare(month=datetime.date(2026, 3, 1), actor=hr, now=NOW)
    staff_services.deduction_run_export(run=run, actor=hr, now=NOW)
    return run, hr


def test_gn7_payroll_csv_writes_one_audit_row_with_the_line_count(client):
    duty = EmployeeFactory(username="duty", roles=[Role.DUTY_MANAGER])
    employees = [EmployeeFactory(roles=[Role.ENGINEER], manager=duty) for _ in range(3)]
    with time_machine.travel(NOW, tick=False):
        run, hr = _locked_run(employees=employees, duty=duty)
        client.force_login(hr)
        response = client.get(reverse("staff:payroll_csv", args=[run.pk]))
    assert response.status_code == 200
    data_lines = response.content.decode("utf-8-sig").splitlines()[1:]
    audit = ExportAudit.objects.get()
    assert audit.rows == len(data_lines) == DeductionRun.objects.get().lines.count() == 3
    assert (audit.user, audit.what, audit.query) == (hr, "staff:payroll_csv", f"/staff/payroll/{run.pk}/csv/")
    assert audit.created_at == NOW


def test_gn7_refused_export_writes_no_audit_row(client):
    client.force_login(UserFactory(roles=[Role.ENGINEER]))
    assert client.get(reverse("care:report_csv")).status_code == 403
    assert client.get(reverse("staff:payroll_csv", args=[1])).status_code == 403
    assert not ExportAudit.objects.exists()


def test_gn7_callback_report_csv_is_audited_with_its_month_filter(client):
    manager = UserFactory(roles=[Role.SERVICE_MANAGER])
    client.force_login(manager)
    response = client.get(reverse("care:report_csv"), {"month": "2026-03"})
    assert response.status_code == 200
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.what, audit.query) == (manager, "care:report_csv", "/care/report.csv?month=2026-03")
    lines = [line for line in response.content.decode("utf-8-sig").splitlines() if line]
    assert audit.rows == len(lines) - 2  # less the month line and the table heading


def test_gn7_admin_lists_exports_read_only(admin_client):
    user = UserFactory(roles=[Role.HR], username="hr-export")
    export_audit_record(user=user, what="staff:payroll_csv", query="/staff/payroll/3/csv/", rows=7)
    response = admin_client.get(reverse("admin:core_exportaudit_changelist"))
    assert response.status_code == 200 and str(user) in response.content.decode()
    audit = ExportAudit.objects.get()
    assert admin_client.get(reverse("admin:core_exportaudit_add")).status_code == 403
    assert admin_client.post(reverse("admin:core_exportaudit_delete", args=[audit.pk]), {"post": "yes"}).status_code == 403
    assert ExportAudit.objects.count() == 1
