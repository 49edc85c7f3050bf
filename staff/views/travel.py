"""Business travel (ST-15): mine, new request, detail with approval, the expense claim."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from staff.permissions import role_required

from .. import policies, selectors, services
from ..forms import DecisionForm, ExpenseClaimForm, TravelRequestForm
from ..models import ExpenseClaim, TravelRequest
from ..roles import STAFF_ROLES
from ._common import form_submit, render


@require_GET
@role_required(*STAFF_ROLES)
def travel_list(request):
    queryset = TravelRequest.objects.filter(employee=request.user).select_related("claim")
    return render(request, "staff/travel_list.html", {"page": page_of(request, queryset)})


@role_required(*STAFF_ROLES)
def travel_new(request):
    form = TravelRequestForm(request.POST or None)
    if request.method == "POST":
        travel = form_submit(
            form,
            lambda data: services.travel_request_submit(employee=request.user, now=timezone.now(), **data),
            once="staff.travel",
            user=request.user,
        )
        if travel is not None:
            messages.success(request, _("Travel request sent to your manager."))
            return redirect(travel)
    return render(request, "staff/travel_form.html", {"form": form})


def _get_travel(request, pk) -> TravelRequest:
    return get_object_or_404(selectors.travel_visible(user=request.user), pk=pk)


def _claim_of(travel):
    try:
        return travel.claim
    except ExpenseClaim.DoesNotExist:
        return None


def _travel_page(request, travel, *, decision_form=None):
    claim = _claim_of(travel)
    deciding = policies.can_decide_for(request.user, travel.employee)
    is_owner = travel.employee_id == request.user.pk
    return render(
        request,
        "staff/travel_detail.html",
        {
            "travel": travel,
            "claim": claim,
            "can_decide_travel": deciding and travel.status == TravelRequest.Status.SUBMITTED,
            "can_decide_claim": deciding and claim is not None and claim.status == ExpenseClaim.Status.SUBMITTED,
            "can_claim": is_owner and claim is None and travel.status == TravelRequest.Status.APPROVED,
            "decision_form": decision_form or DecisionForm(),
        },
    )


@require_GET
@role_required(*STAFF_ROLES)
def travel_detail(request, pk):
    return _travel_page(request, _get_travel(request, pk))


@require_POST
@role_required(*STAFF_ROLES)
def travel_decide(request, pk):
    travel = _get_travel(request, pk)
    form = DecisionForm(request.POST)
    decided = form_submit(
        form,
        lambda data: services.travel_request_decide(
            travel=travel, actor=request.user, approve=form.approve, note=data["note"], now=timezone.now()
        ),
    )
    if decided is None:
        return _travel_page(request, travel, decision_form=form)
    messages.success(request, _("Travel request: %(status)s.") % {"status": decided.get_status_display()})
    return redirect(decided)


@role_required(*STAFF_ROLES)
def claim_new(request, pk):
    travel = _get_travel(request, pk)
    if travel.employee_id != request.user.pk:
        raise PermissionDenied
    initial = {
        "departed_at": timezone.localtime(travel.departs_at),
        "returned_at": timezone.localtime(travel.returns_at),
    }
    form = ExpenseClaimForm(request.POST or None, initial=initial)
    if request.method == "POST":
        claim = form_submit(
            form,
            lambda data: services.expense_claim_submit(
                travel=travel, employee=request.user, now=timezone.now(), **data
            ),
            once="staff.expense_claim",
            user=request.user,
            url_of=lambda _claim: travel.get_absolute_url(),
        )
        if claim is not None:
            messages.success(request, _("Expense claim sent to your manager."))
            return redirect(travel)
    rate = selectors.travel_rate_for(request.user)
    return render(request, "staff/claim_form.html", {"form": form, "travel": travel, "rate": rate})


@require_POST
@role_required(*STAFF_ROLES)
def claim_decide(request, pk):
    travel = _get_travel(request, pk)
    claim = _claim_of(travel)
    if claim is None:
        return redirect(travel)
    form = DecisionForm(request.POST)
    decided = form_submit(
        form,
        lambda data: services.expense_claim_decide(
            claim=claim, actor=request.user, approve=form.approve, note=data["note"], now=timezone.now()
        ),
    )
    if decided is None:
        return _travel_page(request, travel, decision_form=form)
    messages.success(request, _("Expense claim: %(status)s.") % {"status": decided.get_status_display()})
    return redirect(travel)
