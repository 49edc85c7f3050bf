"""On-site orders: the dispatcher's pages and the field engineer's phone. Views parse input, call a
selector or a service and render; a refused step re-renders the page with what was typed."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.dates import month_bounds
from servicedesk.core.forms import month_chosen
from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.spreadsheets import list_export
from servicedesk.core.uploads import file_response
from staff.permissions import role_required
from staff.roles import Role
from tickets.remote.forms import add_service_errors
from tickets.selectors import TICKET_DESK_ROLES, ticket_visible_queryset

from . import forms, policies, selectors, services
from .exports import ORDER_COLUMNS
from .models import PartUsed
from .policies import PHOTO_MANAGER_ROLES
from .parts import selectors as parts_selectors
from .parts.forms import UsePartForm
from .parts.services import CONSUME_STATUSES
from .selectors import CALENDAR_ROLES, ORDER_MANAGER_ROLES, ORDER_READER_ROLES, ORDER_REQUEST_ROLES, ORDER_ROLES
from .signatures import signature_from_data_url

# Steps the engineer (or a manager on their behalf) takes.
ENGINEER_ROLES = (Role.ENGINEER,)
FOLLOW_UP_ROLES = (Role.ENGINEER, *ORDER_MANAGER_ROLES)


def _order(request, pk):
    return get_object_or_404(selectors.order_detail_queryset(user=request.user), pk=pk)


# --- Request (from the ticket page) -----------------------------------------------------------------


@role_required(*ORDER_REQUEST_ROLES)
def order_request(request, number):
    ticket = get_object_or_404(
        ticket_visible_queryset(user=request.user).select_related("customer", "contact", "installation"), number=number
    )
    existing = selectors.open_order_for_ticket(ticket=ticket)
    if existing is not None:
        messages.info(request, _("This ticket already has an open on-site order."))
        return redirect(existing)
    form = forms.OrderRequestForm(request.POST or None, ticket=ticket, initial={"problem": ticket.description})
    if request.method == "POST" and form.is_valid():
        try:
            order = run_once(
                scope="onsite.request",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.service_order_request(
                    ticket=ticket, requested_by=request.user, **form.cleaned_data
                ),
                url_of=lambda order: order.get_absolute_url(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("On-site visit requested; a service manager approves it."))
            return redirect(order)
    return render(
        request,
        "onsite/order_request.html",
        {"form": form, "ticket": ticket, "default_address": services.default_site_address(ticket)},
    )


# --- Lists ---------------------------------------------------------------------------------------------


@require_GET
@role_required(*ORDER_MANAGER_ROLES, *ORDER_READER_ROLES)
def order_list(request):
    form, queryset = _filtered_orders(request)
    page = page_of(request, queryset)
    return render(request, "onsite/order_list.html", {"form": form, "page": page, "query": query_without_page(request)})


def _filtered_orders(request):
    """The order list's filters (query string) over the orders the user may see; shared by the list
    and its export (an engineer's export holds their own orders only)."""
    form = forms.OrderFilterForm(request.GET or None)
    filters = {"status": "", "engineer": None, "search": ""}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "engineer": form.cleaned_data["engineer"],
            "search": form.cleaned_data["q"].strip(),
        }
    return form, selectors.order_list(user=request.user, **filters)


@require_GET
@role_required(*ORDER_MANAGER_ROLES, *ORDER_READER_ROLES)
def order_export_xlsx(request):
    """Issue 15, GN-7: the filtered order list as .xlsx, audited."""
    _form, queryset = _filtered_orders(request)
    return list_export(
        request, what="onsite:orders_export_xlsx", name="onsite-orders", title=_("On-site orders"), columns=ORDER_COLUMNS, queryset=queryset
    )


@require_GET
@role_required(Role.ENGINEER)
def my_orders(request):
    now = timezone.now()
    groups = selectors.my_orders(engineer=request.user, today=timezone.localdate(now))
    return render(request, "onsite/my_orders.html", {"groups": groups, "now": now})


# --- The order page -----------------------------------------------------------------------------------


