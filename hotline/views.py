"""Hotline pages. Views parse input, call a selector or a service and render; the call screen is
one page whose parts are swapped by htmx (lookup, checklist, phrase hint, pop-up, submit)."""

import datetime
import hmac
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hotline.roster.models import Seat
from hotline.roster.selectors import seat_of
from hotline.roster.services import seat_sign_in
from servicedesk.core.dates import local_midnight
from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of
from servicedesk.core.parsing import pk_or_404, pk_or_none, text_or_empty
from servicedesk.core.spreadsheets import list_export
from staff.permissions import role_required
from tickets.models import Installation
from tickets.remote.forms import add_service_errors

from .charts import call_charts
from .exports import CALL_COLUMNS
from . import cti, forms, policies, selectors, services
from .apps import CALL_LIST_ROLES, CALL_ROLES, MANAGER_ROLES
from .models import CallbackPromise, CallLog, DutyRequest

LIST_ROLES = tuple(CALL_LIST_ROLES)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- The call screen -------------------------------------------------------------------------------


def _script(request, now) -> dict:
    """HL-14: the greeting with the agent's seat number and the forbidden phrases."""
    seat = seat_of(user=request.user, at=now)
    return {
        "seat": seat,
        "phrases": services.active_forbidden_phrases_rows(),
        "seats": Seat.objects.filter(is_active=True) if seat is None else [],
    }


def _caller_context(*, phone: str, customer=None, now) -> dict:
    match = selectors.caller_match(phone=phone) if phone else {"customers": [], "contacts": [], "customer": None}
    customer = customer or match["customer"]
    overview = selectors.caller_overview(customer=customer, today=timezone.localdate(now)) if customer else None
    return {"match": match, "overview": overview, "customer": customer}


def _fresh_form(request, now, call: CallLog | None = None) -> forms.CallForm:
    initial = {"started_at": now, "callback_due_at": forms.callback_due_default(now)}
    if call is not None:
        initial.update(call=call.pk, started_at=call.started_at, caller_phone=call.caller_phone, customer=call.customer_id)
        if call.customer is not None:
            initial.update(
                organisation=call.customer.name,
                region=call.customer.region_id,
                address=call.customer.address,
            )
        if call.contact is not None:
            initial.update(contact=call.contact_id, contact_name=call.contact.name)
    return forms.CallForm(initial=initial, now=now)


def _call_context(request, form, now, **extra) -> dict:
    phone = text_or_empty(form["caller_phone"].value(), max_length=40)
    customer = None
    # Raw values of a bound form (the POST as sent): garbage or an overflowing id is "none" (HL-1).
    customer_id = pk_or_none(form["customer"].value())
    if customer_id:
        from tickets.models import Customer

        customer = Customer.objects.select_related("region").filter(pk=customer_id).first()
    context = {"form": form, "now": now, **_caller_context(phone=phone, customer=customer, now=now), **extra}
    installation_id = pk_or_none(form["installation"].value())
    product_id = None
    if installation_id:
        product_id = Installation.objects.filter(pk=installation_id).values_list("product_id", flat=True).first()
    context["checklist"] = selectors.checklist_for_product(product_id=product_id)
    context["answers"] = {key[6:]: value for key, value in form.data.items() if key.startswith("check_")}
    return context


@role_required(*CALL_ROLES)
def call_screen(request):
    """HL-1: log a call in one page. GET ``?call=<id>`` opens a call the PBX reported, pre-filled."""
    now = timezone.now()
    if request.method == "POST":
        form = forms.CallForm(request.POST, now=now)
        context = {}
        if form.is_valid():
            flagged = policies.forbidden_phrases_in(texts=form.notes(), phrases=services.active_forbidden_phrases())
            if flagged and not form.cleaned_data["confirm_phrases"]:
                context["flagged"] = flagged  # HL-14: warn, let the agent reword or confirm
            else:
                try:
                    call = run_once(
                        scope="hotline.call",
                        key=form.idempotency_key,
                        user=request.user,
                        create=lambda: services.call_log_submit(
                            agent=request.user,
                            outcome=form.cleaned_data["outcome"],
                            intake={**form.intake(), "seat": seat_of(user=request.user, at=now) or ""},
                            details=form.details(),
                            link_ticket=form.cleaned_data["link_ticket"],
                            now=now,
                        ),
                        url_of=lambda call: reverse("hotline:call_detail", args=[call.pk]),
                        now=now,
                    )
                except ValidationError as exc:
                    # HL-6: onsite's offered date is the window's start day, so its error belongs there.
                    add_service_errors(form, exc, {"offered_by": "agreed_start"})
                else:
                    messages.success(
                        request,
                        _("Call logged (%(outcome)s), ticket %(number)s.")
                        % {"outcome": call.get_outcome_display(), "number": call.ticket.number},
                    )
                    if not _is_htmx(request):
                        return redirect("hotline:call")
                    form = _fresh_form(request, now)
                    context["logged"] = call
        template = "hotline/_call_form.html" if _is_htmx(request) else "hotline/call.html"
        return render(request, template, {**_call_context(request, form, now, **context), **_script(request, now)})
    call = None
    if request.GET.get("call"):
        call = get_object_or_404(
            CallLog.objects.select_related("customer__region", "contact"), pk=pk_or_404(request.GET["call"]), outcome=""
        )
    form = _fresh_form(request, now, call)
    return render(
        request,
        "hotline/call.html",
        {
            **_call_context(request, form, now),
            **_script(request, now),
            "call": call,
            "queue": selectors.agent_queue(user=request.user, now=now),
        },
    )


