"""Penalty proposals (ST-3..ST-13): mine with my statement, the manager's queue and decision."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from servicedesk.core.spreadsheets import list_export
from staff.permissions import role_required

from .. import policies, selectors, services
from ..exports import PENALTY_COLUMNS
from ..forms import PenaltyConfirmForm, PenaltyWaiveForm, StatementForm
from ..models import PenaltyProposal
from ..roles import MANAGER_DECISION_ROLES, STAFF_ROLES
from ._common import form_submit, render


@require_GET
@role_required(*STAFF_ROLES)
def penalty_list(request):
    queryset = selectors.penalty_mine(user=request.user)
    return render(request, "staff/penalty_list.html", {"page": page_of(request, queryset), "mine": True})


@require_GET
@role_required(*STAFF_ROLES)
def penalty_export_xlsx(request):
    """Issue 15, GN-7: "My penalties" as .xlsx (the same rows as the list: the user's own), audited."""
    return list_export(
        request,
        what="staff:penalties_export_xlsx",
        name="penalties",
        title=_("My penalties"),
        columns=PENALTY_COLUMNS,
        queryset=selectors.penalty_mine(user=request.user),
    )


@require_GET
@role_required(*MANAGER_DECISION_ROLES)
def penalty_queue(request):
    page = page_of(request, selectors.penalty_awaiting(user=request.user))
    return render(request, "staff/penalty_list.html", {"page": page, "mine": False})


def _get_proposal(request, pk) -> PenaltyProposal:
    return get_object_or_404(selectors.penalty_visible(user=request.user), pk=pk)


def _proposal_page(request, proposal, **forms):
    undecided = proposal.status == PenaltyProposal.Status.PROPOSED
    rule = proposal.rule
    return render(
        request,
        "staff/penalty_detail.html",
        {
            "proposal": proposal,
            "rule": rule,
            "can_decide": undecided and policies.can_decide_for(request.user, proposal.employee),
            "can_state": undecided and proposal.employee_id == request.user.pk,
            "confirm_form": forms.get("confirm_form") or PenaltyConfirmForm(initial={"amount": rule.amount_min}),
            "waive_form": forms.get("waive_form") or PenaltyWaiveForm(),
            "statement_form": forms.get("statement_form")
            or StatementForm(initial={"statement": proposal.employee_statement}),
        },
    )


@require_GET
@role_required(*STAFF_ROLES)
def penalty_detail(request, pk):
    return _proposal_page(request, _get_proposal(request, pk))


@require_POST
@role_required(*MANAGER_DECISION_ROLES)
def penalty_confirm(request, pk):
    proposal = _get_proposal(request, pk)
    form = PenaltyConfirmForm(request.POST)
    if form_submit(
        form, lambda data: services.penalty_confirm(proposal=proposal, actor=request.user, now=timezone.now(), **data)
    ):
        messages.success(request, _("Penalty confirmed."))
        return redirect("staff:penalty_queue")
    return _proposal_page(request, proposal, confirm_form=form)


@require_POST
@role_required(*MANAGER_DECISION_ROLES)
def penalty_waive(request, pk):
    proposal = _get_proposal(request, pk)
    form = PenaltyWaiveForm(request.POST)
    if form_submit(
        form, lambda data: services.penalty_waive(proposal=proposal, actor=request.user, now=timezone.now(), **data)
    ):
        messages.success(request, _("Penalty waived."))
        return redirect("staff:penalty_queue")
    return _proposal_page(request, proposal, waive_form=form)


@require_POST
@role_required(*STAFF_ROLES)
def penalty_statement(request, pk):
    proposal = _get_proposal(request, pk)
    form = StatementForm(request.POST)
    if form_submit(
        form,
        lambda data: services.penalty_statement_add(
            proposal=proposal, employee=request.user, now=timezone.now(), **data
        ),
    ):
        messages.success(request, _("Your statement has been saved; your manager will read it before deciding."))
        return redirect(proposal)
    return _proposal_page(request, proposal, statement_form=form)
