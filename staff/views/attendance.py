"""My attendance (sign-in, site-visit notice), the team board and manual incidents."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from servicedesk.core.parsing import date_or_none, month_or_none
from staff.permissions import role_required

from .. import selectors, services
from ..calendars import work_start
from ..forms import IncidentForm, SiteNoticeForm
from ..models import SignIn, WorkCalendar
from ..roles import APPROVER_ROLES, MANAGER_DECISION_ROLES, STAFF_ROLES
from ._common import form_submit, render


def _month_from(request, today: datetime.date) -> datetime.date:
    return month_or_none(request.GET.get("month")) or today.replace(day=1)


def _work_start(user, today: datetime.date):
    try:
        return work_start(selectors.employee_calendar(user), today)
    except WorkCalendar.DoesNotExist:  # no default calendar set up yet
        return None


def _attendance_page(request, *, notice_form=None):
    today = timezone.localdate()
    month = _month_from(request, today)
    return render(
        request,
        "staff/attendance.html",
        {
            "today": today,
            "work_start": _work_start(request.user, today),
            **selectors.attendance_today(employee=request.user, day=today),
            "notice_form": notice_form or SiteNoticeForm(),
            "month": month,
            "days": selectors.attendance_month(employee=request.user, month=month),
            "incidents": selectors.incidents_of(employee=request.user)[:20],
        },
    )


@require_GET
@role_required(*STAFF_ROLES)
def attendance(request):
    return _attendance_page(request)


def _channel(request) -> str:
    """What the page reported (touch screen or not), else a guess from the user agent."""
    if request.POST.get("channel") in SignIn.Channel.values:
        return request.POST["channel"]
    agent = request.headers.get("User-Agent", "")
    return SignIn.Channel.PHONE if "Mobi" in agent or "Android" in agent else SignIn.Channel.BROWSER


@require_POST
@role_required(*STAFF_ROLES)
def sign_in(request):
    record, created = services.attendance_sign_in(employee=request.user, now=timezone.now(), channel=_channel(request))
    when = timezone.localtime(record.signed_in_at).strftime("%H:%M")
    if created:
        messages.success(request, _("Signed in at %(time)s.") % {"time": when})
    else:
        messages.info(request, _("You already signed in today at %(time)s.") % {"time": when})
    return redirect("staff:attendance")


@require_POST
@role_required(*STAFF_ROLES)
def site_notice(request):
    form = SiteNoticeForm(request.POST)
    result = form_submit(
        form, lambda data: services.site_visit_notice_give(employee=request.user, now=timezone.now(), **data)
    )
    if result is None:
        return _attendance_page(request, notice_form=form)
    notice, created = result
    if created:
        messages.success(
            request, _("Your manager has been told you go straight to %(place)s.") % {"place": notice.place}
        )
    else:
        messages.info(request, _("You already gave today's site-visit notice."))
    return redirect("staff:attendance")


@require_GET
@role_required(*APPROVER_ROLES)
def team(request):
    day = date_or_none(request.GET.get("day")) or timezone.localdate()
    page = page_of(request, selectors.attendance_board(user=request.user, day=day))
    return render(request, "staff/team.html", {"day": day, "page": page, "query": f"day={day.isoformat()}"})


@role_required(*MANAGER_DECISION_ROLES)
def incident_new(request):
    """ST-3, ST-4, ST-5: a manager records an incident for one of their reports."""
    form = IncidentForm(request.POST or None, employees=selectors.reports_of(user=request.user))
    if request.method == "POST":
        result = form_submit(
            form,
            lambda data: services.attendance_incident_record(recorded_by=request.user, **data),
            once="staff.incident",
            user=request.user,
            url_of=lambda _result: reverse("staff:team"),
        )
        if result is not None:
            incident, _created = result
            label = {"kind": incident.get_kind_display(), "name": incident.employee}
            messages.success(request, _("Recorded: %(kind)s for %(name)s.") % label)
            return redirect("staff:team")
    return render(request, "staff/incident_form.html", {"form": form})
