"""Staff rules as pure functions: no database, the clock and the data are passed in.

Attendance classification (ST-1, ST-2, HL-4), leave days and HR approval (ST-2), who decides for
whom, penalty amounts (ST-13), complaint repeat rules (ST-6, ST-7) and travel allowances (ST-15).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from servicedesk.core.dates import add_months

from .calendars import Calendar, intervals_on, is_working_day
from .models.attendance import DayReason, DayStatus, IncidentKind
from .models.leave import LeaveStatus
from .roles import Role

# --- Attendance (ST-1, ST-2, HL-4) ------------------------------------------------------------------

# Which catalogue entry a classified day proposes (the catalogue may switch an entry off).
DAY_PENALTY_RULES = {
    DayReason.SIGNED_IN_LATE: "st1-late",
    DayReason.NOTICE_LATE: "st1-late",
    DayReason.SEAT_NOT_READY: "st1-late",
    DayReason.NO_SIGN_IN: "st1-absence",
    DayReason.LEAVE_NOT_APPROVED: "st2-unapproved-leave",
}

# Incidents that are a catalogue entry of their own. A duty seat not ready (HL-4) is not: it makes
# the day late, and the classified day proposes ``st1-late`` once.
INCIDENT_PENALTY_RULES = {
    IncidentKind.UNREACHABLE: "st3-unreachable",
    IncidentKind.MEETING_LATE: "st4-meeting-late",
    IncidentKind.MEETING_ABSENT: "st4-meeting-absent",
    IncidentKind.WINDOWS_POWER: "st5-windows-power",
}


@dataclass(frozen=True)
class DayClassification:
    status: str
    reason: str

    @property
    def rule_code(self) -> str | None:
        return DAY_PENALTY_RULES.get(self.reason)


def classify_attendance(
    *,
    work_start: datetime.datetime,
    signed_in_at: datetime.datetime | None,
    notice_given_at: datetime.datetime | None,
    leave_approved_at: datetime.datetime | None,
    leave_requested: bool,
    on_trip: bool,
    seat_not_ready: bool,
) -> DayClassification:
    """Classify one working day.

    - Leave counts only when it was approved before work started that day (ST-2); a request that
      was not (yet) approved when work started makes a day without sign-in an absence.
    - An approved business trip (ST-15) is field duty.
    - A site-visit notice counts as field duty only when given before work started; after the start
      it is lateness (ST-1). Signing in at the start minute is on time.
    - A duty seat not ready in time (HL-4) makes a signed-in day late.
    """
    if leave_approved_at is not None and leave_approved_at <= work_start:
        return DayClassification(DayStatus.ON_LEAVE, DayReason.LEAVE)
    if on_trip:
        return DayClassification(DayStatus.FIELD, DayReason.TRAVEL)
    if notice_given_at is not None and notice_given_at <= work_start:
        return DayClassification(DayStatus.FIELD, DayReason.NOTICE)
    if signed_in_at is not None and signed_in_at <= work_start:
        if seat_not_ready:
            return DayClassification(DayStatus.LATE, DayReason.SEAT_NOT_READY)
        return DayClassification(DayStatus.PRESENT, DayReason.SIGNED_IN)
    if signed_in_at is not None:
        return DayClassification(DayStatus.LATE, DayReason.SIGNED_IN_LATE)
    if notice_given_at is not None:
        return DayClassification(DayStatus.LATE, DayReason.NOTICE_LATE)
    if leave_requested:
        return DayClassification(DayStatus.ABSENT, DayReason.LEAVE_NOT_APPROVED)
    return DayClassification(DayStatus.ABSENT, DayReason.NO_SIGN_IN)


def work_is_over(calendar: Calendar, day: datetime.date, now: datetime.datetime) -> bool:
    """True once the last working interval of ``day`` has ended (or the day has no work)."""
    spans = intervals_on(calendar, day)
    return not spans or spans[-1][1] <= now


# --- Leave (ST-2) -----------------------------------------------------------------------------------


def leave_working_days(calendar: Calendar, start: datetime.date, end: datetime.date) -> int:
    """Working days from ``start`` to ``end`` inclusive; weekends and holidays do not count."""
    days, current = 0, start
    while current <= end:
        days += is_working_day(calendar, current)
        current += datetime.timedelta(days=1)
    return days


def leave_needs_hr(*, days: int, threshold: int) -> bool:
    """ST-2: leave of more than ``threshold`` working days needs HR approval as well."""
    return days > threshold


def leave_covered_until(*, end_date: datetime.date, returned_on: datetime.date | None) -> datetime.date:
    """Last day covered by a leave: its last day, or the day before an early return (销假)."""
    if returned_on is None:
        return end_date
    return min(end_date, returned_on - datetime.timedelta(days=1))


def leave_cancellable(*, status: str, start_date: datetime.date, today: datetime.date) -> bool:
    """A request can be withdrawn while pending, and approved leave until it starts."""
    pending = status in (LeaveStatus.SUBMITTED, LeaveStatus.MANAGER_APPROVED)
    return pending or (status == LeaveStatus.APPROVED and start_date > today)


def leave_accepts_certificate(*, status: str) -> bool:
    return status not in (LeaveStatus.REJECTED, LeaveStatus.CANCELLED, LeaveStatus.RETURNED)


# --- Who decides (managers for their reports; HR for the second step) ------------------------------


def can_decide_for(user, employee) -> bool:
    """The employee's own manager, or a service manager, decides; never for oneself."""
    if user.pk == employee.pk or not user.is_active:
        return False
    return employee.manager_id == user.pk or user.has_role(Role.SERVICE_MANAGER, Role.ADMIN)


