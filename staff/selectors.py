"""Reads for staff records; query shapes and who sees what are decided here."""

import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, When, Window
from django.utils import timezone

from servicedesk.core.dates import add_months

from .calendars import Calendar
from .models import (
    Assessment,
    AttendanceDay,
    AttendanceIncident,
    CalendarDay,
    DeductionRun,
    EmployeeProfile,
    ExpenseClaim,
    FundEntry,
    LeaveRequest,
    LeaveStatus,
    PenaltyProposal,
    SignIn,
    SiteVisitNotice,
    TravelAllowanceRate,
    TravelRequest,
    User,
    WorkCalendar,
    WorkingHours,
)
from .policies import sees_all_staff_records
from .roles import Role


def work_calendar_default() -> WorkCalendar | None:
    return WorkCalendar.objects.filter(is_default=True).first()


def calendar_load(work_calendar: WorkCalendar | None = None) -> Calendar:
    """The pure calendar for ``work_calendar`` (default calendar when None), in three queries.

    Raises ``WorkCalendar.DoesNotExist`` when there is no default calendar at all.
    """
    queryset = WorkCalendar.objects.prefetch_related(
        Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday", "start")),
        Prefetch("days", queryset=CalendarDay.objects.order_by("date")),
    )
    if work_calendar is None:
        return queryset.get(is_default=True).as_calendar()
    return queryset.get(pk=work_calendar.pk).as_calendar()


# --- Employees --------------------------------------------------------------------------------------


def employee_profile(employee):
    """The employee's profile, or None for a user who is not an employee (e.g. a pure admin)."""
    try:
        return employee.profile
    except EmployeeProfile.DoesNotExist:
        return None


def employee_calendar(employee) -> Calendar:
    """The employee's work schedule (their calendar, else the default calendar)."""
    profile = employee_profile(employee)
    return calendar_load(profile.work_calendar if profile and profile.work_calendar_id else None)


def travel_rate_for(employee):
    """ST-15: the employee's travel allowance grade, else the default grade (None if none exists)."""
    profile = employee_profile(employee)
    if profile is not None and profile.travel_rate_id:
        return profile.travel_rate
    return TravelAllowanceRate.objects.filter(is_default=True).first()


def engineers_available(*, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """Active engineers (role ``engineer``) not on approved leave at any time in [start, end).

    Leave is taken in whole local days: a leave from ``start_date`` to ``end_date`` blocks those
    days; after a return report (销假) the days from ``returned_on`` on are free again. Pending,
    rejected and cancelled requests do not block. Rows come with ``profile`` and ``profile.region``
    joined (NULL for an engineer without a profile) and ``team``; rank them by
    ``employee_skills`` (``EmployeeSkill``: ``skill.product``, ``skill.ticket_type``, ``level``).
    """
    if end <= start:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, groups__name=Role.ENGINEER)
        .exclude(pk__in=leave_blocking(start=start, end=end).values("employee_id"))
        .select_related("profile__region", "team")
        .distinct()
        .order_by("full_name", "username")
    )


