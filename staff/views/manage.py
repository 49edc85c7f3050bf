"""Managers and HR: the approvals inbox and assessments (ST-14)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicedesk.core.pagination import page_of
from staff.permissions import role_required

from .. import selectors, services
from ..forms import AssessmentForm
from ..roles import APPROVER_ROLES, STAFF_ROLES
from ._common import form_submit, render

INBOX_SIZE = 50


@require_GET
@role_required(*APPROVER_ROLES)
def approvals(request):
    """Everything waiting for the user's decision, each list bounded."""
    user = request.user
    return render(
        request,
        "staff/approvals.html",
        {
            "leaves": selectors.leave_awaiting(user=user)[:INBOX_SIZE],
            "trips": selectors.travel_awaiting(user=user)[:INBOX_SIZE],
            "claims": selectors.claims_awaiting(user=user)[:INBOX_SIZE],
            "penalties_waiting": selectors.penalty_awaiting(user=user).count(),
        },
    )


@require_GET
@role_required(*STAFF_ROLES)
def assessments(request):
    page = page_of(request, selectors.assessments_visible(user=request.user))
    return render(request, "staff/assessment_list.html", {"page": page})


@role_required(*APPROVER_ROLES)
def assessment_new(request):
    employees = selectors.reports_of(user=request.user, hr_sees_all=True)
    form = AssessmentForm(request.POST or None, employees=employees, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and (
        assessment := form_submit(
            form, lambda data: services.assessment_record(assessor=request.user, now=timezone.now(), **data)
        )
    ):
        messages.success(
            request,
            _("Assessment of %(name)s recorded; base salary now %(salary)s.")
            % {"name": assessment.employee, "salary": assessment.salary_after},
        )
        return redirect("staff:assessments")
    return render(request, "staff/assessment_form.html", {"form": form})
