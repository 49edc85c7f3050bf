"""Maintenance plan pages: list, detail with the visits, create/edit, generate now. Views parse
input, call a selector or a service and render; refused input re-renders the form (400)."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.parsing import pk_or_none
from staff.permissions import role_required
from tickets.remote.forms import add_service_errors

from . import forms, selectors, services
from .apps import PLAN_EDIT_ROLES, PLAN_ROLES


@require_GET
@role_required(*PLAN_ROLES)
def plan_list(request):
    form = forms.PlanFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    contract_id = data.get("contract")
    page = page_of(
        request, selectors.plan_list(user=request.user, search=(data.get("q") or "").strip(), contract_id=contract_id)
    )
    return render(
        request,
        "maintenance/plan_list.html",
        {
            "form": form, "page": page, "query": query_without_page(request), "contract_id": contract_id,
            "can_edit": selectors.may_edit_plans(request.user),
        },
    )  # fmt: skip


def _plan(request, pk):
    return get_object_or_404(selectors.plan_visible_queryset(user=request.user), pk=pk)


@require_GET
@role_required(*PLAN_ROLES)
def plan_detail(request, pk):
    plan = _plan(request, pk)
    return render(
        request,
        "maintenance/plan_detail.html",
        {
            "plan": plan, "visits": selectors.plan_visits(plan=plan), "installations": plan.installations.all(),
            "can_edit": selectors.may_edit_plans(request.user),
        },
    )  # fmt: skip


def _form_page(request, form, plan=None):
    status = 400 if form.is_bound else 200  # refused input: the form with its errors, never a 500
    return render(request, "maintenance/plan_form.html", {"form": form, "plan": plan}, status=status)


@role_required(*PLAN_EDIT_ROLES)
def plan_create(request):
    contracts = selectors.contract_choices(user=request.user)
    contract_id = pk_or_none(request.GET.get("contract"))
    initial = {"contract": contract_id} if contract_id else {}
    form = forms.PlanForm(request.POST or None, contracts=contracts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contract, installations = data.pop("contract"), data.pop("installations")
        try:
            plan = run_once(
                scope="maintenance.plan_create",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.plan_create(
                    contract=contract, created_by=request.user, now=timezone.now(), installations=installations, **data
                ),
                url_of=lambda plan: plan.get_absolute_url(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Maintenance plan saved; its visits inside the horizon are generated."))
            return redirect(plan)
    return _form_page(request, form)


@role_required(*PLAN_EDIT_ROLES)
def plan_edit(request, pk):
    plan = _plan(request, pk)
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        installations = data.pop("installations")
        try:
            services.plan_edit(plan=plan, actor=request.user, now=timezone.now(), installations=installations, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Maintenance plan saved; future visits nobody changed were planned again."))
            return redirect(plan)
    plan.refresh_from_db()
    return _form_page(request, form, plan)


@require_POST
@role_required(*PLAN_EDIT_ROLES)
def plan_generate(request, pk):
    plan = _plan(request, pk)
    try:
        visits = services.plan_generate(plan=plan, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)d new visits generated.") % {"count": len(visits)})
    return redirect(plan)
