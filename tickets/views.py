"""Ticket and customer pages. Views parse input, call a selector or a service, and render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.dates import month_bounds
from servicedesk.core.forms import month_chosen
from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of
from servicedesk.core.parsing import pk_or_none, text_or_empty
from servicedesk.core.spreadsheets import list_export
from staff.permissions import role_required

from . import charts, selectors, services, statistics
from .exports import TICKET_COLUMNS
from .filters import TicketFilter
from .forms import AssignForm, CommentForm, TicketCreateForm, TicketEditForm, TransitionForm
from .models import Customer
from .policies import TRANSITIONS, TransitionNotAllowed, allowed_transitions
from .selectors import STATISTICS_ROLES, TICKET_DESK_ROLES, TICKET_EDIT_ROLES, TICKET_ROLES


def _filtered_tickets(request):
    """The ticket list's filters (query string) over what the user may see; the list and its Excel
    export both read through here, so they always show the same tickets."""
    filterset = TicketFilter(request.GET or None, queryset=selectors.ticket_list(user=request.user))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, queryset


@require_GET
@role_required(*TICKET_ROLES)
def ticket_list(request):
    filterset, queryset = _filtered_tickets(request)
    page = page_of(request, queryset)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tickets/ticket_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "now": timezone.now()},
    )


@require_GET
@role_required(*TICKET_ROLES)
def ticket_export_xlsx(request):
    """Issue 15, GN-7: the filtered ticket list as .xlsx (every page, up to the export cap), audited."""
    _filterset, queryset = _filtered_tickets(request)
    return list_export(
        request,
        what="tickets:export_xlsx",
        name="tickets",
        title=_("Tickets"),
        columns=TICKET_COLUMNS,
        queryset=queryset.select_related("customer__region"),
    )


@require_GET
@role_required(*STATISTICS_ROLES)
def kpi_dashboard(request):
    """Issue 17 (GN-6, CB-5): the last 12 months of satisfaction, SLA deadlines met and volume per channel."""
    form, month = month_chosen(request.GET)
    trend = statistics.monthly_trend(last_month=month, now=timezone.now(), months=12)
    return render(
        request,
        "tickets/kpi.html",
        {
            "form": form,
            "month": month,
            "current": trend[-1],
            "previous": trend[-2],
            "charts": charts.kpi_charts(trend=trend, target=settings.SERVICEDESK["SATISFACTION_TARGET"]),
            "satisfaction_target": settings.SERVICEDESK["SATISFACTION_TARGET"],
        },
    )


@require_GET
@role_required(*STATISTICS_ROLES)
def monthly_statistics(request):
    """GN-6: a month's service volume, SLA performance and satisfaction per engineer and team."""
    form, month = month_chosen(request.GET)
    start, end = month_bounds(month)
    stats = statistics.monthly_statistics(start=start, end=end)
    return render(
        request,
        "tickets/statistics.html",
        {
            "form": form,
            "month": month,
            "stats": stats,
            "channel_chart": charts.channel_chart(stats=stats),
            "satisfaction_target": settings.SERVICEDESK["SATISFACTION_TARGET"],
        },
    )


def _get_ticket(request, number):
    return get_object_or_404(selectors.ticket_detail_queryset(user=request.user), number=number)


@require_GET
@role_required(*TICKET_ROLES)
def ticket_detail(request, number):
    ticket = _get_ticket(request, number)
    can_edit = request.user.has_role(*TICKET_EDIT_ROLES)
    return render(
        request,
        "tickets/ticket_detail.html",
        {
            "ticket": ticket,
            "orders": selectors.ticket_service_orders(ticket=ticket),
            "clocks": selectors.ticket_sla_clocks(ticket=ticket),
            "now": timezone.now(),
            "timeline": selectors.ticket_timeline(ticket=ticket),
            "transitions": allowed_transitions(ticket.status) if can_edit else [],
            "can_edit": can_edit,
            "comment_form": CommentForm(),
            "assign_form": AssignForm(initial={"assignee": ticket.assignee_id}),
            "transition_form": TransitionForm(),
        },
    )


