"""Spare parts pages: the catalogue, the stock and ledger per location, the transfer form and the
engineer's own van. Views parse input, call a selector or a service and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicedesk.core.idempotency import new_key
from servicedesk.core.pagination import page_of
from staff.permissions import role_required
from staff.roles import Role
from tickets.remote.forms import add_service_errors

from . import forms, selectors, services
from .apps import CATALOGUE_ROLES, KEEPER_ROLES, STOCK_READER_ROLES
from .models import StockLocation


def _search(request) -> tuple[forms.SearchForm, str]:
    form = forms.SearchForm(request.GET or None)
    return form, (form.cleaned_data["q"].strip() if form.is_valid() else "")


def _query(request) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k != "page"})


@require_GET
@role_required(*CATALOGUE_ROLES)
def catalogue(request):
    form, search = _search(request)
    page = page_of(request, selectors.part_list(search=search))
    return render(request, "parts/catalogue.html", {"form": form, "page": page, "query": _query(request)})


@require_GET
@role_required(*STOCK_READER_ROLES)
def location_list(request):
    form, search = _search(request)
    page = page_of(request, selectors.location_list(search=search))
    context = {"form": form, "page": page, "query": _query(request), "can_transfer": request.user.has_role(*KEEPER_ROLES)}
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
        "query": _query(request),
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
    context = {"van": van, "form": form, "query": _query(request), "levels": [], "page": None}
    if van is not None:
        context["levels"] = selectors.location_levels(location=van, search=search)
        context["page"] = page_of(request, selectors.location_moves(location=van, search=search))
    return render(request, "parts/my_van.html", context)
