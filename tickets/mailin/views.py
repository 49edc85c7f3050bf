"""The unknown-contact queue (issue 14): messages whose sender is no known contact; an agent names
the customer and the ticket opens. Views parse input and call the service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from staff.permissions import role_required

from . import forms, selectors, services
from .apps import MAILIN_ROLES


def _render_queue(request, *, form=None, status=200):
    page = page_of(request, selectors.unknown_contact_queue())
    for inbound in page.object_list:
        inbound.form = form if form is not None and form.inbound_id == inbound.pk else forms.AssignForm(inbound=inbound)
    return render(request, "mailin/unknown_queue.html", {"page": page, "error_form": form}, status=status)


@require_GET
@role_required(*MAILIN_ROLES)
def unknown_queue(request):
    return _render_queue(request)


@require_POST
@role_required(*MAILIN_ROLES)
def unknown_assign(request):
    form = forms.AssignForm(request.POST)
    if not form.is_valid():
        return _render_queue(request, form=form, status=400)
    try:
        ticket = services.inbound_email_assign(
            inbound=form.cleaned_data["inbound"],
            customer_name=form.cleaned_data["customer_name"],
            contact_name=form.cleaned_data["contact_name"],
            actor=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mailin:unknown_queue")
    messages.success(request, _("Ticket %(number)s opened from the e-mail.") % {"number": ticket.number})
    return redirect("tickets:detail", number=ticket.number)
