"""Business travel (ST-15): request and manager approval, then the expense claim with allowances."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import ExpenseClaim, TravelRequest
from ..selectors import travel_rate_for
from ._notify import approvers_of, notify


@transaction.atomic
def travel_request_submit(
    *,
    employee,
    destination: str,
    purpose: str,
    departs_at: datetime.datetime,
    returns_at: datetime.datetime,
    now: datetime.datetime,
    itinerary: str = "",
    transport: str = "",
    estimated_cost: Decimal = Decimal("0"),
    ticket=None,
) -> TravelRequest:
    """ST-15: the travel request (出差申请单) the manager approves before the trip."""
    travel = TravelRequest(
        employee=employee,
        destination=destination.strip(),
        purpose=purpose.strip(),
        itinerary=itinerary.strip(),
        transport=transport.strip(),
        departs_at=departs_at,
        returns_at=returns_at,
        estimated_cost=estimated_cost,
        ticket=ticket,
        submitted_at=now,
    )
    travel.full_clean()
    travel.save()
    notify(
        approvers_of(employee),
        title=_("Travel request from %(name)s to %(place)s") % {"name": employee, "place": travel.destination},
        body=travel.purpose,
        url=travel.get_absolute_url(),
        key=f"travel-submitted:{travel.pk}",
        now=now,
    )
    return travel


def _decide(obj, *, employee, actor, approve: bool, note: str, now: datetime.datetime, pending: str):
    if not policies.can_decide_for(actor, employee):
        raise PermissionDenied
    if obj.status != pending:
        raise ValidationError(_("This has already been decided."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why it is rejected.")})
    obj.status = obj.Status.APPROVED if approve else obj.Status.REJECTED
    obj.decided_by, obj.decided_at, obj.decision_note = actor, now, note
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def travel_request_decide(
    *, travel: TravelRequest, actor, approve: bool, now: datetime.datetime, note: str = ""
) -> TravelRequest:
    travel = TravelRequest.objects.select_for_update().select_related("employee").get(pk=travel.pk)
    _decide(
        travel,
        employee=travel.employee,
        actor=actor,
        approve=approve,
        note=note,
        now=now,
        pending=travel.Status.SUBMITTED,
    )
    notify(
        [travel.employee],
        title=_("Your trip to %(place)s: %(status)s")
        % {"place": travel.destination, "status": travel.get_status_display()},
        body=travel.decision_note,
        url=travel.get_absolute_url(),
        key=f"travel-decided:{travel.pk}",
        now=now,
    )
    return travel


@transaction.atomic
def expense_claim_submit(
    *,
    travel: TravelRequest,
    employee,
    departed_at: datetime.datetime,
    returned_at: datetime.datetime,
    lodging_invoiced: Decimal,
    transport_amount: Decimal,
    now: datetime.datetime,
    local_transport_amount: Decimal = Decimal("0"),
    other_amount: Decimal = Decimal("0"),
    late_reason: str = "",
) -> ExpenseClaim:
    """ST-15: claim the trip's expenses. Days follow the 12:00 half-day rule; meals are paid per day,
    lodging as invoiced up to the grade's rate per night. A claim after the deadline (the week
    after the return) is marked late and needs a reason."""
    travel = TravelRequest.objects.select_for_update().get(pk=travel.pk)
    if travel.employee_id != employee.pk:
        raise PermissionDenied
    if travel.status != TravelRequest.Status.APPROVED:
        raise ValidationError(_("Only an approved trip can be claimed."))
    if ExpenseClaim.objects.filter(travel=travel).exists():
        raise ValidationError(_("This trip has already been claimed."))
    if returned_at <= departed_at:
        raise ValidationError({"returned_at": _("The return must be after the departure.")})
    if returned_at > now:
        raise ValidationError({"returned_at": _("Claim after you are back.")})
    rate = travel_rate_for(employee)
    if rate is None:
        raise ValidationError(_("No travel allowance grade is set up; ask HR."))
    tz = timezone.get_current_timezone()
    allowance = policies.travel_allowance(
        departed_at=departed_at,
        returned_at=returned_at,
        tz=tz,
        lodging_rate=rate.lodging_per_day,
        meals_rate=rate.meals_per_day,
        lodging_invoiced=lodging_invoiced,
    )
    due_on = policies.claim_due_on(returned_at=returned_at, tz=tz, within_days=rate.claim_within_days)
    is_late = timezone.localdate(now, tz) > due_on
    if is_late and not late_reason.strip():
        raise ValidationError(
            {"late_reason": _("The claim was due on %(day)s; say why it comes late.") % {"day": due_on}}
        )
    claim = ExpenseClaim(
        travel=travel,
        departed_at=departed_at,
        returned_at=returned_at,
        days=allowance.days,
        nights=allowance.nights,
        lodging_rate=rate.lodging_per_day,
        meals_rate=rate.meals_per_day,
        lodging_invoiced=lodging_invoiced,
        lodging_allowed=allowance.lodging_allowed,
        meals_allowance=allowance.meals_allowance,
        transport_amount=transport_amount,
        local_transport_amount=local_transport_amount,
        other_amount=other_amount,
        total=allowance.lodging_allowed
        + allowance.meals_allowance
        + transport_amount
        + local_transport_amount
        + other_amount,
        due_on=due_on,
        is_late=is_late,
        late_reason=late_reason.strip() if is_late else "",
        submitted_at=now,
    )
    claim.full_clean()
    claim.save()
    notify(
        approvers_of(employee),
        title=_("Expense claim from %(name)s: %(total)s") % {"name": employee, "total": claim.total},
        url=travel.get_absolute_url(),
        key=f"claim-submitted:{claim.pk}",
        now=now,
    )
    return claim


@transaction.atomic
def expense_claim_decide(
    *, claim: ExpenseClaim, actor, approve: bool, now: datetime.datetime, note: str = ""
) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_for_update().select_related("travel__employee").get(pk=claim.pk)
    employee = claim.travel.employee
    _decide(claim, employee=employee, actor=actor, approve=approve, note=note, now=now, pending=claim.Status.SUBMITTED)
    notify(
        [employee],
        title=_("Your expense claim: %(status)s") % {"status": claim.get_status_display()},
        body=claim.decision_note,
        url=claim.travel.get_absolute_url(),
        key=f"claim-decided:{claim.pk}",
        now=now,
    )
    return claim
