"""Attendance (ST-1, ST-2, HL-4): sign-in, site-visit notice, incidents, the daily classification."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.dates import local_midnight

from .. import policies
from ..calendars import work_start
from ..models import (
    AttendanceDay,
    AttendanceIncident,
    IncidentKind,
    LeaveRequest,
    LeaveStatus,
    SignIn,
    SiteVisitNotice,
    TravelRequest,
    User,
)
from ..models.penalties import source_key
from ..selectors import calendar_load
from ._notify import approvers_of, notify
from ._once import record_once
from .penalties import penalty_propose, penalty_withdraw_stale


def attendance_sign_in(*, employee, now: datetime.datetime, channel: str = SignIn.Channel.BROWSER):
    """ST-1: sign in for today. The first sign-in of the day counts; pressing again changes nothing.

    Returns ``(sign_in, created)``.
    """
    return record_once(
        SignIn,
        key={"employee": employee, "day": timezone.localdate(now)},
        defaults={"signed_in_at": now, "channel": channel},
    )


@transaction.atomic
def site_visit_notice_give(*, employee, now: datetime.datetime, place: str, ticket=None, note: str = ""):
    """ST-1: "I go straight to a customer site today", told to the manager. It counts only when given
    before work starts (the classification compares ``given_at`` with the work start). One a day.

    Returns ``(notice, created)``.
    """
    if not place.strip():
        raise ValidationError({"place": _("Say which customer or site you are going to.")})
    notice, created = record_once(
        SiteVisitNotice,
        key={"employee": employee, "day": timezone.localdate(now)},
        defaults={"given_at": now, "place": place.strip(), "ticket": ticket, "note": note.strip()},
    )
    if created:
        notify(
            approvers_of(employee),
            title=_("%(name)s goes straight to %(place)s today") % {"name": employee, "place": notice.place},
            body=notice.note,
            url=f"{reverse('staff:team')}?day={notice.day.isoformat()}",
            key=f"site-notice:{notice.pk}",
            now=now,
        )
    return notice, created


@transaction.atomic
def attendance_incident_record(
    *,
    employee,
    kind: str,
    occurred_at: datetime.datetime,
    source=None,
    details: str = "",
    recorded_by=None,
):
    """Record an attendance or conduct event (HL-4 seat not ready, ST-3 unreachable, ST-4 meeting
    late/absent, ST-5 windows and power).

    Idempotent per (employee, kind, source): reporting the same source again returns the stored
    incident. ``source=None`` (a manager's manual entry) always records a new incident. An incident
    whose kind is a catalogue entry proposes that penalty, linked to the incident; a seat not ready
    makes the day late at the next classification instead. Returns ``(incident, created)``.
    """
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": _("Unknown kind of incident.")})
    fields = {
        "occurred_at": occurred_at,
        "day": timezone.localdate(occurred_at),
        "details": details,
        "recorded_by": recorded_by,
    }
    if source is None:
        incident = AttendanceIncident(employee=employee, kind=kind, **fields)
        incident.full_clean()
        incident.save()
        created = True
    else:
        incident, created = record_once(
            AttendanceIncident, key={"employee": employee, "kind": kind, **source_key(source)}, defaults=fields
        )
    rule_code = policies.INCIDENT_PENALTY_RULES.get(kind)
    if created and rule_code:
        penalty_propose(
            rule_code=rule_code,
            employee=employee,
            source=incident,
            occurred_at=occurred_at,
            details=details or incident.get_kind_display(),
        )
    return incident, created


class _DayFacts:
    """Everything the classification of one day needs, loaded in a fixed number of queries."""

    def __init__(self, day: datetime.date):
        tz = timezone.get_current_timezone()
        day_begins = local_midnight(day, tz)
        day_ends = day_begins + datetime.timedelta(days=1)
        self.sign_ins = dict(SignIn.objects.filter(day=day).values_list("employee_id", "signed_in_at"))
        self.notices = dict(SiteVisitNotice.objects.filter(day=day).values_list("employee_id", "given_at"))
        self.seat_not_ready = set(
            AttendanceIncident.objects.filter(day=day, kind=IncidentKind.SEAT_NOT_READY).values_list(
                "employee_id", flat=True
            )
        )
        self.on_trip = set(
            TravelRequest.objects.filter(
                status=TravelRequest.Status.APPROVED, departs_at__lt=day_ends, returns_at__gte=day_begins
            ).values_list("employee_id", flat=True)
        )
        self.approved_leave: dict[int, LeaveRequest] = {}
        self.requested_leave: set[int] = set()
        leaves = LeaveRequest.objects.filter(start_date__lte=day, end_date__gte=day).exclude(
            status=LeaveStatus.CANCELLED
        )
        for leave in leaves:
            approved = leave.status in (LeaveStatus.APPROVED, LeaveStatus.RETURNED)
            if approved and policies.leave_covered_until(end_date=leave.end_date, returned_on=leave.returned_on) < day:
                continue  # back at work early (销假): the rest of the leave is not taken
            self.requested_leave.add(leave.employee_id)
            if approved:
                self.approved_leave[leave.employee_id] = leave


@transaction.atomic
def attendance_classify_day(*, day: datetime.date, now: datetime.datetime) -> dict[str, int]:
    """Classify ``day`` for every active employee (a user with a profile): present, late, absent,
    on leave or field duty (ST-1, ST-2, HL-4), and propose the catalogue's penalty for a late or
    absent day, linked to the classified day.

    Idempotent: a second run writes the same classification, proposes nothing new, and withdraws
    undecided proposals a changed classification no longer supports. Days whose working hours are
    not over yet at ``now`` are left alone. Returns counts per status (and ``"pending"``).
    """
    facts = _DayFacts(day)
    calendars = {}
    counts: dict[str, int] = {}
    employees = User.objects.filter(is_active=True, profile__isnull=False).select_related("profile__work_calendar")
    for employee in employees:
        calendar_key = employee.profile.work_calendar_id
        if calendar_key not in calendars:
            calendars[calendar_key] = calendar_load(employee.profile.work_calendar)
        calendar = calendars[calendar_key]
        start = work_start(calendar, day)
        if start is None:
            continue
        if not policies.work_is_over(calendar, day, now):
            counts["pending"] = counts.get("pending", 0) + 1
            continue
        leave = facts.approved_leave.get(employee.pk)
        decision = policies.classify_attendance(
            work_start=start,
            signed_in_at=facts.sign_ins.get(employee.pk),
            notice_given_at=facts.notices.get(employee.pk),
            leave_approved_at=leave.approved_at if leave else None,
            leave_requested=employee.pk in facts.requested_leave,
            on_trip=employee.pk in facts.on_trip,
            seat_not_ready=employee.pk in facts.seat_not_ready,
        )
        row, _created = AttendanceDay.objects.update_or_create(
            employee=employee,
            day=day,
            defaults={
                "status": decision.status,
                "reason": decision.reason,
                "work_start": start,
                "signed_in_at": facts.sign_ins.get(employee.pk),
                "leave": leave,
                "classified_at": now,
            },
        )
        counts[decision.status] = counts.get(decision.status, 0) + 1
        if decision.rule_code:
            penalty_propose(
                rule_code=decision.rule_code,
                employee=employee,
                source=row,
                occurred_at=start,
                details=str(row.get_reason_display()),
            )
        penalty_withdraw_stale(
            source=row,
            keep_rule_code=decision.rule_code,
            now=now,
            reason=_("Withdrawn: the day was reclassified as “%(status)s”.") % {"status": row.get_status_display()},
        )
    return counts