def can_decide_leave(user, *, status: str, employee) -> bool:
    """ST-2: the manager takes the first step, HR the second (leave above the threshold)."""
    if status == LeaveStatus.SUBMITTED:
        return can_decide_for(user, employee)
    if status == LeaveStatus.MANAGER_APPROVED:
        return user.has_role(Role.HR) and user.pk != employee.pk
    return False


def sees_all_staff_records(user) -> bool:
    """HR and service managers see every employee's records; others their own and their reports'."""
    return user.has_role(Role.HR, Role.SERVICE_MANAGER, Role.ADMIN)


# --- Penalties (ST-13) ------------------------------------------------------------------------------


def penalty_amount_allowed(*, amount: Decimal, amount_min: Decimal, amount_max: Decimal) -> bool:
    return amount_min <= amount <= amount_max


# --- Complaints (ST-6, ST-7) ------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """ST-7: the same calendar day ``months`` earlier (the month's last day when it is shorter)."""
    return add_months(day, -months)


def complaint_penalties(
    *, about_attitude: bool, earlier_attitude_complaints: int, complaints_in_window: int, review_at: int
) -> list[str]:
    """Catalogue codes a newly confirmed complaint proposes.

    ST-6: the first confirmed attitude complaint is fined, a repeat is a dismissal proposal.
    ST-7: ``review_at`` (3) or more confirmed complaints within the window (this one included) are a
    demotion or dismissal review.
    """
    codes = []
    if about_attitude:
        codes.append("st6-attitude-repeat" if earlier_attitude_complaints else "st6-attitude-complaint")
    if complaints_in_window >= review_at:
        codes.append("st7-three-complaints")
    return codes


# --- Travel (ST-15) ---------------------------------------------------------------------------------

HALF_DAY_CUTOFF = datetime.time(12, 0)
HALF = Decimal("0.5")


def travel_days(
    *, departed_at: datetime.datetime, returned_at: datetime.datetime, tz: ZoneInfo, cutoff=HALF_DAY_CUTOFF
) -> Decimal:
    """ST-15 half-day rule, from the departure and return of the means of transport.

    Leaving before 12:00 counts the first day as a whole day, at 12:00 or later as half a day;
    arriving after 12:00 counts the last day whole, at 12:00 or earlier as half. A trip within one
    day is a whole day only when it spans 12:00.
    """
    departed, returned = departed_at.astimezone(tz), returned_at.astimezone(tz)
    first = Decimal(1) if departed.time() < cutoff else HALF
    last = Decimal(1) if returned.time() > cutoff else HALF
    span = (returned.date() - departed.date()).days
    if span == 0:
        return Decimal(1) if first == last == 1 else HALF
    return first + last + (span - 1)


def travel_nights(*, departed_at: datetime.datetime, returned_at: datetime.datetime, tz: ZoneInfo) -> int:
    return (returned_at.astimezone(tz).date() - departed_at.astimezone(tz).date()).days


@dataclass(frozen=True)
class Allowance:
    days: Decimal
    nights: int
    lodging_allowed: Decimal
    meals_allowance: Decimal


def travel_allowance(
    *,
    departed_at: datetime.datetime,
    returned_at: datetime.datetime,
    tz: ZoneInfo,
    lodging_rate: Decimal,
    meals_rate: Decimal,
    lodging_invoiced: Decimal,
) -> Allowance:
    """ST-15: meals per travel day; lodging as invoiced up to the rate per night (below the rate
    nothing is topped up, above it the employee pays the rest)."""
    days = travel_days(departed_at=departed_at, returned_at=returned_at, tz=tz)
    nights = travel_nights(departed_at=departed_at, returned_at=returned_at, tz=tz)
    return Allowance(
        days=days,
        nights=nights,
        lodging_allowed=min(lodging_invoiced, lodging_rate * nights),
        meals_allowance=(meals_rate * days).quantize(Decimal("0.01")),
    )


def claim_due_on(*, returned_at: datetime.datetime, tz: ZoneInfo, within_days: int) -> datetime.date:
    """ST-15: the claim is due within ``within_days`` days after the return (the week after)."""
    return returned_at.astimezone(tz).date() + datetime.timedelta(days=within_days)