def _render_order(request, order, **bound):
    """The order page: facts, the engineer's visit flow as steps, the manager's actions; ``bound``
    keeps a refused form as typed."""
    user = request.user
    is_engineer = order.engineer_id == user.pk
    now = timezone.now()
    actions = policies.actions_for(status=order.status, roles=user.role_names, is_order_engineer=is_engineer)
    # Issue 17: offer approval / dispatch only to whom the per-role, per-hour setting allows now.
    if "approve" in actions and services.approve_refusal_for(user=user, now=now):
        actions.discard("approve")
    if "assign" in actions and services.dispatch_refusal_for(user=user, now=now):
        actions.discard("assign")
    step = policies.current_step(order.status)
    # Issue 16: the later steps, hidden, for the phone to reveal while offline.
    offline_later = policies.offline_later_steps(order.status) if is_engineer else ()
    report = getattr(order, "work_report", None) if order.status in _REPORTED else None
    sign_off = getattr(order, "sign_off", None) if order.status in _SIGNED else None
    context = {
        "order": order,
        "ticket": order.ticket,
        "is_engineer": is_engineer,
        "is_manager": user.has_role(*ORDER_MANAGER_ROLES),
        "actions": actions,
        "steps": [
            {"key": key, "label": label, "done": step is not None and index < step, "current": index == step}
            for index, (key, label) in enumerate(policies.STEPS)
        ],
        "step_key": policies.STEPS[step][0] if step is not None and step < len(policies.STEPS) else "",
        "offline_later": offline_later,
        "report": report,
        "sign_off": sign_off,
        "parts": _parts_with_flags(order, today=timezone.localdate(now)) if report else [],
        "can_see_ticket": user.has_role(*TICKET_DESK_ROLES) or order.ticket.assignee_id == user.pk,
        "calls": selectors.order_calls(order=order),
        "reschedules": selectors.order_reschedules(order=order),
        "timeline": selectors.order_timeline(order=order),
        "retry_overdue": bool(order.call_retry_due_at and now > order.call_retry_due_at),
        "form_late": policies.is_past(due_at=order.form_due_at, done_at=order.form_handed_in_at, now=now),
        "trip_late": policies.is_past(due_at=order.trip_due_at, done_at=order.trip_recorded_at, now=now),
        "can_check_out": is_engineer
        and policies.check_out_refusal(
            status=order.status, checked_in_at=order.checked_in_at, checked_out_at=order.checked_out_at
        )
        is None,
        "can_record_trip": is_engineer
        and policies.trip_record_refusal(
            status=order.status, departed_at=order.departed_at, trip_recorded_at=order.trip_recorded_at
        )
        is None,
        "approve_form": forms.ApproveForm(initial={"agreed_start": _local(order.agreed_start), "agreed_end": _local(order.agreed_end)}),
        "call_form": forms.CallForm(),
        "depart_form": forms.DepartForm(),
        "position_form": forms.PositionForm(auto_id="id_check_out_%s"),  # beside the check-in's fields offline
        "check_in_form": forms.CheckInForm(),
        "early_warning": services.early_warning_for(order=order, now=now)
        if is_engineer and ("depart" in actions or "check_in" in actions)
        else None,
        "report_form": forms.WorkReportForm(),
        # Issue 16: the engineer picks parts from their own van (one query for all rows).
        "parts_formset": forms.part_formset(
            van_levels=parts_selectors.van_levels_for(engineer=user)
            if is_engineer and ("report" in actions or "report" in offline_later)
            else ()
        ),
        "use_part_form": UsePartForm(van_levels=parts_selectors.van_levels_for(engineer=user))
        if is_engineer and report is not None and order.status in CONSUME_STATUSES
        else None,
        "sign_form": forms.SignForm(initial={"customer_name": order.contact.name if order.contact else ""}),
        "trip_form": forms.TripForm(),
        "hand_in_form": forms.HandInForm(),
        "escalate_form": forms.EscalateForm(),
        "resume_form": forms.NoteForm(),
        "reschedule_form": forms.RescheduleForm(),
        "cancel_form": forms.CancelForm(),
        "part_returned_form": forms.PartReturnedForm(initial={"returned_on": timezone.localdate(now)}),
        "today": timezone.localdate(now),
    }
    context.update(_photo_context(order, user, offline_later=offline_later))
    context.update(bound)
    return render(request, "onsite/order_detail.html", context)


