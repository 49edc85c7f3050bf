"""ST-13: monthly deduction runs (HR), CSV export that locks the run, and the department fund."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.exports import CountingWriter, export_audit_record
from servicedesk.core.pagination import page_of
from staff.permissions import role_required

from .. import selectors, services
from ..forms import FundSpendForm, PrepareRunForm
from ..models import DeductionRun
from ..roles import FUND_ROLES, PAYROLL_ROLES
from ._common import form_submit, render


@role_required(*PAYROLL_ROLES)
def payroll(request):
    form = PrepareRunForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)})
    if request.method == "POST" and (
        run := form_submit(
            form, lambda data: services.deduction_run_prepare(actor=request.user, now=timezone.now(), **data)
        )
    ):
        messages.success(request, _("Deduction run for %(month)s prepared.") % {"month": run})
        return redirect(run)
    page = page_of(request, selectors.deduction_runs())
    return render(request, "staff/payroll.html", {"form": form, "page": page})


@require_GET
@role_required(*PAYROLL_ROLES)
def payroll_run(request, pk):
    run = get_object_or_404(selectors.deduction_runs(), pk=pk)
    page = page_of(request, selectors.deduction_lines(run=run))
    return render(request, "staff/payroll_run.html", {"run": run, "page": page})


@require_POST
@role_required(*PAYROLL_ROLES)
def payroll_export(request, pk):
    run = get_object_or_404(DeductionRun, pk=pk)
    try:
        services.deduction_run_export(run=run, actor=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Run exported and locked; download the CSV for payroll."))
    return redirect(run)


@require_GET
@role_required(*PAYROLL_ROLES)
def payroll_csv(request, pk):
    """The payroll file of an exported (locked) run; a draft has none, it may still change."""
    run = get_object_or_404(DeductionRun, pk=pk)
    if not run.is_locked:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deductions-{run.month:%Y-%m}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer = CountingWriter(csv.writer(response))
    writer.heading(["month", "employee_number", "username", "name", "team", "fines", "amount"])
    for line in selectors.deduction_lines(run=run):
        profile = selectors.employee_profile(line.employee)
        writer.writerow(
            [
                f"{run.month:%Y-%m}",
                profile.employee_number if profile else "",
                line.employee.username,
                line.employee.display_name,
                line.employee.team.name if line.employee.team else "",
                line.fines,
                line.amount,
            ]
        )
    export_audit_record(user=request.user, what="staff:payroll_csv", query=request.get_full_path(), rows=writer.rows)
    return response


@role_required(*FUND_ROLES)
def fund(request):
    form = FundSpendForm(request.POST or None, initial={"booked_on": timezone.localdate()})
    if request.method == "POST" and form_submit(
        form, lambda data: services.fund_spend(actor=request.user, now=timezone.now(), **data)
    ):
        messages.success(request, _("Spending recorded."))
        return redirect("staff:fund")
    page = page_of(request, selectors.fund_ledger())
    return render(request, "staff/fund.html", {"form": form, "page": page, "balance": selectors.fund_balance()})