@require_GET
@role_required(*CALL_ROLES)
def my_queue(request):
    """Issue 17: the agent's queue panel of the call screen, refreshed by htmx every minute."""
    now = timezone.now()
    return render(request, "hotline/_my_queue.html", {"queue": selectors.agent_queue(user=request.user, now=now)})


@require_GET
@role_required(*CALL_ROLES)
def caller_lookup(request):
    """HL-12/HL-13: the caller panel for the typed phone number (htmx)."""
    now = timezone.now()
    phone = text_or_empty(request.GET.get("caller_phone"), max_length=40)
    customer = None
    customer_id = pk_or_none(request.GET.get("customer"))
    if customer_id:
        from tickets.models import Customer

        customer = Customer.objects.select_related("region").filter(pk=customer_id).first()
    context = _caller_context(phone=phone, customer=customer, now=now)
    context.update(now=now, selected=forms.CallForm(request.GET))
    return render(request, "hotline/_caller.html", context)


@require_GET
@role_required(*CALL_ROLES)
def checklist(request):
    """HL-12: the diagnostic checklist of the chosen installation's product (htmx)."""
    installation = Installation.objects.filter(pk=pk_or_none(request.GET.get("installation"))).first()
    found = selectors.checklist_for_product(product_id=installation.product_id if installation else None)
    return render(request, "hotline/_checklist.html", {"checklist": found, "answers": {}})


@require_POST
@role_required(*CALL_ROLES)
def phrase_check(request):
    """HL-14: flag forbidden phrases while the agent types (htmx)."""
    texts = [request.POST.get(name, "") for name in ("problem", "handling", "resolution", "callback_note", "demands")]
    texts += [value for key, value in request.POST.items() if key.startswith("check_")]
    flagged = policies.forbidden_phrases_in(texts=texts, phrases=services.active_forbidden_phrases())
    return render(request, "hotline/_phrase_hint.html", {"flagged": flagged})


@require_GET
@role_required(*CALL_ROLES)
def incoming(request):
    """CTI pop-up: calls ringing at the agent's seat (polled by htmx)."""
    now = timezone.now()
    open_id = request.GET.get("open", "")
    calls = [c for c in selectors.incoming_calls(user=request.user, now=now) if str(c.pk) != open_id]
    return render(request, "hotline/_incoming.html", {"incoming": calls, "now": now})


@require_POST
@role_required(*CALL_ROLES)
def seat_sign_in_view(request):
    seat = get_object_or_404(Seat, pk=pk_or_404(request.POST.get("seat")))
    try:
        seat_sign_in(seat=seat, user=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signed in at seat %(seat)s.") % {"seat": seat.number})
    return redirect("hotline:call")


# --- Calls -------------------------------------------------------------------------------------------------


def _filtered_calls(request):
    """The call list's filters (query string) as a queryset; shared by the list and its export."""
    form = forms.CallFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "outcome": data["outcome"],
            "unlogged": data["unlogged"],
            "start": local_midnight(data["start"]) if data["start"] else None,
            "end": local_midnight(data["end"] + datetime.timedelta(days=1)) if data["end"] else None,
        }
    return form, selectors.call_list(**filters)


@require_GET
@role_required(*LIST_ROLES)
def call_list(request):
    form, queryset = _filtered_calls(request)
    page = page_of(request, queryset)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(request, "hotline/call_list.html", {"form": form, "page": page, "query": query})


