"""Writes for seats (signing in and out, HL-4) and the duty roster: shifts, assignments, publication
(HL-3), the seat-ready check (HL-4) and holiday forwarding (ST-16)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.services import notification_send
from staff.calendars import is_working_day
from staff.models import IncidentKind, User, WorkCalendar
from staff.roles import Role
from staff.selectors import calendar_load, leave_blocking
from staff.services import attendance_incident_record

from . import policies
from .models import RosterPublication, Seat, SeatSignIn, Shift, ShiftAssignment, ShiftChange, ShiftTemplate


@transaction.atomic
def seat_sign_in(*, seat: Seat, user, now: datetime.datetime) -> SeatSignIn:
    """Sign ``user`` in at ``seat``. Signing in again at the same seat returns the open sign-in;
    moving to another seat signs out of the previous one first. A seat someone else holds is refused."""
    if not seat.is_active:
        raise ValidationError({"seat": _("Seat %(seat)s is not in use.") % {"seat": seat.number}})
    open_rows = SeatSignIn.objects.select_for_update().filter(signed_out_at__isnull=True)
    mine = open_rows.filter(user=user).first()
    if mine is not None and mine.seat_id == seat.pk:
        return mine
    holder = open_rows.filter(seat=seat).exclude(user=user).select_related("user").first()
    if holder is not None:
        raise ValidationError(
            {"seat": _("Seat %(seat)s is taken by %(name)s.") % {"seat": seat.number, "name": holder.user}}
        )
    if mine is not None:
        mine.signed_out_at = now
        mine.save(update_fields=["signed_out_at"])
    return SeatSignIn.objects.create(seat=seat, user=user, signed_in_at=now)


@transaction.atomic
def seat_sign_out(*, user, now: datetime.datetime) -> SeatSignIn | None:
    """Sign ``user`` out of their seat; None when they were not signed in."""
    mine = SeatSignIn.objects.select_for_update().filter(user=user, signed_out_at__isnull=True).first()
    if mine is not None:
        mine.signed_out_at = max(now, mine.signed_in_at)
        mine.save(update_fields=["signed_out_at"])
    return mine


# --- The duty roster (HL-2, HL-3, HL-4, ST-16) ---------------------------------------------------


def _calendar():
    """The default work calendar (holidays, make-up days); weekends off when none is set up."""
    from staff.calendars import Calendar

    try:
        return calendar_load()
    except WorkCalendar.DoesNotExist:
        weekdays = ((datetime.time(9, 0), datetime.time(18, 0)),)
        return Calendar(tz=ZoneInfo(settings.TIME_ZONE), weekly=dict.fromkeys(range(5), weekdays))


@transaction.atomic
def roster_shifts_create(*, first_day: datetime.date, last_day: datetime.date) -> list[Shift]:
    """Create the shifts of ``first_day``..``last_day`` from the active shift templates (idempotent:
    existing shifts are kept). A template runs on working days, non-working days or every day of the
    default work calendar; a shift on a calendar holiday is holiday duty (ST-16)."""
    if last_day < first_day:
        raise ValidationError(_("The period ends before it starts."))
    calendar = _calendar()
    templates = list(ShiftTemplate.objects.filter(is_active=True))
    shifts = []
    day = first_day
    while day <= last_day:
        working = is_working_day(calendar, day)
        for template in templates:
            if not policies.template_runs_on(days=template.days, working_day=working):
                continue
            starts_at, ends_at = policies.shift_span(day=day, start=template.start, end=template.end, tz=calendar.tz)
            shift, _created = Shift.objects.get_or_create(
                date=day,
                template=template,
                defaults={"starts_at": starts_at, "ends_at": ends_at, "is_holiday": day in calendar.holidays},
            )
            shifts.append(shift)
        day += datetime.timedelta(days=1)
    return shifts


def _lock_shift(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("template").get(pk=shift.pk)


def _require_reason(shift: Shift, reason: str) -> str:
    """HL-3: a published shift changes only with a recorded reason."""
    reason = (reason or "").strip()
    if shift.is_published and not reason:
        raise ValidationError({"reason": _("This shift is published: give a reason for the change.")})
    return reason


def _on_leave(user, shift: Shift) -> bool:
    return leave_blocking(start=shift.starts_at, end=shift.ends_at).filter(employee=user).exists()


def _record_change(*, shift, action, details, reason, by, now) -> ShiftChange | None:
    if not shift.is_published:
        return None
    change = ShiftChange(shift=shift, action=action, details=details[:200], reason=reason, changed_by=by, changed_at=now)
    change.full_clean()
    change.save()
    return change


def _notify_change(*, change: ShiftChange | None, recipients, title: str, now) -> None:
    if change is None:
        return
    notification_send(
        recipients=recipients,
        title=title,
        body=_("Reason: %(reason)s") % {"reason": change.reason},
        url=reverse("roster:mine"),
        kind="roster",
        key=f"roster:change:{change.pk}",
        now=now,
    )


@transaction.atomic
def shift_assign(
    *,
    shift: Shift,
    engineer,
    seat: Seat,
    by,
    now: datetime.datetime,
    reason: str = "",
    forwards_hotline: bool = False,
) -> ShiftAssignment:
    """Put a duty engineer on a seat for a shift.

    Refused: someone who is not an active hotline agent, on approved leave (staff) during the
    shift, already on duty in an overlapping shift, or a seat already staffed in this shift. A
    published shift changes only with a reason, which is recorded and the engineer notified (HL-3).
    On a holiday shift (ST-16) the first engineer gets the forwarded hotline unless someone has it.
    """
    shift = _lock_shift(shift)
    reason = _require_reason(shift, reason)
    # Lock the person: two managers assigning them to overlapping shifts at once cannot both pass.
    engineer = User.objects.select_for_update().get(pk=engineer.pk)
    if not engineer.is_active or not engineer.has_role(Role.AGENT):
        raise ValidationError({"engineer": _("%(name)s is not an active hotline agent.") % {"name": engineer}})
    if not seat.is_active:
        raise ValidationError({"seat": _("Seat %(seat)s is not in use.") % {"seat": seat.number}})
    if _on_leave(engineer, shift):
        raise ValidationError(
            {"engineer": _("%(name)s is on approved leave during this shift and cannot be assigned.") % {"name": engineer}}
        )
    clash = (
        ShiftAssignment.objects.filter(engineer=engineer, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at)
        .select_related("shift__template")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"engineer": _("%(name)s is already on duty in an overlapping shift (%(shift)s).") % {"name": engineer, "shift": clash.shift}}
        )
    if shift.assignments.filter(seat=seat).exists():
        raise ValidationError({"seat": _("Seat %(seat)s is already staffed in this shift.") % {"seat": seat.number}})
    has_forwarding = shift.assignments.filter(forwards_hotline=True).exists()
    if forwards_hotline and not shift.is_holiday:
        raise ValidationError({"forwards_hotline": _("The hotline is forwarded to a mobile only on holiday duty.")})
    if forwards_hotline and has_forwarding:
        shift.assignments.filter(forwards_hotline=True).update(forwards_hotline=False)
    assignment = ShiftAssignment(
        shift=shift,
        engineer=engineer,
        seat=seat,
        forwards_hotline=forwards_hotline or (shift.is_holiday and not has_forwarding),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        assigned_at=now,
        assigned_by=by,
    )
    assignment.full_clean()
    assignment.save()
    change = _record_change(
        shift=shift,
        action=ShiftChange.Action.ASSIGNED,
        details=_("%(name)s on seat %(seat)s") % {"name": engineer, "seat": seat.number},
        reason=reason,
        by=by,
        now=now,
    )
    _notify_change(
        change=change,
        recipients=[engineer],
        title=_("You are on hotline duty: %(shift)s, seat %(seat)s") % {"shift": shift, "seat": seat.number},
        now=now,
    )
    return assignment


@transaction.atomic
def shift_unassign(*, assignment: ShiftAssignment, by, now: datetime.datetime, reason: str = "") -> None:
    """Take a duty engineer off a shift (a published shift only with a reason, HL-3). On holiday duty
    the forwarded hotline moves to the next engineer of the shift (ST-16)."""
    shift = _lock_shift(assignment.shift)
    reason = _require_reason(shift, reason)
    assignment = ShiftAssignment.objects.select_related("engineer", "seat").get(pk=assignment.pk)
    engineer, seat_number, forwarded = assignment.engineer, assignment.seat.number, assignment.forwards_hotline
    assignment.delete()
    if forwarded:
        successor = shift.assignments.order_by("seat__number").first()
        if successor is not None:
            successor.forwards_hotline = True
            successor.save(update_fields=["forwards_hotline"])
    change = _record_change(
        shift=shift,
        action=ShiftChange.Action.UNASSIGNED,
        details=_("%(name)s off seat %(seat)s") % {"name": engineer, "seat": seat_number},
        reason=reason,
        by=by,
        now=now,
    )
    _notify_change(
        change=change,
        recipients=[engineer],
        title=_("You are no longer on hotline duty: %(shift)s") % {"shift": shift},
        now=now,
    )


@transaction.atomic
def shift_forwarding_set(*, assignment: ShiftAssignment, by, now: datetime.datetime, reason: str = "") -> ShiftAssignment:
    """ST-16: forward the hotline of a holiday shift to this engineer's mobile phone."""
    shift = _lock_shift(assignment.shift)
    reason = _require_reason(shift, reason)
    if not shift.is_holiday:
        raise ValidationError(_("The hotline is forwarded to a mobile only on holiday duty."))
    assignment = ShiftAssignment.objects.select_related("engineer").get(pk=assignment.pk)
    if assignment.forwards_hotline:
        return assignment
    shift.assignments.filter(forwards_hotline=True).update(forwards_hotline=False)
    assignment.forwards_hotline = True
    assignment.save(update_fields=["forwards_hotline"])
    change = _record_change(
        shift=shift,
        action=ShiftChange.Action.FORWARDING,
        details=_("hotline forwarded to %(name)s") % {"name": assignment.engineer},
        reason=reason,
        by=by,
        now=now,
    )
    _notify_change(
        change=change,
        recipients=[assignment.engineer],
        title=_("The hotline is forwarded to your mobile: %(shift)s") % {"shift": shift},
        now=now,
    )
    return assignment


