"""Callback queue, surveys (staff and public), satisfaction, report and complaints. Views parse input,
call a selector or a service and render; a refused step re-renders with what was typed."""

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk.core.dates import add_months
from servicedesk.core.exports import CountingWriter, export_audit_record
from servicedesk.core.idempotency import run_once
from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.spreadsheets import list_export
from servicedesk.notify.services import channel_choose
from staff.permissions import role_required
from tickets.models import ContactChannel
from tickets.remote.forms import add_service_errors

from .charts import satisfaction_charts
from . import forms, selectors, services
from .exports import CALLBACK_COLUMNS
from .apps import CALLBACK_ROLES, COMPLAINT_READER_ROLES, REPORT_ROLES
from .models import CallbackStatus, ComplaintDecision, ComplaintStatus, ResponseVia

HANDLER_ROLES = services.HANDLER_ROLES


# --- Callback queue (CB-1) ----------------------------------------------------------------------------


@require_GET
@role_required(*CALLBACK_ROLES)
def queue(request):
    today = timezone.localdate()
    form, queryset = _filtered_queue(request, today=today)
    page = page_of(request, queryset)
    return render(request, "care/queue.html", {"form": form, "page": page, "query": query_without_page(request), "today": today})


def _filtered_queue(request, *, today):
    """The queue's filters (query string) as a queryset; shared by the queue and its export."""
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, selectors.callback_queue(filters=filters, today=today)


@require_GET
@role_required(*CALLBACK_ROLES)
def queue_export_xlsx(request):
    """Issue 15, GN-7: the filtered callback queue as .xlsx, audited."""
    _form, queryset = _filtered_queue(request, today=timezone.localdate())
    return list_export(
        request, what="care:callbacks_export_xlsx", name="callbacks", title=_("Callbacks"), columns=CALLBACK_COLUMNS, queryset=queryset
    )


def _callback(pk):
    return get_object_or_404(selectors.callback_detail_queryset(), pk=pk)


def _detail(request, callback, *, attempt_form=None, survey_form=None, status=200):
    # CB-1: the channel the survey link would go by (None: the contact cannot be reached).
    link_channel = channel_choose(contact=callback.contact) if callback.contact_id else None
    context = {
        "link_channel": ContactChannel(link_channel).label if link_channel else "",
        "callback": callback,
        "attempts": callback.attempt_rows.select_related("by"),
        "attempt_form": attempt_form or forms.AttemptForm(),
        "survey_form": survey_form or forms.SurveyForm(template=callback.template),
        "response": getattr(callback, "response", None),
        "answers": callback.response.answers.select_related("question") if hasattr(callback, "response") else (),
        "today": timezone.localdate(),
    }
    return render(request, "care/callback_detail.html", context, status=status)


@require_GET
@role_required(*CALLBACK_ROLES)
def callback_detail(request, pk):
    return _detail(request, _callback(pk))


