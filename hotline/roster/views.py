"""Duty roster pages: the week (duty managers, service managers), one shift, "my duty" (the duty
engineer's phone page with the seat sign-in) and the holiday duty roster (ST-16). Views parse
input, call a selector or a service and render; a refused step re-renders what was typed."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staff.permissions import role_required
from staff.roles import Role
from tickets.remote.forms import add_service_errors

from . import forms, policies, selectors, services
from .models import ShiftAssignment
from .policies import DUTY_ROLES, ROSTER_EDITOR_ROLES
from .selectors import seat_of
from .services import seat_sign_out

# HL-3: the duty manager publishes the roster (admins may stand in).
PUBLISHER_ROLES = (Role.DUTY_MANAGER, Role.ADMIN)


def _week_url(day: datetime.date) -> str:
    return f"{reverse('roster:week')}?week={forms.week_start(day).isoformat()}"


def _week_context(request, first_day: datetime.date, publish_form=None) -> dict:
    last_day = first_day + datetime.timedelta(days=6)
    days = selectors.roster_week(first_day=first_day)
    shifts = [row for day in days for row in day["shifts"]]
    period = {"first_day": first_day, "last_day": last_day}
    return {
        "days": days,
        "first_day": first_day,
        "last_day": last_day,
        "previous_week": first_day - datetime.timedelta(days=7),
        "next_week": first_day + datetime.timedelta(days=7),
        "has_shifts": bool(shifts),
        "unpublished": sum(1 for row in shifts if not row["shift"].is_published),
        "understaffed": sum(1 for row in shifts if row["understaffed"]),
        "publish_form": publish_form or forms.PublishForm(initial=period),
        "create_form": forms.PeriodForm(initial=period),
        "can_publish": request.user.has_role(*PUBLISHER_ROLES),
        "settings": selectors.roster_settings(),
    }


@require_GET
@role_required(*ROSTER_EDITOR_ROLES)
def week(request):
    form = forms.WeekForm(request.GET or None)
    day = form.cleaned_data["week"] if form.is_valid() and form.cleaned_data["week"] else timezone.localdate()
    context = _week_context(request, forms.week_start(day))
    context["week_form"] = form if form.is_bound else forms.WeekForm(initial={"week": context["first_day"]})
    return render(request, "roster/week.html", context)


@require_POST
@role_required(*ROSTER_EDITOR_ROLES)
def shifts_create(request):
    form = forms.PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period."))
        return redirect("roster:week")
    shifts = services.roster_shifts_create(**form.cleaned_data)
    messages.success(request, _("The period has %(count)s shifts.") % {"count": len(shifts)})
    return redirect(_week_url(form.cleaned_data["first_day"]))


@require_POST
@role_required(*PUBLISHER_ROLES)
def publish(request):
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            publication = services.roster_publish(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Roster published: %(count)s shifts; everyone on duty is notified.")
                % {"count": publication.shifts.count()},
            )
            return redirect(_week_url(publication.first_day))
    first_day = forms.week_start(form.cleaned_data.get("first_day") or timezone.localdate())
    context = _week_context(request, first_day, publish_form=form)
    context["week_form"] = forms.WeekForm(initial={"week": first_day})
    return render(request, "roster/week.html", context, status=400)


def _shift_page(request, shift, *, assign_form=None, manager_form=None, status=200):
    return render(
        request,
        "roster/shift.html",
        {
            "shift": shift,
            "assignments": list(shift.assignments.all()),
            "staffing": selectors.shift_staffing(shift=shift),
            "changes": selectors.shift_changes(shift=shift),
            "assign_form": assign_form or forms.AssignForm(shift=shift),
            "manager_form": manager_form or forms.DutyManagerForm(initial={"duty_manager": shift.duty_manager}),
            "reason_form": forms.ChangeReasonForm(),
        },
        status=status,
    )


def _shift(pk):
    return get_object_or_404(selectors.shift_detail_queryset(), pk=pk)


@require_GET
@role_required(*ROSTER_EDITOR_ROLES)
def shift_detail(request, pk):
    return _shift_page(request, _shift(pk))


@require_POST
@role_required(*ROSTER_EDITOR_ROLES)
def shift_assign(request, pk):
    shift = _shift(pk)
    form = forms.AssignForm(request.POST, shift=shift)
    if form.is_valid():
        try:
            assignment = services.shift_assign(shift=shift, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s is on seat %(seat)s.") % {"name": assignment.engineer, "seat": assignment.seat.number}
            )
            return redirect("roster:shift", pk=shift.pk)
    return _shift_page(request, shift, assign_form=form, status=400)


@require_POST
@role_required(*ROSTER_EDITOR_ROLES)
def shift_manager(request, pk):
    shift = _shift(pk)
    form = forms.DutyManagerForm(request.POST)
    if form.is_valid():
        try:
            services.shift_duty_manager_set(shift=shift, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Duty manager saved."))
            return redirect("roster:shift", pk=shift.pk)
    return _shift_page(request, shift, manager_form=form, status=400)


def _assignment_action(request, pk, action, done: str):
    assignment = get_object_or_404(ShiftAssignment.objects.select_related("shift"), pk=pk)
    form = forms.ChangeReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        action(assignment=assignment, by=request.user, now=timezone.now(), reason=reason)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("roster:shift", pk=assignment.shift_id)


@require_POST
@role_required(*ROSTER_EDITOR_ROLES)
def assignment_remove(request, pk):
    return _assignment_action(request, pk, services.shift_unassign, _("Removed from the shift."))


@require_POST
@role_required(*ROSTER_EDITOR_ROLES)
def assignment_forward(request, pk):
    return _assignment_action(request, pk, services.shift_forwarding_set, _("The hotline is forwarded to this mobile."))


@require_GET
@role_required(*DUTY_ROLES, *ROSTER_EDITOR_ROLES)
def my_duty(request):
    now = timezone.now()
    duties = list(selectors.duties_of(user=request.user, now=now))
    current_seat = seat_of(user=request.user, at=now)
    early_minutes = selectors.roster_settings()["early_minutes"]
    for duty in duties:
        duty.is_now = policies.sign_in_open(
            starts_at=duty.starts_at, ends_at=duty.ends_at, now=now, early_minutes=early_minutes
        )
        duty.signed_in = duty.is_now and current_seat == duty.seat.number
    return render(
        request,
        "roster/mine.html",
        {
            "duties": duties,
            "current": next((d for d in duties if d.is_now), None),
            "current_seat": current_seat,
            "managed": selectors.managed_duties_of(user=request.user, now=now),
            "ready_minutes": selectors.roster_settings()["ready_minutes"],
        },
    )


@require_POST
@role_required(*DUTY_ROLES)
def duty_sign_in(request, pk):
    assignment = get_object_or_404(ShiftAssignment.objects.select_related("seat"), pk=pk, engineer=request.user)
    try:
        services.duty_sign_in(assignment=assignment, user=request.user, now=timezone.now())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Signed in at seat %(seat)s.") % {"seat": assignment.seat.number})
    return redirect("roster:mine")


@require_POST
@role_required(*DUTY_ROLES)
def duty_sign_out(request):
    if seat_sign_out(user=request.user, now=timezone.now()) is not None:
        messages.success(request, _("Signed out of your seat."))
    return redirect("roster:mine")


@require_GET
@role_required(*ROSTER_EDITOR_ROLES)
def holiday_duty(request):
    today = timezone.localdate()
    shifts = selectors.holiday_duty(first_day=today, last_day=today + datetime.timedelta(days=366))
    return render(request, "roster/holidays.html", {"shifts": shifts})