@require_GET
@role_required(*LIST_ROLES)
def call_export_xlsx(request):
    """Issue 15, GN-7: the filtered call list as .xlsx, audited."""
    _form, queryset = _filtered_calls(request)
    return list_export(
        request, what="hotline:calls_export_xlsx", name="calls", title=_("Calls"), columns=CALL_COLUMNS, queryset=queryset
    )


@require_GET
@role_required(*LIST_ROLES)
def call_detail(request, pk):
    call = get_object_or_404(selectors.call_detail_queryset(), pk=pk)
    threshold = settings.SERVICEDESK["HOTLINE_ANSWER_SECONDS"]
    return render(
        request,
        "hotline/call_detail.html",
        {
            "call": call,
            "history": selectors.call_history(call=call),
            "visit": selectors.call_visit(call=call),
            "in_time": policies.answered_in_time(ring_seconds=call.ring_seconds, threshold_seconds=threshold),
            "threshold": threshold,
        },
    )


# --- Queues ---------------------------------------------------------------------------------------------------


@role_required(*MANAGER_ROLES)
def queue(request):
    """Everything waiting on the duty manager (HL-7 countdowns, HL-8, escalations)."""
    now = timezone.now()
    context = {"queue": selectors.duty_queue(), "now": now, "result_form": forms.ResultForm()}
    template = "hotline/_queue.html" if _is_htmx(request) else "hotline/queue.html"
    return render(request, template, context)


@require_POST
@role_required(*MANAGER_ROLES)
def duty_request_done(request, pk):
    duty = get_object_or_404(DutyRequest, pk=pk)
    form = forms.ResultForm(request.POST)
    if form.is_valid():
        try:
            services.duty_request_complete(request=duty, actor=request.user, result=form.cleaned_data["result"], now=timezone.now())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Call-back recorded on %(number)s.") % {"number": duty.ticket.number})
    else:
        messages.error(request, _("Write down what you arranged with the customer."))
    return redirect("hotline:queue")


@role_required(*CALL_ROLES)
def my_callbacks(request):
    now = timezone.now()
    return render(
        request,
        "hotline/my_callbacks.html",
        {"promises": selectors.my_callbacks(user=request.user), "now": now, "result_form": forms.ResultForm()},
    )


@require_POST
@role_required(*CALL_ROLES)
def callback_done(request, pk):
    promise = get_object_or_404(CallbackPromise, pk=pk, owner=request.user)
    form = forms.ResultForm(request.POST)
    if form.is_valid():
        services.callback_promise_done(promise=promise, actor=request.user, result=form.cleaned_data["result"], now=timezone.now())
        messages.success(request, _("Call-back recorded on %(number)s.") % {"number": promise.ticket.number})
    else:
        messages.error(request, _("Say what you found and told the customer."))
    return redirect("hotline:my_callbacks")


# --- Statistics ------------------------------------------------------------------------------------------------


@require_GET
@role_required(*MANAGER_ROLES)
def stats(request):
    today = timezone.localdate()
    form = forms.StatsForm(request.GET or {"start": today - datetime.timedelta(days=13), "end": today})
    threshold = settings.SERVICEDESK["HOTLINE_ANSWER_SECONDS"]
    result = None
    if form.is_valid():
        result = selectors.call_stats(
            start=local_midnight(form.cleaned_data["start"]),
            end=local_midnight(form.cleaned_data["end"] + datetime.timedelta(days=1)),
            threshold_seconds=threshold,
        )
    charts = call_charts(stats=result, threshold=threshold) if result else None
    return render(request, "hotline/stats.html", {"form": form, "stats": result, "threshold": threshold, "charts": charts})


# --- CTI webhook -------------------------------------------------------------------------------------------------


def _token_ok(request) -> bool:
    expected = settings.SERVICEDESK["HOTLINE_CTI_TOKEN"]
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else request.headers.get("X-CTI-Token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt  # a machine-to-machine call authenticated by its token, not by a session
@login_not_required
@require_POST
def cti_webhook(request):
    """HL-1, HL-5: the PBX reports ringing / answered / hung-up (docs/hotline.md). A bad field is a
    400 naming it, never a 500, so a PBX that retries on 5xx does not resend it forever."""
    if not _token_ok(request):
        return JsonResponse({"error": "invalid token"}, status=403)
    try:
        payload = cti.cti_payload_parse(request.body, now=timezone.now())
        call = services.cti_event_receive(**payload.as_kwargs())
    except cti.CtiPayloadError as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages), "field": cti.cti_error_field(exc)}, status=400)
    return JsonResponse(
        {
            "call": call.pk,
            "call_id": call.pbx_call_id,
            "customer": call.customer.name if call.customer else None,
            "agent": call.agent.username if call.agent else None,
        }
    )