@transaction.atomic
def shift_duty_manager_set(*, shift: Shift, duty_manager, by, now: datetime.datetime, reason: str = "") -> Shift:
    """Make ``duty_manager`` the duty manager (值班经理) of a shift (a published shift only with a reason)."""
    shift = _lock_shift(shift)
    reason = _require_reason(shift, reason)
    if shift.duty_manager_id == duty_manager.pk:
        return shift
    if not duty_manager.is_active or not duty_manager.has_role(Role.DUTY_MANAGER):
        raise ValidationError({"duty_manager": _("%(name)s is not an active duty manager.") % {"name": duty_manager}})
    if _on_leave(duty_manager, shift):
        raise ValidationError(
            {"duty_manager": _("%(name)s is on approved leave during this shift.") % {"name": duty_manager}}
        )
    previous = shift.duty_manager
    shift.duty_manager = duty_manager
    shift.full_clean()
    shift.save(update_fields=["duty_manager"])
    change = _record_change(
        shift=shift,
        action=ShiftChange.Action.MANAGER,
        details=_("duty manager: %(name)s") % {"name": duty_manager},
        reason=reason,
        by=by,
        now=now,
    )
    _notify_change(
        change=change,
        recipients=[duty_manager, previous],
        title=_("Duty manager of %(shift)s is now %(name)s") % {"shift": shift, "name": duty_manager},
        now=now,
    )
    return shift