@role_required(*TICKET_EDIT_ROLES)
def ticket_create(request):
    customer = None
    if request.method == "GET" and pk_or_none(request.GET.get("customer")):
        customer = Customer.objects.filter(pk=pk_or_none(request.GET["customer"])).first()
    form = TicketCreateForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = run_once(
                scope="tickets.create",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.ticket_create(created_by=request.user, **form.cleaned_data),
                url_of=lambda ticket: ticket.get_absolute_url(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Ticket %(number)s opened.") % {"number": ticket.number})
            return redirect(ticket)
    return render(request, "tickets/ticket_form.html", {"form": form, "creating": True})


@role_required(*TICKET_EDIT_ROLES)
def ticket_edit(request, number):
    ticket = _get_ticket(request, number)
    form = TicketEditForm(request.POST or None, instance=ticket)
    if request.method == "POST" and form.is_valid():
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        try:
            services.ticket_update(ticket=ticket, actor=request.user, data=changed)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Ticket %(number)s saved.") % {"number": ticket.number})
            return redirect(ticket)
    return render(request, "tickets/ticket_form.html", {"form": form, "ticket": ticket, "creating": False})


@require_GET
@role_required(*TICKET_EDIT_ROLES)
def ticket_customer_fields(request):
    """htmx: contact and installation choices for the customer typed so far, plus name suggestions."""
    name = text_or_empty(request.GET.get("customer"))
    # Keep what the agent already picked when the customer stays the same.
    picked = {field: pk_or_none(request.GET.get(field)) for field in ("contact", "installation")}
    picked = {field: pk for field, pk in picked.items() if pk}
    form = TicketCreateForm(customer=Customer.objects.filter(name=name, is_active=True).first(), initial=picked)
    suggestions = Customer.objects.filter(is_active=True)
    if name:
        suggestions = suggestions.filter(name__icontains=name)
    return render(
        request,
        "tickets/_customer_fields.html",
        {"form": form, "suggestions": suggestions.values_list("name", flat=True)[:20]},
    )


@require_POST
@role_required(*TICKET_EDIT_ROLES)
def ticket_transition(request, number):
    ticket = _get_ticket(request, number)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_transition(
                ticket=ticket,
                action=form.cleaned_data["action"],
                actor=request.user,
                note=form.cleaned_data["note"],
                resolution=form.cleaned_data["resolution"],
            )
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
        else:
            label = TRANSITIONS[form.cleaned_data["action"]].label
            messages.success(request, _("%(action)s: done.") % {"action": label})
    return redirect(ticket)


@require_POST
@role_required(*TICKET_ROLES)
def ticket_comment(request, number):
    ticket = _get_ticket(request, number)
    form = CommentForm(request.POST)
    if form.is_valid():
        run_once(
            scope="tickets.comment",
            key=form.idempotency_key,
            user=request.user,
            create=lambda: services.ticket_comment(ticket=ticket, author=request.user, body=form.cleaned_data["body"]),
            url_of=lambda _event: ticket.get_absolute_url(),
        )
        messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("A comment cannot be empty."))
    return redirect(ticket)


@require_POST
@role_required(*TICKET_EDIT_ROLES)
def ticket_assign(request, number):
    ticket = _get_ticket(request, number)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_assign(ticket=ticket, assignee=form.cleaned_data["assignee"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Assignee saved."))
    else:
        messages.error(request, _("Pick someone from the list."))
    return redirect(ticket)


@require_GET
@role_required(*TICKET_DESK_ROLES)
def customer_list(request):
    text = text_or_empty(request.GET.get("q"))
    queryset = selectors.customer_list(search=text)
    page = page_of(request, queryset)
    query = urlencode({"q": text}) if text else ""
    return render(request, "tickets/customer_list.html", {"page": page, "q": text, "query": query})


@require_GET
@role_required(*TICKET_DESK_ROLES)
def customer_detail(request, pk):
    customer = get_object_or_404(Customer.objects.select_related("region"), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "tickets/customer_detail.html",
        {
            "customer": customer,
            "contacts": customer.contacts.filter(is_active=True),
            "installations": customer.installations.select_related("product"),
            "contracts": selectors.contracts_with_state(customer=customer, today=today),
            "open_tickets": customer.tickets.open().select_related("assignee")[:50],
            "ticket_counts": customer.tickets.aggregate(total=Count("id"), open=Count("id", filter=Q(is_open__in=[True]))),
        },
    )
