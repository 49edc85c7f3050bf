"""Reads about seats (who sits where: the CTI webhook and the agent script, HL-14) and the duty
roster (HL-2 staffing, HL-3 publication, HL-4 seat checks, ST-16 holiday duty)."""

import datetime

from django.conf import settings
from django.db.models import Prefetch, Q, Sum

from staff.models import User
from staff.roles import Role
from tickets.models import ServiceContract

from . import policies
from .models import SeatSignIn, Shift, ShiftAssignment


def _at(at: datetime.datetime) -> Q:
    return Q(signed_in_at__lte=at) & (Q(signed_out_at__isnull=True) | Q(signed_out_at__gt=at))


def seat_holder(*, seat: str, at: datetime.datetime) -> User | None:
    """The person signed in at seat number ``seat`` at ``at``, or None."""
    sign_in = SeatSignIn.objects.filter(_at(at), seat__number=seat).select_related("user").first()
    return sign_in.user if sign_in else None


def seat_of(*, user, at: datetime.datetime) -> str | None:
    """The number of the seat ``user`` is signed in at, at ``at``, or None."""
    return SeatSignIn.objects.filter(_at(at), user=user).values_list("seat__number", flat=True).first()


# --- The duty roster -------------------------------------------------------------------------------


def roster_settings() -> dict:
    conf = settings.SERVICEDESK
    return {
        "per_mille": conf["ROSTER_SEATS_PER_MILLE"],
        "minimum": conf["ROSTER_MIN_SEATS"],
        "lead_hours": conf["ROSTER_PUBLISH_LEAD_HOURS"],
        "ready_minutes": conf["ROSTER_SEAT_READY_MINUTES"],
        "lookback_hours": conf["ROSTER_SEAT_CHECK_LOOKBACK_HOURS"],
        "early_minutes": conf["ROSTER_SIGN_IN_EARLY_MINUTES"],
    }


def active_users_by_day(*, days: list[datetime.date]) -> dict[datetime.date, int]:
    """HL-2: active customer users per day, summed over the service contracts in force that day.

    One aggregate query for all ``days`` (a conditional sum per day)."""
    if not days:
        return {}
    sums = ServiceContract.objects.aggregate(
        **{
            f"d{index}": Sum("active_users", filter=Q(start_date__lte=day, end_date__gte=day), default=0)
            for index, day in enumerate(days)
        }
    )
    return {day: sums[f"d{index}"] for index, day in enumerate(days)}


def _assignments():
    return ShiftAssignment.objects.select_related("engineer", "seat").order_by("seat__number")


def shifts_between(*, first_day: datetime.date, last_day: datetime.date):
    """Shifts of the days ``first_day``..``last_day`` with template, duty manager and assignments
    (engineer, seat) loaded: two queries however many assignments there are."""
    return (
        Shift.objects.filter(date__gte=first_day, date__lte=last_day)
        .select_related("template", "duty_manager", "publication__published_by")
        .prefetch_related(Prefetch("assignments", queryset=_assignments()))
        .order_by("date", "template__position", "starts_at")
    )


def roster_week(*, first_day: datetime.date, days: int = 7) -> list[dict]:
    """The roster of ``days`` days from ``first_day``: per day its shifts, each with the staffed
    and required seats (HL-2). Three queries for the whole period."""
    conf = roster_settings()
    dates = [first_day + datetime.timedelta(days=offset) for offset in range(days)]
    users = active_users_by_day(days=dates)
    by_day: dict[datetime.date, list] = {day: [] for day in dates}
    for shift in shifts_between(first_day=dates[0], last_day=dates[-1]):
        assignments = list(shift.assignments.all())
        required = policies.required_seats(
            active_users=users[shift.date], per_mille=conf["per_mille"], minimum=conf["minimum"]
        )
        by_day[shift.date].append(
            {
                "shift": shift,
                "assignments": assignments,
                "staffed": len(assignments),
                "required": required,
                "understaffed": len(assignments) < required,
                "forwarding": next((a for a in assignments if a.forwards_hotline), None),
            }
        )
    return [{"date": day, "active_users": users[day], "shifts": by_day[day]} for day in dates]


def shift_detail_queryset():
    """Shifts with template, duty manager, publication and assignments loaded (for one shift's page)."""
    return (
        Shift.objects.select_related("template", "duty_manager", "publication__published_by")
        .prefetch_related(Prefetch("assignments", queryset=_assignments()))
    )


def shift_staffing(*, shift) -> dict:
    """Staffed vs required seats of one shift (HL-2)."""
    conf = roster_settings()
    required = policies.required_seats(
        active_users=active_users_by_day(days=[shift.date])[shift.date], per_mille=conf["per_mille"], minimum=conf["minimum"]
    )
    staffed = shift.assignments.count()
    return {"staffed": staffed, "required": required, "understaffed": staffed < required}


def shift_changes(*, shift):
    return shift.changes.select_related("changed_by")


def duty_engineers():
    """People who can be rostered on a seat: active hotline agents."""
    return User.objects.filter(is_active=True, groups__name=Role.AGENT).distinct().order_by("full_name", "username")


def duty_manager_candidates():
    return User.objects.filter(is_active=True, groups__name=Role.DUTY_MANAGER).distinct().order_by("full_name", "username")


def shifts_covering(*, at: datetime.datetime):
    """Published shifts running at ``at`` (a shift covers [starts_at, ends_at))."""
    return Shift.objects.filter(published_at__isnull=False, starts_at__lte=at, ends_at__gt=at)


def duties_of(*, user, now: datetime.datetime, days_ahead: int = 14):
    """``user``'s published duties that have not ended yet, within ``days_ahead`` days, soonest first."""
    return (
        ShiftAssignment.objects.filter(
            engineer=user,
            shift__published_at__isnull=False,
            ends_at__gt=now,
            starts_at__lt=now + datetime.timedelta(days=days_ahead),
        )
        .select_related("shift__template", "shift__duty_manager", "seat", "engineer")
        .order_by("starts_at")
    )


def managed_duties_of(*, user, now: datetime.datetime, days_ahead: int = 14):
    """Published shifts ``user`` leads as duty manager, not ended yet."""
    return (
        Shift.objects.filter(
            duty_manager=user,
            published_at__isnull=False,
            ends_at__gt=now,
            starts_at__lt=now + datetime.timedelta(days=days_ahead),
        )
        .select_related("template")
        .order_by("starts_at")
    )


def holiday_duty(*, first_day: datetime.date, last_day: datetime.date):
    """ST-16: the holiday shifts of a period, with who is on duty and whose mobile the hotline rings."""
    return shifts_between(first_day=first_day, last_day=last_day).filter(is_holiday=True)


def seat_check_due_ids(*, now: datetime.datetime) -> list[int]:
    """HL-4: assignments of published shifts whose seat-ready moment has passed and that were not
    checked yet; shifts that started up to the look-back ago are caught up after downtime. The
    holiday engineer the hotline is forwarded to works from their mobile and has no seat check."""
    conf = roster_settings()
    grace = datetime.timedelta(minutes=conf["ready_minutes"])
    return list(
        ShiftAssignment.objects.filter(
            seat_checked_at__isnull=True,
            shift__published_at__isnull=False,
            starts_at__lte=now - grace,
            assigned_at__lte=now - grace,
            starts_at__gte=now - datetime.timedelta(hours=conf["lookback_hours"]),
        )
        .exclude(forwards_hotline=True)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
    )