@transaction.atomic
def roster_publish(
    *, first_day: datetime.date, last_day: datetime.date, by, now: datetime.datetime, override_reason: str = ""
) -> RosterPublication:
    """HL-3: publish the roster of ``first_day``..``last_day`` (its unpublished shifts).

    Refused: nothing to publish; a shift without a duty manager; a holiday shift without an engineer
    whose mobile the hotline is forwarded to (ST-16); a shift starting in less than the lead time
    (12 h) unless ``override_reason`` says why, which is recorded with who and when. Everyone on
    the published shifts is notified once.
    """
    lead_hours = settings.SERVICEDESK["ROSTER_PUBLISH_LEAD_HOURS"]
    shifts = list(
        Shift.objects.select_for_update(of=("self",))
        .filter(date__gte=first_day, date__lte=last_day, published_at__isnull=True)
        .select_related("template", "duty_manager")
        .order_by("starts_at")
    )
    if not shifts:
        raise ValidationError(_("There is nothing to publish in this period."))
    errors = []
    for shift in shifts:
        if shift.duty_manager_id is None:
            errors.append(_("%(shift)s has no duty manager.") % {"shift": shift})
        if shift.is_holiday:
            forwarding = shift.assignments.filter(forwards_hotline=True).select_related("engineer").first()
            if forwarding is None or not forwarding.engineer.phone:
                errors.append(
                    _("%(shift)s is holiday duty: the hotline needs an engineer with a mobile number to forward to.")
                    % {"shift": shift}
                )
    if errors:
        raise ValidationError(errors)
    late = [s for s in shifts if policies.publication_is_late(starts_at=s.starts_at, now=now, lead_hours=lead_hours)]
    override_reason = (override_reason or "").strip()
    if late and not override_reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "The roster must be published at least %(hours)s hours before a shift starts; "
                    "%(shift)s starts %(start)s. Give a reason to publish late anyway."  # HL-3
                )
                % {
                    "hours": lead_hours,
                    "shift": late[0],
                    "start": timezone.localtime(late[0].starts_at).strftime("%Y-%m-%d %H:%M"),
                }
            }
        )
    publication = RosterPublication(
        first_day=first_day,
        last_day=last_day,
        published_at=now,
        published_by=by,
        override_reason=override_reason if late else "",
        late_shifts=len(late),
    )
    publication.full_clean()
    publication.save()
    for shift in shifts:  # saved one by one: each shift's history shows its publication
        shift.published_at, shift.publication = now, publication
        shift._change_reason = "published"
        shift.save(update_fields=["published_at", "publication"])
    recipients = {s.duty_manager_id: s.duty_manager for s in shifts}
    for assignment in ShiftAssignment.objects.filter(shift__in=shifts).select_related("engineer"):
        recipients[assignment.engineer_id] = assignment.engineer
    notification_send(
        recipients=recipients.values(),
        title=_("Hotline duty roster published: %(first)s to %(last)s")
        % {"first": first_day.isoformat(), "last": last_day.isoformat()},
        body=_("See your duties on the “My duty” page."),
        url=reverse("roster:mine"),
        kind="roster",
        key=f"roster:published:{publication.pk}",
        now=now,
    )
    return publication