def leave_blocking(*, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """Approved leave requests (any employee) covering a local day of [start, end): the rule of
    :func:`engineers_available`, for rosters of other roles (e.g. the hotline duty roster)."""
    if end <= start:
        return LeaveRequest.objects.none()
    first = timezone.localdate(start)
    last = timezone.localdate(end - datetime.timedelta(microseconds=1))
    return LeaveRequest.objects.filter(start_date__lte=last, end_date__gte=first).filter(
        Q(status=LeaveStatus.APPROVED) | Q(status=LeaveStatus.RETURNED, returned_on__gt=first)
    )


def staff_visible(queryset: QuerySet, *, user, field: str = "employee") -> QuerySet:
    """Rows about people ``user`` may see: everyone's for HR and service managers, otherwise their
    own and their direct reports'. ``field`` is the path to the person (empty: the row is a user)."""
    if sees_all_staff_records(user):
        return queryset
    if not field:
        return queryset.filter(Q(pk=user.pk) | Q(manager=user))
    return queryset.filter(Q(**{field: user}) | Q(**{f"{field}__manager": user}))


def decidable_by(queryset: QuerySet, *, user, field: str = "employee") -> QuerySet:
    """Rows about people ``user`` decides for (``policies.can_decide_for``), never their own."""
    if user.has_role(Role.SERVICE_MANAGER, Role.ADMIN):
        return queryset.exclude(**{field: user})
    return queryset.filter(**{f"{field}__manager": user})


# --- Attendance -------------------------------------------------------------------------------------


def attendance_month(*, employee, month: datetime.date) -> QuerySet:
    """The employee's classified days of one month, oldest first (at most 31 rows)."""
    return AttendanceDay.objects.filter(employee=employee, day__gte=month, day__lt=add_months(month, 1)).order_by(
        "day"
    )


def attendance_board(*, user, day: datetime.date) -> QuerySet:
    """One row per visible active employee for ``day``: sign-in time and site-visit notice
    annotated, the classified day prefetched as ``classified`` (a list of at most one)."""
    same = {"employee": OuterRef("pk"), "day": day}
    notice = SiteVisitNotice.objects.filter(**same)
    employees = staff_visible(User.objects.filter(is_active=True, profile__isnull=False), user=user, field="")
    return (
        employees.select_related("profile", "team")
        .annotate(
            signed_in_at=Subquery(SignIn.objects.filter(**same).values("signed_in_at")[:1]),
            notice_at=Subquery(notice.values("given_at")[:1]),
            notice_place=Subquery(notice.values("place")[:1]),
        )
        .prefetch_related(Prefetch("attendance_days", AttendanceDay.objects.filter(day=day), to_attr="classified"))
        .order_by("team__name", "full_name", "username")
    )


def attendance_today(*, employee, day: datetime.date) -> dict:
    """The employee's sign-in and site-visit notice of ``day`` (None when missing)."""
    return {
        "sign_in": SignIn.objects.filter(employee=employee, day=day).first(),
        "notice": SiteVisitNotice.objects.filter(employee=employee, day=day).first(),
    }


def incidents_of(*, employee) -> QuerySet:
    return AttendanceIncident.objects.filter(employee=employee).select_related("recorded_by")


def reports_of(*, user, hr_sees_all: bool = False) -> QuerySet:
    """Active employees ``user`` decides for (for pickers); HR may see everyone when asked."""
    employees = User.objects.filter(is_active=True, profile__isnull=False).order_by("full_name", "username")
    if user.has_role(Role.SERVICE_MANAGER, Role.ADMIN) or (hr_sees_all and user.has_role(Role.HR)):
        return employees.exclude(pk=user.pk)
    return employees.filter(manager=user)


# --- Leave, travel, assessments ---------------------------------------------------------------------


def leave_visible(*, user) -> QuerySet:
    queryset = LeaveRequest.objects.select_related("employee", "manager_decided_by", "hr_decided_by")
    return staff_visible(queryset, user=user)


def leave_awaiting(*, user) -> QuerySet:
    """Leave requests waiting for ``user``: the manager step for their reports (all of them for a
    service manager), and the HR step for HR."""
    queryset = LeaveRequest.objects.select_related("employee")
    waiting = decidable_by(queryset.filter(status=LeaveStatus.SUBMITTED), user=user)
    if user.has_role(Role.HR):
        waiting = waiting | queryset.filter(status=LeaveStatus.MANAGER_APPROVED).exclude(employee=user)
    return waiting.order_by("start_date", "id")


def travel_visible(*, user) -> QuerySet:
    queryset = TravelRequest.objects.select_related("employee", "decided_by", "claim")
    return staff_visible(queryset, user=user)


def travel_awaiting(*, user) -> QuerySet:
    queryset = TravelRequest.objects.filter(status=TravelRequest.Status.SUBMITTED).select_related("employee")
    return decidable_by(queryset, user=user).order_by("departs_at", "id")


def claims_awaiting(*, user) -> QuerySet:
    queryset = ExpenseClaim.objects.filter(status=ExpenseClaim.Status.SUBMITTED).select_related("travel__employee")
    return decidable_by(queryset, user=user, field="travel__employee").order_by("submitted_at", "id")


def assessments_visible(*, user) -> QuerySet:
    queryset = Assessment.objects.select_related("employee", "assessor", "skill")
    return staff_visible(queryset, user=user)


# --- Penalties, payroll, fund -----------------------------------------------------------------------


def penalty_visible(*, user) -> QuerySet:
    queryset = PenaltyProposal.objects.select_related("rule", "employee", "decided_by", "deduction_run")
    return staff_visible(queryset, user=user)


def penalty_mine(*, user) -> QuerySet:
    """The user's own penalty proposals ("My penalties" and its export), newest first."""
    return PenaltyProposal.objects.filter(employee=user).select_related("rule", "decided_by")


def penalty_awaiting(*, user) -> QuerySet:
    """Undecided proposals ``user`` decides (their reports'; everyone's for a service manager)."""
    queryset = PenaltyProposal.objects.filter(status=PenaltyProposal.Status.PROPOSED).select_related("rule", "employee")
    return decidable_by(queryset, user=user).order_by("occurred_at", "id")


def deduction_runs() -> QuerySet:
    return (
        DeductionRun.objects.select_related("prepared_by", "exported_by")
        .annotate(total=Sum("lines__amount"), employees=Count("lines"))
        .order_by("-month")
    )


def deduction_lines(*, run) -> QuerySet:
    return run.lines.select_related("employee__profile", "employee__team").order_by(
        "employee__full_name", "employee__username"
    )


def fund_signed_sum():
    """Fines count plus, spending minus, summed in the database to two decimals."""
    return Sum(
        Case(When(kind=FundEntry.Kind.SPENDING, then=-F("amount")), default=F("amount")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def fund_balance() -> Decimal:
    """ST-13: fines paid in minus spending, summed in the database."""
    balance = FundEntry.objects.aggregate(balance=fund_signed_sum())["balance"] or Decimal("0")
    return balance.quantize(Decimal("0.01"))


def fund_ledger() -> QuerySet:
    """Ledger entries, newest first, each with the running balance after it (a window sum)."""
    return (
        FundEntry.objects.select_related("recorded_by", "deduction_run")
        .annotate(balance=Window(fund_signed_sum(), order_by=[F("booked_on").asc(), F("id").asc()]))
        .order_by("-booked_on", "-id")
    )