@require_POST
@role_required(*CALLBACK_ROLES)
def callback_attempt(request, pk):
    callback = _callback(pk)
    form = forms.AttemptForm(request.POST)
    if form.is_valid():
        reached = form.cleaned_data["reached"] == "reached"
        try:
            run_once(
                scope="care.attempt",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.callback_attempt_record(
                    callback=callback, actor=request.user, reached=reached, note=form.cleaned_data["note"], now=timezone.now()
                ),
                url_of=lambda _attempt: callback.get_absolute_url(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if reached:
                messages.success(request, _("Customer reached: fill in the survey."))
            else:
                messages.info(request, _("Unreachable: the callback stays in the queue for another try."))
            return redirect(callback)
    return _detail(request, callback, attempt_form=form, status=400)


@require_POST
@role_required(*CALLBACK_ROLES)
def callback_survey(request, pk):
    callback = _callback(pk)
    form = forms.SurveyForm(request.POST, template=callback.template)
    if form.is_valid():
        try:
            response = run_once(
                scope="care.survey",
                key=form.idempotency_key,
                user=request.user,
                create=lambda: services.survey_answer_record(
                    callback=callback, answers=form.answers(), via=ResponseVia.PHONE, actor=request.user, now=timezone.now()
                ),
                url_of=lambda _response: reverse("care:queue"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Survey recorded."))
            if response.resolved is False:
                messages.warning(request, _("Not solved: escalated to the service manager."))  # CB-3
            return redirect("care:queue")
    return _detail(request, callback, survey_form=form, status=400)


@require_POST
@role_required(*CALLBACK_ROLES)
def callback_send_link(request, pk):
    callback = _callback(pk)
    try:
        sent = services.survey_link_send(callback=callback, actor=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Survey link sent by %(channel)s.") % {"channel": sent.get_channel_display()})
    return redirect(callback)


# --- Public survey (login-free, signed token) ---------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_public(request, token):
    try:
        callback = services.survey_token_callback(token=token)
    except services.SurveyLinkExpired:
        return render(request, "care/survey_closed.html", {"reason": "expired"}, status=410)
    except services.SurveyLinkInvalid:
        return render(request, "care/survey_closed.html", {"reason": "invalid"}, status=404)
    if callback.status == CallbackStatus.DONE:
        return render(request, "care/survey_closed.html", {"reason": "used"}, status=410)
    form = forms.SurveyForm(request.POST or None, template=callback.template)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_record(callback=callback, answers=form.answers(), via=ResponseVia.ONLINE, now=timezone.now())
        except services.SurveyAlreadyAnswered:  # answered meanwhile (by phone, or a second tab)
            return render(request, "care/survey_closed.html", {"reason": "used"}, status=410)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "care/survey_thanks.html", {"callback": callback})
    return render(
        request, "care/survey_public.html", {"form": form, "callback": callback}, status=400 if form.errors else 200
    )


# --- Satisfaction (CB-5) and monthly report (CB-4) ------------------------------------------------------


def _month_form(request, default: datetime.date | None = None):
    this_month = default or timezone.localdate().replace(day=1)
    form = forms.MonthForm(request.GET or None, initial={"month": this_month.strftime("%Y-%m")})
    if form.is_valid():
        return form, form.cleaned_data["month"], form.cleaned_data.get("channel") or ""
    return form, this_month, ""


@require_GET
@role_required(*REPORT_ROLES)
def satisfaction(request):
    # Issue 17: open on the latest month with answers (the current one when it has any), not on an empty month.
    default = None if request.GET.get("month") else selectors.latest_answered_month(now=timezone.now())
    form, month, channel = _month_form(request, default)
    end = add_months(month, 1)
    start = add_months(month, -5)
    context = {
        "form": form,
        "month": month,
        "target": settings.SERVICEDESK["SATISFACTION_TARGET"],
        "by_channel": selectors.satisfaction_by_channel(start=month, end=end),
        "by_engineer": selectors.satisfaction_by_engineer(start=month, end=end, channel=channel),
        "by_month": selectors.satisfaction_by_month(start=start, end=end, channel=channel),
    }
    context["charts"] = satisfaction_charts(
        by_channel=context["by_channel"], by_month=context["by_month"], target=context["target"]
    )
    return render(request, "care/satisfaction.html", context)


@require_GET
@role_required(*REPORT_ROLES)
def report(request):
    form, month, _channel = _month_form(request)
    context = {"form": form, "report": selectors.callback_report(month=month), "target": settings.SERVICEDESK["SATISFACTION_TARGET"]}
    return render(request, "care/report.html", context)


def _percent(value):
    return "" if value is None else f"{value:.1f}"


@require_GET
@role_required(*REPORT_ROLES)
def report_csv(request):
    _form, month, _channel = _month_form(request)
    data = selectors.callback_report(month=month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="callbacks-{month:%Y-%m}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (Chinese names) correctly with a BOM
    writer = CountingWriter(csv.writer(response))
    writer.heading([_("Month"), f"{month:%Y-%m}"])
    for label, value in (
        (_("Callbacks created"), data.created),
        (_("Done"), data.done),
        (_("Done late"), data.done_late),
        (_("Overdue, still open"), data.overdue_open),
        (_("Unreachable attempts"), data.unreachable_attempts),
        (_("Escalations"), data.escalations),  # CB-3
    ):
        writer.writerow([label, value])
    writer.writerow([])
    writer.heading([_("Group"), _("Name"), _("Answers"), _("Satisfied"), _("Satisfaction %"), _("Meets target")])
    for group, rows in ((_("Channel"), data.by_channel), (_("Engineer"), data.by_engineer)):
        for row in rows:
            writer.writerow(
                [group, row.label, row.total, row.satisfied, _percent(row.percent), "" if row.meets is None else int(row.meets)]
            )
    export_audit_record(user=request.user, what="care:report_csv", query=request.get_full_path(), rows=writer.rows)
    return response


# --- Complaints (HL-10, CB-6, CB-2) -------------------------------------------------------------------


@require_GET
@role_required(*COMPLAINT_READER_ROLES)
def complaint_list(request):
    form = forms.ComplaintFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, selectors.complaint_list(filters=filters))
    return render(
        request, "care/complaint_list.html", {"form": form, "page": page, "query": query_without_page(request), "today": timezone.localdate()}
    )


def _complaint(pk):
    return get_object_or_404(selectors.complaint_detail_queryset(), pk=pk)


def _complaint_page(request, complaint, *, verify_form=None, decide_form=None, answer_form=None, status=200):
    initial = {
        "route": complaint.route,
        "partner_name": complaint.partner_name,
        "vendor_reference": complaint.vendor_reference,
        "employee": complaint.employee_id,
        "about_attitude": complaint.about_attitude,
        "verification": complaint.verification,
    }
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "can_handle": request.user.has_role(*HANDLER_ROLES),
        "can_open_callback": request.user.has_role(*CALLBACK_ROLES),
        "verify_form": verify_form or forms.VerifyForm(initial=initial),
        "decide_form": decide_form or forms.DecideForm(),
        "answer_form": answer_form or forms.AnswerForm(),
        "callback": complaint.callbacks.select_related("response").first(),
        "statuses": ComplaintStatus,
        "today": timezone.localdate(),
    }
    return render(request, "care/complaint_detail.html", context, status=status)


@require_GET
@role_required(*COMPLAINT_READER_ROLES)
def complaint_detail(request, pk):
    return _complaint_page(request, _complaint(pk))


def _step(request, pk, form_class, form_key, call):
    complaint = _complaint(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(complaint, form.cleaned_data)
        except ValidationError as exc:  # PermissionDenied from the service passes through: 403
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Complaint updated."))
            return redirect(complaint)
    return _complaint_page(request, complaint, status=400, **{form_key: form})


@require_POST
@role_required(*HANDLER_ROLES)
def complaint_verify(request, pk):
    return _step(
        request,
        pk,
        forms.VerifyForm,
        "verify_form",
        lambda complaint, data: services.complaint_verify(complaint=complaint, actor=request.user, now=timezone.now(), **data),
    )


@require_POST
@role_required(*services.DECIDER_ROLES)
def complaint_decide(request, pk):
    return _step(
        request,
        pk,
        forms.DecideForm,
        "decide_form",
        lambda complaint, data: services.complaint_decide(
            complaint=complaint,
            actor=request.user,
            confirmed=data["decision"] == ComplaintDecision.CONFIRMED,
            reasons=data["reasons"],
            now=timezone.now(),
        ),
    )


@require_POST
@role_required(*HANDLER_ROLES)
def complaint_answer(request, pk):
    return _step(
        request,
        pk,
        forms.AnswerForm,
        "answer_form",
        lambda complaint, data: services.complaint_answer(complaint=complaint, actor=request.user, now=timezone.now(), **data),
    )
