"""Contracts, renewals (CT-3) and sales targets (CT-4). Views parse input, call a selector or a
service and render; a refused step shows the renewal page again with the message and what was typed."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onsite.maintenance.apps import PLAN_ROLES
from servicedesk.core.dates import month_start
from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.parsing import pk_or_404
from staff.permissions import role_required
from tickets.remote.forms import add_service_errors
from tickets.sla.models import ContractReminder

from . import forms, policies, selectors, services
from .apps import MANAGER_ROLES, SELLER_ROLES, VIEWER_ROLES


# --- Contracts -----------------------------------------------------------------------------------------


@require_GET
@role_required(*VIEWER_ROLES)
def contract_list(request):
    form = forms.ContractSearchForm(request.GET or None)
    search = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = page_of(request, selectors.contract_list(search=search))
    return render(
        request,
        "contracts/contract_list.html",
        {"form": form, "page": page, "query": query_without_page(request), "today": timezone.localdate()},
    )


@require_GET
@role_required(*VIEWER_ROLES)
def contract_detail(request, pk):
    contract = get_object_or_404(selectors.contract_detail_queryset(), pk=pk)
    renewals = list(contract.renewals.all())
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "renewals": renewals,
            "open_renewal": next((r for r in renewals if r.is_open), None),
            "events": contract.events.all(),
            "today": timezone.localdate(),
            "can_offer": policies.may_offer(roles=request.user.role_names),
            "perms_maintenance": request.user.has_role(*PLAN_ROLES),  # issue 16
        },
    )


@role_required(*SELLER_ROLES)
def renewal_offer(request, pk):
    """CT-3: offer a renewal from the contract page, or from an open CT-2 reminder (``?reminder=``)."""
    contract = get_object_or_404(selectors.contract_detail_queryset(), pk=pk)
    existing = selectors.open_renewal_for(contract=contract)
    if existing is not None:
        messages.info(request, _("This contract already has an open renewal."))
        return redirect(existing)
    reminder = None
    reminder_id = request.POST.get("reminder") or request.GET.get("reminder")
    if reminder_id:
        reminder = ContractReminder.objects.filter(pk=pk_or_404(reminder_id), contract=contract).first()
        if reminder is None:
            raise Http404
    start, end = policies.proposed_period(
        current_end=contract.end_date, months=settings.SERVICEDESK["CONTRACT_RENEWAL_MONTHS"]
    )
    form = forms.RenewalOfferForm(
        request.POST or None,
        installations=contract.installations.all(),
        initial={"new_start": start, "new_end": end, "level": contract.level},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            renewal = run_once(
                scope="contracts.renewal_offer",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.renewal_offer(
                    contract=contract,
                    offered_by=request.user,
                    new_start=data["new_start"],
                    new_end=data["new_end"],
                    level=data["level"],
                    price=data["price"],
                    note=data["note"],
                    serials=form.serials(),
                    reminder=reminder,
                    now=timezone.now(),
                ),
                url_of=lambda renewal: renewal.get_absolute_url(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Renewal offered. Record the signing when the customer signs."))
            return redirect(renewal)
    return render(request, "contracts/renewal_offer.html", {"contract": contract, "form": form, "reminder": reminder})


# --- Renewals ------------------------------------------------------------------------------------------


@require_GET
@role_required(*VIEWER_ROLES)
def renewal_list(request):
    form = forms.RenewalFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "overdue": form.cleaned_data["overdue"],
            "month": form.cleaned_data["month"],
            "search": form.cleaned_data["q"].strip(),
        }
    today = timezone.localdate()
    page = page_of(request, selectors.renewal_list(today=today, **filters))
    return render(
        request,
        "contracts/renewal_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "today": today,
            # CT-4: the month's progress, for callback specialists as well as managers.
            "progress": selectors.sales_month(day=today),
        },
    )


@require_GET
@role_required(*MANAGER_ROLES)
def overdue_list(request):
    today = timezone.localdate()
    page = page_of(request, selectors.renewals_overdue(today=today))
    for renewal in page.object_list:
        renewal.days_overdue = policies.days_overdue(due_on=renewal.payment_due_on, today=today)
    return render(request, "contracts/overdue_list.html", {"page": page, "query": query_without_page(request), "today": today})


def _renewal(pk):
    return get_object_or_404(selectors.renewal_detail_queryset(), pk=pk)


def _serial_initial(renewal) -> dict[int, str]:
    return {row.installation_id: row.new_serial_number for row in renewal.serials.all()}


def _render_renewal(request, renewal, **bound):
    today = timezone.localdate()
    installations = list(renewal.contract.installations.select_related("product").order_by("pk"))
    serial_initial = _serial_initial(renewal)
    context = {
        "renewal": renewal,
        "contract": renewal.contract,
        "actions": {t.action for t in policies.actions_for(status=renewal.status, roles=request.user.role_names)},
        "overdue": policies.payment_overdue(due_on=renewal.payment_due_on, paid_on=renewal.paid_on, today=today),
        "paid_late": bool(renewal.paid_on and renewal.payment_due_on and renewal.paid_on > renewal.payment_due_on),
        "serials": list(renewal.serials.all()),
        "events": list(renewal.events.all()),
        "sign_form": forms.SignForm(initial={"signed_on": today}),
        "payment_form": forms.PaymentForm(
            installations=installations,
            serial_initial=serial_initial,
            initial={"paid_on": today, "amount": renewal.price, "apply": True},
        ),
        "apply_form": forms.ApplyForm(installations=installations, serial_initial=serial_initial),
        "decline_form": forms.ReasonForm(prefix="decline"),
        "cancel_form": forms.ReasonForm(prefix="cancel"),
        "today": today,
    }
    context.update(bound)
    return render(request, "contracts/renewal_detail.html", context)


@require_GET
@role_required(*VIEWER_ROLES)
def renewal_detail(request, pk):
    return _render_renewal(request, _renewal(pk))


def _submit(request, pk, *, form_name: str, form, run, success: str):
    renewal = _renewal(pk)
    if form.is_valid():
        try:
            if hasattr(form, "idempotency_key"):  # the creating steps: signing, payment, extension
                run_once(
                    scope=f"contracts.{form_name}",
                    key=form.idempotency_key,
                    user=request.user,
                    create=lambda: run(renewal, form),
                    url_of=lambda _result: renewal.get_absolute_url(),
                )
            else:
                run(renewal, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(renewal)
    messages.error(request, _("Not saved; see the message below."))
    return _render_renewal(request, _renewal(pk), **{form_name: form})


def _installations(pk):
    renewal = _renewal(pk)
    return list(renewal.contract.installations.select_related("product").order_by("pk"))


@require_POST
@role_required(*SELLER_ROLES)
def renewal_sign(request, pk):
    return _submit(
        request, pk, form_name="sign_form", form=forms.SignForm(request.POST),
        run=lambda renewal, form: services.renewal_sign(
            renewal=renewal, actor=request.user, signed_on=form.cleaned_data["signed_on"], now=timezone.now()
        ),
        success=_("Signing recorded. Payment is due within %(days)s days.")
        % {"days": settings.SERVICEDESK["CONTRACT_PAYMENT_DAYS"]},
    )  # fmt: skip


@require_POST
@role_required(*MANAGER_ROLES)
def renewal_pay(request, pk):
    return _submit(
        request, pk, form_name="payment_form",
        form=forms.PaymentForm(request.POST, installations=_installations(pk)),
        run=lambda renewal, form: services.renewal_payment_record(
            renewal=renewal, actor=request.user, paid_on=form.cleaned_data["paid_on"],
            amount=form.cleaned_data["amount"], apply=form.cleaned_data["apply"], serials=form.serials(),
            now=timezone.now(),
        ),
        success=_("Payment recorded."),
    )  # fmt: skip


@require_POST
@role_required(*MANAGER_ROLES)
def renewal_apply(request, pk):
    return _submit(
        request, pk, form_name="apply_form",
        form=forms.ApplyForm(request.POST, installations=_installations(pk)),
        run=lambda renewal, form: services.renewal_apply(
            renewal=renewal, actor=request.user, serials=form.serials(), now=timezone.now()
        ),
        success=_("The contract's service period is extended."),
    )  # fmt: skip


@require_POST
@role_required(*MANAGER_ROLES)
def renewal_decline(request, pk):
    return _submit(
        request, pk, form_name="decline_form", form=forms.ReasonForm(request.POST, prefix="decline"),
        run=lambda renewal, form: services.renewal_decline(
            renewal=renewal, actor=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
        ),
        success=_("Renewal declined; the contract is marked lost."),
    )  # fmt: skip


@require_POST
@role_required(*MANAGER_ROLES)
def renewal_cancel(request, pk):
    return _submit(
        request, pk, form_name="cancel_form", form=forms.ReasonForm(request.POST, prefix="cancel"),
        run=lambda renewal, form: services.renewal_cancel(
            renewal=renewal, actor=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
        ),
        success=_("Offer cancelled."),
    )  # fmt: skip


# --- Sales targets (CT-4) ------------------------------------------------------------------------------


@require_GET
@role_required(*MANAGER_ROLES)
def targets(request, year=None):
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise Http404
    return render(
        request,
        "contracts/targets.html",
        {"year": year, "sales": selectors.sales_year(year=year), "this_month": month_start(today)},
    )


@role_required(*MANAGER_ROLES)
def target_edit(request, year, month):
    try:
        first = datetime.date(year, month, 1)
    except (ValueError, OverflowError) as exc:  # month 13, or a year past any C integer
        raise Http404 from exc
    existing = selectors.sales_target_for(month=first)
    form = forms.SalesTargetForm(request.POST or None, instance=existing, month=first)
    if request.method == "POST" and form.is_valid():
        try:
            services.sales_target_set(
                month=first,
                amount=form.cleaned_data["amount"],
                count=form.cleaned_data["count"],
                note=form.cleaned_data["note"],
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Target for %(month)s saved.") % {"month": first.strftime("%Y-%m")})
            return redirect(reverse("contracts:targets_year", args=[year]))
    return render(request, "contracts/target_edit.html", {"form": form, "month": first, "year": year})
