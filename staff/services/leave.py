"""Leave requests (ST-2): submit, manager approval, HR approval above the threshold, certificate,
return report (销假), cancel."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import LeaveKind, LeaveRequest, LeaveStatus
from ..selectors import employee_calendar
from ._notify import approvers_of, hr_staff, notify

PENDING = (LeaveStatus.SUBMITTED, LeaveStatus.MANAGER_APPROVED)


@transaction.atomic
def leave_request_submit(
    *,
    employee,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    now: datetime.datetime,
    handover: str = "",
    certificate=None,
) -> LeaveRequest:
    """Ask for leave. The days are working days of the employee's calendar; more than the
    threshold (3) also needs HR (ST-2). Leave that is not approved before a day's work starts
    counts as absence on that day, so ask early."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
    days = policies.leave_working_days(employee_calendar(employee), start_date, end_date)
    if days == 0:
        raise ValidationError({"end_date": _("There is no working day in this period.")})
    overlapping = LeaveRequest.objects.filter(
        employee=employee,
        status__in=(*PENDING, LeaveStatus.APPROVED),
        start_date__lte=end_date,
        end_date__gte=start_date,
    )
    if overlapping.exists():
        raise ValidationError(_("You already have leave requested or approved in this period."))
    leave = LeaveRequest(
        employee=employee,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        days=days,
        needs_hr=policies.leave_needs_hr(days=days, threshold=settings.SERVICEDESK["LEAVE_HR_ABOVE_DAYS"]),
        reason=reason.strip(),
        handover=handover.strip(),
        certificate=certificate or "",
        submitted_at=now,
    )
    leave.full_clean()
    leave.save()
    notify(
        approvers_of(employee),
        title=_("Leave request from %(name)s: %(start)s – %(end)s")
        % {"name": employee, "start": start_date, "end": end_date},
        body=leave.reason,
        url=leave.get_absolute_url(),
        key=f"leave-submitted:{leave.pk}",
        now=now,
    )
    return leave


@transaction.atomic
def leave_request_decide(
    *, leave: LeaveRequest, actor, approve: bool, now: datetime.datetime, note: str = ""
) -> LeaveRequest:
    """ST-2: the manager (the employee's own, or a service manager) decides first; leave of more
    than the threshold then goes to HR. Leave is approved when the last required step approves."""
    leave = LeaveRequest.objects.select_for_update().select_related("employee").get(pk=leave.pk)
    if leave.status not in PENDING:
        raise ValidationError(_("This leave request has already been decided."))
    if not policies.can_decide_leave(actor, status=leave.status, employee=leave.employee):
        raise PermissionDenied
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the leave is rejected.")})
    if leave.status == LeaveStatus.SUBMITTED:
        leave.manager_decided_by, leave.manager_decided_at = actor, now
        if approve and leave.needs_hr:
            leave.status = LeaveStatus.MANAGER_APPROVED
        else:
            leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    else:
        leave.hr_decided_by, leave.hr_decided_at = actor, now
        leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    if leave.status == LeaveStatus.APPROVED:
        leave.approved_at = now
    leave.decision_note = note
    leave.full_clean()
    leave.save()
    if leave.status == LeaveStatus.MANAGER_APPROVED:
        notify(
            hr_staff(exclude=leave.employee),
            title=_("Leave of %(days)s days for %(name)s needs HR approval")
            % {"days": leave.days, "name": leave.employee},
            url=leave.get_absolute_url(),
            key=f"leave-hr:{leave.pk}",
            now=now,
        )
    else:
        notify(
            [leave.employee],
            title=_("Your leave %(start)s – %(end)s: %(status)s")
            % {"start": leave.start_date, "end": leave.end_date, "status": leave.get_status_display()},
            body=note,
            url=leave.get_absolute_url(),
            key=f"leave-decided:{leave.pk}",
            now=now,
        )
    return leave


def _own_leave(leave: LeaveRequest, employee) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.employee_id != employee.pk:
        raise PermissionDenied
    return leave


@transaction.atomic
def leave_certificate_upload(*, leave: LeaveRequest, employee, certificate, now: datetime.datetime) -> LeaveRequest:
    """ST-2: the hospital certificate for sick leave (any time before the return is reported)."""
    leave = _own_leave(leave, employee)
    if not policies.leave_accepts_certificate(status=leave.status):
        raise ValidationError(_("This leave request is closed."))
    if not certificate:
        raise ValidationError({"certificate": _("Choose the certificate file.")})
    leave.certificate = certificate
    leave.full_clean()
    leave.save()
    return leave


@transaction.atomic
def leave_return_report(
    *, leave: LeaveRequest, employee, returned_on: datetime.date, now: datetime.datetime
) -> LeaveRequest:
    """ST-2: report back at work (销假). Sick leave needs its certificate first. Returning early
    gives the remaining days back; returning late leaves the extra days uncovered (absence)."""
    leave = _own_leave(leave, employee)
    if leave.status != LeaveStatus.APPROVED:
        raise ValidationError(_("Only approved leave can be closed with a return report."))
    if not leave.start_date < returned_on <= timezone.localdate(now):
        raise ValidationError(
            {"returned_on": _("The day back at work is after the first day of leave and not in the future.")}
        )
    if leave.kind == LeaveKind.SICK and not leave.certificate:
        raise ValidationError({"certificate": _("Sick leave needs the hospital certificate before the return report.")})
    leave.status = LeaveStatus.RETURNED
    leave.returned_on = returned_on
    leave.return_reported_at = now
    leave.full_clean()
    leave.save()
    notify(
        hr_staff(exclude=employee),
        title=_("%(name)s is back at work on %(day)s (销假)") % {"name": employee, "day": returned_on},
        url=leave.get_absolute_url(),
        key=f"leave-returned:{leave.pk}",
        now=now,
    )
    return leave


@transaction.atomic
def leave_cancel(*, leave: LeaveRequest, employee, now: datetime.datetime) -> LeaveRequest:
    """Withdraw a request that is pending, or approved leave that has not started yet."""
    leave = _own_leave(leave, employee)
    if not policies.leave_cancellable(status=leave.status, start_date=leave.start_date, today=timezone.localdate(now)):
        raise ValidationError(_("This leave can no longer be cancelled."))
    leave.status = LeaveStatus.CANCELLED
    leave.full_clean()
    leave.save()
    return leave