def duty_sign_in(*, assignment: ShiftAssignment, user, now: datetime.datetime) -> SeatSignIn:
    """HL-4: the rostered engineer signs in at the seat of their duty (from shortly before the shift
    starts until it ends)."""
    if assignment.engineer_id != user.pk:
        raise ValidationError(_("This is not your duty."))
    opens_at = policies.sign_in_opens_at(
        starts_at=assignment.starts_at, early_minutes=settings.SERVICEDESK["ROSTER_SIGN_IN_EARLY_MINUTES"]
    )
    if now < opens_at:
        raise ValidationError(
            _("Your shift starts at %(start)s; you can sign in from %(from)s.")
            % {
                "start": timezone.localtime(assignment.starts_at).strftime("%H:%M"),
                "from": timezone.localtime(opens_at).strftime("%H:%M"),
            }
        )
    if now >= assignment.ends_at:
        raise ValidationError(_("This shift has ended."))
    return seat_sign_in(seat=assignment.seat, user=user, now=now)


@transaction.atomic
def assignment_seat_check(*, assignment_id: int, now: datetime.datetime) -> bool:
    """HL-4: once the seat-ready moment of a duty has passed, check that the engineer was signed in
    at their rostered seat at that moment. If not, record the attendance event (ST-1,
    ``seat_not_ready``, linked to the assignment) and tell the shift's duty manager.

    Exactly once per assignment (the check is stamped on the locked row); safe to run twice or late.
    Returns True when a missing engineer was recorded by this call.
    """
    assignment = (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift__template", "shift__duty_manager", "seat", "engineer")
        .filter(pk=assignment_id, seat_checked_at__isnull=True)
        .first()
    )
    if assignment is None or assignment.shift.published_at is None:
        return False
    deadline = policies.seat_ready_deadline(
        starts_at=assignment.starts_at,
        assigned_at=assignment.assigned_at,
        ready_minutes=settings.SERVICEDESK["ROSTER_SEAT_READY_MINUTES"],
    )
    if deadline > now:
        return False
    ready = SeatSignIn.objects.filter(
        Q(signed_in_at__lte=deadline) & (Q(signed_out_at__isnull=True) | Q(signed_out_at__gt=deadline)),
        seat=assignment.seat,
        user=assignment.engineer,
    ).exists()
    assignment.seat_checked_at = now
    assignment.seat_ready = ready
    assignment.save(update_fields=["seat_checked_at", "seat_ready"])
    if ready:
        return False
    details = _("Not signed in at seat %(seat)s at %(time)s (%(shift)s).") % {
        "seat": assignment.seat.number,
        "time": timezone.localtime(deadline).strftime("%H:%M"),
        "shift": assignment.shift,
    }
    attendance_incident_record(
        employee=assignment.engineer, kind=IncidentKind.SEAT_NOT_READY, occurred_at=deadline, source=assignment, details=details
    )
    from hotline.selectors import duty_managers_on_shift

    managers = [assignment.shift.duty_manager] if assignment.shift.duty_manager_id else list(duty_managers_on_shift(at=now))
    notification_send(
        recipients=managers,
        title=_("Seat %(seat)s not ready: %(name)s") % {"seat": assignment.seat.number, "name": assignment.engineer},
        body=details,
        url=reverse("roster:shift", args=[assignment.shift_id]),
        kind="roster",
        key=f"roster:seat-not-ready:{assignment.pk}",
        now=now,
    )
    return True