def _photo_context(order, user, *, offline_later=()) -> dict:
    """Issue 16: the order's photos and, when the user may add one now, the upload form. Before the
    check-in the engineer's phone gets the form hidden: offline, it appears with the work report once
    the check-in is queued (the queue sends the check-in first, so the server accepts the photo)."""
    photos = list(selectors.order_photos(order=order))
    may_add = services.photo_add_refusal_for(order=order, user=user, photo_count=len(photos)) is None
    later = not may_add and "report" in offline_later
    return {
        "photos": photos,
        "photo_form": forms.PhotoForm() if may_add or later else None,
        "photo_form_later": later,
        "photo_keep_location": settings.SERVICEDESK["PHOTO_KEEP_LOCATION"],
    }


def _parts_with_flags(order, *, today) -> list[PartUsed]:
    parts = list(selectors.order_parts(order=order))
    for part in parts:
        part.overdue = policies.factory_repair_overdue(
            due_on=part.factory_due_on, returned_on=part.factory_returned_on, today=today
        )
    return parts


_REPORTED = {"work_done", "signed", "handed_in", "closed"}
_SIGNED = {"signed", "handed_in", "closed"}


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


@require_GET
@role_required(*ORDER_ROLES)
def order_detail(request, pk):
    return _render_order(request, _order(request, pk))


