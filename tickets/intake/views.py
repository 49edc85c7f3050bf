"""The public service-request form and the customer's status page (issue 14), plus the two staff
steps on a ticket (download an attachment, revoke the status link). Views parse input, call a
selector or a service and render; the rules live in services.py and policies.py."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from servicedesk.core.clientip import client_ip
from servicedesk.core.uploads import file_response
from staff.permissions import role_required
from tickets.phones import normalize_phone
from tickets.remote.forms import add_service_errors
from tickets.selectors import TICKET_EDIT_ROLES, TICKET_ROLES, ticket_visible_queryset

from . import forms, selectors, services


def public_page(view):
    """Login-free, and in INTAKE_LANGUAGE (zh-hans) until the visitor picks a language with the
    switch (the language cookie of ``set_language``)."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(settings.SERVICEDESK["INTAKE_LANGUAGE"])
            request.LANGUAGE_CODE = translation.get_language()
        return view(request, *args, **kwargs)

    return wrapped


def _limited(request, *, group: str, rate: str, value: str) -> bool:
    """One more hit on the counter ``group``/``value`` (django-ratelimit, in the cache); True when over."""
    return is_ratelimited(request, group=group, key=lambda _group, _request: value, rate=rate, method="POST", increment=True)


def _refused(request, message: str, *, status: int):
    return render(request, "intake/refused.html", {"message": message}, status=status)


def _too_many(request):
    return _refused(
        request,
        _("Too many requests in a short time. Please wait a minute and try again, or call our hotline."),
        status=429,
    )


def _closed(request, reason: str, status: int):
    return render(request, "intake/link_closed.html", {"reason": reason}, status=status)


def _link_or_closed(token: str):
    """(link, None) for a live link, (None, reason/status) for a revoked or tampered one."""
    try:
        return services.status_link_from_token(token=token), None
    except services.StatusLinkRevoked:
        return None, ("revoked", 410)
    except services.StatusLinkInvalid:
        return None, ("invalid", 404)


# --- The request form -----------------------------------------------------------------------------------


@public_page
@require_http_methods(["GET", "POST"])
def request_form(request):
    if request.method == "POST":
        # Limits first, before the body is read: the request size, then the sender's address.
        max_bytes = settings.SERVICEDESK["INTAKE_MAX_REQUEST_MB"] * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes:
            return _refused(
                request,
                _("The request is too large (at most %(mb)s MB with all files). Send fewer or smaller photos.")
                % {"mb": settings.SERVICEDESK["INTAKE_MAX_REQUEST_MB"]},
                status=413,
            )
        if _limited(request, group="intake.request.ip", rate=settings.SERVICEDESK["INTAKE_RATE_IP"], value=client_ip(request)):
            return _too_many(request)
    form = forms.ServiceRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam:  # the honeypot was filled in: no ticket, no hint why
            return _refused(request, _("Your request could not be sent. Please call our hotline."), status=400)
        phone = normalize_phone(form.cleaned_data["phone"])
        if _limited(request, group="intake.request.phone", rate=settings.SERVICEDESK["INTAKE_RATE_PHONE"], value=phone):
            return _too_many(request)
        data = dict(form.cleaned_data)
        uploads = data.pop("files", [])
        try:
            service_request, _created = services.service_request_submit(
                **data,
                uploads=uploads,
                checklist_answers=form.checklist_answers,
                idempotency_key=form.idempotency_key,
                client_ip=client_ip(request) or None,
                language=translation.get_language() or "",
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            link = services.status_link_get_or_create(ticket=service_request.ticket)
            return redirect("intake:request_sent", status_token=services.status_token_make(link=link))
    return render(request, "intake/request_form.html", {"form": form}, status=400 if form.errors else 200)


@public_page
@require_GET
def serial_lookup(request):
    """HL-13 (htmx): the product of a serial number and whether a contract is in force, plus its
    diagnostic checklist (HL-12). Nothing about the customer. Rate limited per address."""
    if is_ratelimited(
        request,
        group="intake.lookup.ip",
        key=lambda _group, _request: client_ip(_request),
        rate=settings.SERVICEDESK["INTAKE_RATE_LOOKUP"],
        method="GET",
        increment=True,
    ):
        return render(request, "intake/_serial.html", {"limited": True}, status=429)
    serial = (request.GET.get("serial_number") or "").strip()[:64]
    facts = selectors.serial_facts(serial_number=serial) if serial else None
    checklist = None
    if facts is not None:
        from hotline.selectors import checklist_for_product

        checklist = checklist_for_product(product_id=facts.product_id)
    return render(request, "intake/_serial.html", {"serial": serial, "facts": facts, "checklist": checklist, "answers": {}})


@public_page
@require_GET
def request_sent(request, status_token):
    link, closed = _link_or_closed(status_token)
    if closed:
        return _closed(request, *closed)
    return render(
        request,
        "intake/request_sent.html",
        {"ticket": link.ticket, "status_url": services.status_link_url(ticket=link.ticket), "token": status_token},
    )


# --- The status page ------------------------------------------------------------------------------------


@public_page
@require_http_methods(["GET", "POST"])
def status(request, status_token):
    link, closed = _link_or_closed(status_token)
    if closed:
        return _closed(request, *closed)
    form = forms.StatusCommentForm(request.POST or None)
    if request.method == "POST":
        ip = client_ip(request)
        rate = settings.SERVICEDESK["INTAKE_RATE_COMMENT"]
        if _limited(request, group="intake.comment.link", rate=rate, value=str(link.pk)) or _limited(
            request, group="intake.comment.ip", rate=rate, value=ip
        ):
            return _too_many(request)
        if form.is_valid():
            try:
                services.status_comment_add(link=link, body=form.cleaned_data["body"], now=timezone.now())
            except services.StatusLinkRevoked:
                return _closed(request, "revoked", 410)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you, your message is on your request."))
                return redirect("intake:status", status_token=status_token)
    view = selectors.status_view(ticket=link.ticket, now=timezone.now())
    return render(
        request,
        "intake/status.html",
        {"view": view, "token": status_token, "form": form},
        status=400 if form.errors else 200,
    )


@public_page
@require_GET
def status_file(request, status_token, file_pk):
    """A file the customer sent, through the status link (never one staff attached)."""
    link, closed = _link_or_closed(status_token)
    if closed:
        return _closed(request, *closed)
    attachment = get_object_or_404(selectors.status_attachments(ticket=link.ticket), pk=file_pk)
    return _file(attachment)


# --- Staff steps on a ticket ----------------------------------------------------------------------------


def _file(attachment):
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    return file_response(handle, filename=attachment.name, inline_images=True)  # images inline (thumbnails), nosniff


@require_GET
@role_required(*TICKET_ROLES)
def attachment_download(request, number, attachment_pk):
    """GN-7: a file of a ticket the user may see (an engineer: their own tickets); else 404."""
    ticket = get_object_or_404(ticket_visible_queryset(user=request.user), number=number)
    attachment = get_object_or_404(ticket.attachments.all(), pk=attachment_pk)
    return _file(attachment)


@require_POST
@role_required(*TICKET_EDIT_ROLES)
def status_link_revoke(request, number):
    ticket = get_object_or_404(ticket_visible_queryset(user=request.user), number=number)
    link = services.status_link_revoke(ticket=ticket, actor=request.user, now=timezone.now())
    if link is None:
        messages.info(request, _("This ticket has no status link."))
    else:
        messages.success(request, _("The status link is revoked; the customer's old link no longer opens."))
    return redirect(ticket)



