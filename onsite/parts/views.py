"""Spare parts pages: the catalogue, the stock and ledger per location, the transfer form and the
engineer's own van. Views parse input, call a selector or a service and render."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.idempotency import new_key, run_once
from servicedesk.core.pagination import page_of, query_without_page
from staff.permissions import role_required
from staff.roles import Role
from tickets.remote.forms import add_service_errors

from .. import policies as onsite_policies
from . import forms, selectors, services
from .apps import CATALOGUE_ROLES, FACTORY_ROLES, KEEPER_ROLES, STOCK_READER_ROLES
from .models import MoveReason, StockLocation, StockMove


def _search(request) -> tuple[forms.SearchForm, str]:
    form = forms.SearchForm(request.GET or None)
    return form, (form.cleaned_data["q"].strip() if form.is_valid() else "")


@require_GET
@role_required(*CATALOGUE_ROLES)
def catalogue(request):
    form, search = _search(request)
    page = page_of(request, selectors.part_list(search=search))
    return render(request, "parts/catalogue.html", {"form": form, "page": page, "query": query_without_page(request)})


@require_GET
@role_required(*STOCK_READER_ROLES)
def location_list(request):
    form, search = _search(request)
    page = page_of(request, selectors.location_list(search=search))
    context = {"form": form, "page": page, "query": query_without_page(request), "can_transfer": request.user.has_role(*KEEPER_ROLES)}
    return render(request, "parts/location_list.html", context)


@require_GET
@role_required(*STOCK_READER_ROLES)
def location_detail(request, pk):
    location = get_object_or_404(StockLocation.objects.select_related("engineer"), pk=pk)
    form, search = _search(request)
    context = {
        "location": location,
        "form": form,
        "levels": selectors.location_levels(location=location, search=search),
        "page": page_of(request, selectors.location_moves(location=location, search=search)),
        "query": query_without_page(request),
        "can_transfer": request.user.has_role(*KEEPER_ROLES),
    }
    return render(request, "parts/location_detail.html", context)


@role_required(*KEEPER_ROLES)
def transfer(request):
    initial = {key: request.GET[key] for key in ("from_location", "part") if request.GET.get(key, "").isdigit()}
    form = forms.TransferForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                move = services.stock_transfer(
                    **form.cleaned_data, actor=request.user, now=timezone.now(),
                    key=f"transfer:{form.idempotency_key or new_key()}",
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(quantity)s × %(part)s moved to %(location)s.")
                    % {"quantity": move.quantity, "part": move.part.name, "location": move.to_location.label},
                )
                return redirect(move.to_location)
        status = 400
        messages.error(request, _("The transfer was not saved; see the message below."))
    return render(request, "parts/transfer.html", {"form": form}, status=status)


@require_GET
@role_required(Role.ENGINEER)
def my_van(request):
    van = selectors.van_for(engineer=request.user)
    form, search = _search(request)
    context = {"van": van, "form": form, "query": query_without_page(request), "levels": [], "page": None}
    if van is not None:
        context["levels"] = selectors.location_levels(location=van, search=search)
        context["page"] = page_of(request, selectors.location_moves(location=van, search=search))
    return render(request, "parts/my_van.html", context)


def _keeper_form(request, *, form_class, template: str, run, success, initial_keys=()):
    """A warehouse form (receive, count): the service through ``run_once`` on the form's key, back
    to the location's ledger; the form again, as typed, with the refusal (400)."""
    initial = {key: request.GET[key] for key in initial_keys if request.GET.get(key, "").isdigit()}
    form = form_class(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = run_once(
                    scope=f"parts.{template}", key=form.idempotency_key, user=request.user,
                    create=lambda: run(form), url_of=lambda result: form.cleaned_data["location"].get_absolute_url(),
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, success(form, result))
                return redirect(form.cleaned_data["location"])
        status = 400
        messages.error(request, _("Nothing was saved; see the message below."))
    return render(request, f"parts/{template}.html", {"form": form}, status=status)


@role_required(*KEEPER_ROLES)
def receive(request):
    """Parts from a supplier into the warehouse (a ``receive`` move)."""
    return _keeper_form(
        request, form_class=forms.ReceiveForm, template="receive", initial_keys=("location", "part"),
        run=lambda form: services.stock_receive(
            **form.cleaned_data, actor=request.user, now=timezone.now(), key=f"receive:{form.idempotency_key or new_key()}"
        ),
        success=lambda form, move: _("%(quantity)s × %(part)s received into %(location)s.")
        % {"quantity": move.quantity, "part": move.part.name, "location": move.to_location.label},
    )  # fmt: skip


@role_required(*KEEPER_ROLES)
def count(request):
    """A stocktake correction: the counted quantity becomes the balance; the difference is a ledger
    move (``adjust_count``), the level is never edited by hand."""

    def success(form, move):
        if move is None:
            return _("The count matches the stock on record; nothing to correct.")
        sign = "+" if move.to_location_id else "−"
        return _("Stock of %(part)s in %(location)s corrected by %(sign)s%(quantity)s.") % {
            "part": move.part.name, "location": form.cleaned_data["location"].label, "sign": sign,
            "quantity": move.quantity,
        }  # fmt: skip

    return _keeper_form(
        request, form_class=forms.CountForm, template="count", initial_keys=("location", "part"),
        run=lambda form: services.stock_count_adjust(
            **form.cleaned_data, actor=request.user, now=timezone.now(), key=f"count:{form.idempotency_key or new_key()}"
        ),
        success=success,
    )  # fmt: skip


@role_required(*FACTORY_ROLES)
def factory(request):
    """OS-11: parts at the factory for repair, due dates and overdue ones; send a part from stock."""
    send_form = forms.FactorySendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if send_form.is_valid():
            try:
                move = run_once(
                    scope="parts.factory_send", key=send_form.idempotency_key, user=request.user,
                    create=lambda: services.return_to_factory(
                        **send_form.cleaned_data, actor=request.user, now=timezone.now(),
                        key=f"factory:{send_form.idempotency_key or new_key()}",
                    ),
                    url_of=lambda move: reverse("parts:factory"),
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(send_form, exc)
            else:
                messages.success(
                    request,
                    _("%(part)s sent to the factory, due back by %(due)s.")
                    % {"part": move.part.name, "due": date_format(move.factory_due_on, "Y-m-d")},
                )
                return redirect("parts:factory")
        status = 400
        messages.error(request, _("Nothing was saved; see the message below."))
    form, search = _search(request)
    today = timezone.localdate()
    page = page_of(request, selectors.factory_open(search=search))
    for move in page:  # OS-11: the same rule as a factory repair on a work report
        move.overdue = onsite_policies.factory_repair_overdue(due_on=move.factory_due_on, returned_on=None, today=today)
    returned_form = forms.FactoryReturnedForm()
    # One query for the location select of every row (a list renders without going back to the database).
    returned_form.fields["to_location"].choices = list(returned_form.fields["to_location"].choices)
    context = {
        "form": form, "page": page, "query": query_without_page(request), "send_form": send_form,
        "returned_form": returned_form, "today": today,
    }  # fmt: skip
    return render(request, "parts/factory.html", context, status=status)


@require_POST
@role_required(*FACTORY_ROLES)
def factory_returned(request, pk):
    """OS-11: the repaired part is back from the factory (late when after its due date)."""
    sent = get_object_or_404(StockMove, pk=pk, reason=MoveReason.RETURN_TO_FACTORY)
    form = forms.FactoryReturnedForm(request.POST)
    if form.is_valid():
        try:
            services.factory_returned(
                sent=sent, to_location=form.cleaned_data["to_location"], actor=request.user, now=timezone.now(),
                key=f"factory-back:{sent.pk}",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(part)s is back from the factory.") % {"part": sent.part.name})
    else:
        messages.error(request, _("Choose where the repaired part goes."))
    return redirect("parts:factory")


@require_POST
@role_required(Role.ENGINEER)
def part_use(request, pk):
    """OS-11: "Use a part" from the van on an order whose work report is written (the part is added
    to the report and taken off the van). Only the order's engineer; another order is a 404."""
    from onsite.selectors import order_detail_queryset

    order = get_object_or_404(order_detail_queryset(user=request.user), pk=pk)
    form = forms.UsePartForm(request.POST, van_levels=selectors.van_levels_for(engineer=request.user, include_empty=True))
    if form.is_valid():
        data = form.cleaned_data
        try:
            run_once(
                scope="parts.use", key=form.idempotency_key, user=request.user,
                create=lambda: services.part_consume(
                    order=order, engineer=request.user, now=timezone.now(), key=f"use:{form.idempotency_key or new_key()}",
                    **data,
                ),
                url_of=lambda move: order.get_absolute_url(),
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, _("The part was not recorded: %(problem)s") % {"problem": " ".join(exc.messages)})
        else:
            messages.success(request, _("%(part)s recorded and taken off your van.") % {"part": data["part"].name})
    else:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, _("The part was not recorded: %(problem)s") % {"problem": " ".join(problems)})
    return redirect(order)