def _submit(request, pk, *, key: str, form_name: str, form, run, success: str, extra_valid=None):
    """Validate ``form`` and run the service; back to the order page (telling the phone which saved
    form it may forget), or the page again with the form as typed when something is refused."""
    order = _order(request, pk)
    valid = form.is_valid() and (extra_valid is None or extra_valid.is_valid())
    if valid:
        saved_url = f"{order.get_absolute_url()}?{urlencode({'saved': f'order-{order.pk}-{key}'})}"
        try:
            # Issue 16: a step sent again with its key (the phone's offline queue resending after a
            # lost answer) is answered "already saved" with this redirect, never "wrong status".
            run_once(
                scope=f"onsite.{key}",
                key=getattr(form, "idempotency_key", ""),
                user=request.user,
                create=lambda: run(order, form),
                url_of=lambda _result: saved_url,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            # The reason on top too: the order may have moved on (cancelled, rescheduled) so that
            # this step's form is no longer on the page (issue 16: a step queued offline).
            messages.error(request, _("That step was not saved: %(reason)s") % {"reason": " ".join(exc.messages)})
        else:
            messages.success(request, success)
            return redirect(saved_url)
    else:
        messages.error(request, _("That step was not saved; see the message below. Nothing you typed is lost."))
    bound = {form_name: form}
    if extra_valid is not None:
        bound["parts_formset"] = extra_valid
    return _render_order(request, _order(request, pk), **bound)


@require_POST
@role_required(*ORDER_MANAGER_ROLES)  # who of them, and when: ONSITE_APPROVER_ROLES (the service checks)
def order_approve(request, pk):
    return _submit(
        request, pk, key="approve", form_name="approve_form", form=forms.ApproveForm(request.POST),
        run=lambda order, form: services.service_order_approve(order=order, approver=request.user, **form.cleaned_data),
        success=_("Visit approved. Dispatch an engineer."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_call(request, pk):
    return _submit(
        request, pk, key="call", form_name="call_form", form=forms.CallForm(request.POST),
        run=lambda order, form: services.precall_attempt_record(
            order=order, engineer=request.user, reached=form.cleaned_data["reached"], checks=form.checks(),
            note=form.cleaned_data["note"],
        ),
        success=_("Call recorded."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_depart(request, pk):
    return _submit(
        request, pk, key="depart", form_name="depart_form", form=forms.DepartForm(request.POST),
        run=lambda order, form: services.service_order_depart(
            order=order, engineer=request.user, confirm_early=form.cleaned_data["confirm_early"], **form.checks()
        ),
        success=_("On your way. Check in when you arrive."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_check_in(request, pk):
    return _submit(
        request, pk, key="check_in", form_name="check_in_form", form=forms.CheckInForm(request.POST),
        run=lambda order, form: services.service_order_check_in(order=order, engineer=request.user, **form.cleaned_data),
        success=_("Checked in."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_report(request, pk):
    formset = forms.part_formset(
        request.POST, van_levels=parts_selectors.van_levels_for(engineer=request.user, include_empty=True)
    )
    # Issue 16: once per form key (``_submit`` runs every step through run_once); a resend (the
    # offline phone) gets the saved report back and takes no van part a second time.
    return _submit(
        request, pk, key="report", form_name="report_form", form=forms.WorkReportForm(request.POST),
        extra_valid=formset,
        run=lambda order, form: services.work_report_submit(
            order=order, engineer=request.user, checks=form.checks(), cause=form.cleaned_data["cause"],
            actions=form.cleaned_data["actions"], prevention=form.cleaned_data["prevention"],
            parts=forms.parts_used(formset),
        ),
        success=_("Work report saved. Now the customer signs."),
    )  # fmt: skip


def _sign(order, form, user):
    data = signature_from_data_url(
        form.cleaned_data["signature"], max_bytes=settings.SERVICEDESK["ONSITE_SIGNATURE_MAX_KB"] * 1024
    )
    return services.service_order_sign(
        order=order,
        engineer=user,
        signature_png=data,
        customer_name=form.cleaned_data["customer_name"],
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
    )


@require_POST
@role_required(*ENGINEER_ROLES)
def order_sign(request, pk):
    return _submit(
        request, pk, key="sign", form_name="sign_form", form=forms.SignForm(request.POST),
        run=lambda order, form: _sign(order, form, request.user),
        success=_("Signed. Thank the customer; hand in the form and record the trip."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_check_out(request, pk):
    return _submit(
        request, pk, key="check_out", form_name="position_form", form=forms.PositionForm(request.POST),
        run=lambda order, form: services.service_order_check_out(order=order, engineer=request.user, **form.cleaned_data),
        success=_("Checked out."),
    )  # fmt: skip


@require_POST
@role_required(*FOLLOW_UP_ROLES)
def order_hand_in(request, pk):
    return _submit(
        request, pk, key="hand_in", form_name="hand_in_form", form=forms.HandInForm(request.POST),
        run=lambda order, form: services.service_form_hand_in(order=order, actor=request.user),
        success=_("Service form handed in."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_trip(request, pk):
    return _submit(
        request, pk, key="trip", form_name="trip_form", form=forms.TripForm(request.POST),
        run=lambda order, form: services.trip_record_write(order=order, engineer=request.user, text=form.cleaned_data["text"]),
        success=_("Trip written into the service record."),
    )  # fmt: skip


@require_POST
@role_required(*ENGINEER_ROLES)
def order_escalate(request, pk):
    return _submit(
        request, pk, key="escalate", form_name="escalate_form", form=forms.EscalateForm(request.POST),
        run=lambda order, form: services.service_order_escalate(
            order=order, engineer=request.user, reason=form.cleaned_data["reason"]
        ),
        success=_("The duty manager has been asked for support."),
    )  # fmt: skip


@require_POST
@role_required(*FOLLOW_UP_ROLES)
def order_resume(request, pk):
    return _submit(
        request, pk, key="resume", form_name="resume_form", form=forms.NoteForm(request.POST),
        run=lambda order, form: services.service_order_resume(order=order, actor=request.user, note=form.cleaned_data["note"]),
        success=_("Back on site."),
    )  # fmt: skip


@require_POST
@role_required(*FOLLOW_UP_ROLES)
def order_reschedule(request, pk):
    return _submit(
        request, pk, key="reschedule", form_name="reschedule_form", form=forms.RescheduleForm(request.POST),
        run=lambda order, form: services.service_order_reschedule(order=order, actor=request.user, **form.cleaned_data),
        success=_("Visit rescheduled; the customer is told the new time."),
    )  # fmt: skip


@require_POST
@role_required(*ORDER_MANAGER_ROLES)
def order_cancel(request, pk):
    return _submit(
        request, pk, key="cancel", form_name="cancel_form", form=forms.CancelForm(request.POST),
        run=lambda order, form: services.service_order_cancel(order=order, actor=request.user, reason=form.cleaned_data["reason"]),
        success=_("On-site order cancelled."),
    )  # fmt: skip


@require_POST
@role_required(*ORDER_MANAGER_ROLES)
def order_close(request, pk):
    return _submit(
        request, pk, key="close", form_name="close_form", form=forms.NoteForm(request.POST),
        run=lambda order, form: services.service_order_close(order=order, actor=request.user),
        success=_("On-site order closed."),
    )  # fmt: skip


@require_POST
@role_required(*ORDER_MANAGER_ROLES)
def part_returned(request, pk, part_pk):
    order = _order(request, pk)
    part = get_object_or_404(PartUsed, pk=part_pk, report__order=order)
    return _submit(
        request, pk, key="part", form_name="part_returned_form", form=forms.PartReturnedForm(request.POST),
        run=lambda order, form: services.part_factory_returned(
            part=part, actor=request.user, returned_on=form.cleaned_data["returned_on"]
        ),
        success=_("Factory repair recorded as returned."),
    )  # fmt: skip


# --- Visit photos (issue 16) ---------------------------------------------------------------------------


@require_POST
@role_required(Role.ENGINEER, *PHOTO_MANAGER_ROLES)  # which engineer, and when: the service decides
def order_photo_add(request, pk):
    """Photos from the phone's camera (resized by ``static/js/photos.js``); a refused upload is the
    page again with the reason, answered 400."""
    order = _order(request, pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photos = services.order_photos_add(
                order=order, actor=request.user, uploads=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"], key=form.idempotency_key,
            )  # fmt: skip
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                form.add_error("photos", exc)
        else:
            messages.success(
                request, ngettext("Photo added.", "%(count)d photos added.", len(photos)) % {"count": len(photos)}
            )
            return redirect(f"{order.get_absolute_url()}#photos")
    messages.error(request, _("The photo was not saved; see the message below."))
    response = _render_order(request, _order(request, pk), photo_form=form)
    response.status_code = 400
    return response


def _photo(request, pk, photo_pk):
    """A photo of order ``pk`` that the user may see (its order or its ticket), else 404."""
    return get_object_or_404(selectors.photo_visible_queryset(user=request.user), pk=photo_pk, order_id=pk)


def _image_response(stored, *, filename: str):
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    response = file_response(handle, filename=filename, inline_images=True)
    response["Cache-Control"] = "private, max-age=86400"  # never changes: a new photo is a new row
    return response


@require_GET
@role_required(*ORDER_ROLES)
def order_photo(request, pk, photo_pk):
    photo = _photo(request, pk, photo_pk)
    return _image_response(photo.attachment.file, filename=photo.attachment.name)


@require_GET
@role_required(*ORDER_ROLES)
def order_photo_thumbnail(request, pk, photo_pk):
    photo = _photo(request, pk, photo_pk)
    return _image_response(photo.thumbnail, filename="thumbnail.jpg")


# --- Dispatch (GN-3) ------------------------------------------------------------------------------------


@role_required(*ORDER_MANAGER_ROLES)
def order_assign(request, pk):
    order = _order(request, pk)
    if order.agreed_start is None:
        messages.error(request, _("Approve the visit with its window first."))
        return redirect(order)
    form = forms.AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_order_assign(order=order, engineer=form.cleaned_data["engineer"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s dispatched.") % {"name": form.cleaned_data["engineer"].display_name}
            )
            return redirect(order)
    ranked, excluded = selectors.dispatch_candidates(order=order)
    return render(
        request,
        "onsite/order_assign.html",
        {"order": order, "form": form, "ranked": ranked, "excluded": excluded},
    )


# --- Print, signature --------------------------------------------------------------------------------------


@require_GET
@role_required(*ORDER_ROLES)
def order_print(request, pk):
    """The service report (服务报告) to print or save as PDF, in Chinese or English."""
    order = _order(request, pk)
    language = request.GET.get("lang") or translation.get_language()
    if language not in dict(settings.LANGUAGES):
        language = "en"
    report = getattr(order, "work_report", None)
    with translation.override(language):
        return render(
            request,
            "onsite/order_print.html",
            {
                "order": order,
                "report": report,
                "sign_off": getattr(order, "sign_off", None),
                "parts": list(selectors.order_parts(order=order)) if report else [],
                "photos": list(selectors.order_photos(order=order)),
                "language": language,
            },
        )


@require_GET
@role_required(*ORDER_ROLES)
def order_signature(request, pk):
    order = _order(request, pk)
    sign_off = getattr(order, "sign_off", None)
    if sign_off is None:
        raise Http404(_("No signature yet."))
    try:
        handle = sign_off.signature.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    response = file_response(handle, filename="signature.png", inline_images=True)  # shown on the print page
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Calendar and reports ----------------------------------------------------------------------------------


@require_GET
@role_required(*CALENDAR_ROLES)
def visit_calendar(request):
    form = forms.CalendarForm(request.GET or None)
    if not request.user.has_role(*ORDER_MANAGER_ROLES):
        del form.fields["engineer"]  # an engineer sees their own visits only
    today = timezone.localdate()
    day, view, engineer = today, "week", None
    if form.is_valid():
        day = form.cleaned_data["day"] or today
        view = form.cleaned_data["view"] or "week"
        engineer = form.cleaned_data.get("engineer")
    first = day - datetime.timedelta(days=day.weekday()) if view == "week" else day
    days = [first + datetime.timedelta(days=n) for n in range(7 if view == "week" else 1)]
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(days[0], datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    page = page_of(request, selectors.calendar_engineers(user=request.user, engineer_id=engineer.pk if engineer else None))
    grid = selectors.calendar_visits(engineers=list(page.object_list), start=start, end=end)
    rows = [{"engineer": e, "days": [grid.get(e.pk, {}).get(d, []) for d in days]} for e in page.object_list]
    step = datetime.timedelta(days=7 if view == "week" else 1)
    return render(
        request,
        "onsite/calendar.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "days": days,
            "today": today,
            "view": view,
            "previous": urlencode({"day": (first - step).isoformat(), "view": view, "engineer": engineer.pk if engineer else ""}),
            "next": urlencode({"day": (first + step).isoformat(), "view": view, "engineer": engineer.pk if engineer else ""}),
            "query": query_without_page(request),
        },
    )


@require_GET
@role_required(*ORDER_MANAGER_ROLES)
def reports(request):
    """OS-9 company-caused misses per engineer, OS-10 satisfaction, OS-11 factory repairs."""
    form, month = month_chosen(request.GET)
    today = timezone.localdate()
    start, end = month_bounds(month)
    satisfaction = selectors.satisfaction_summary(start=start, end=end)
    repairs = [
        (part, policies.factory_repair_overdue(due_on=part.factory_due_on, returned_on=None, today=today))
        for part in selectors.factory_repairs_open()
    ]
    return render(
        request,
        "onsite/reports.html",
        {
            "form": form,
            "month": month,
            "rows": selectors.reschedule_report(start=start, end=end),
            "totals": selectors.reschedule_totals(start=start, end=end),
            "satisfaction": satisfaction,
            "satisfaction_percent": policies.satisfaction_percent(
                satisfied=satisfaction["satisfied"], total=satisfaction["total"]
            ),
            "satisfaction_target": settings.SERVICEDESK["ONSITE_SATISFACTION_TARGET"],
            "repairs": repairs,
        },
    )
