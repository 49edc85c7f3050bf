"""Pure rules of callbacks and complaints: no database, the clock and calendar passed in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from staff.calendars import Calendar, add_working_days, next_working_day

# Ticket channels whose resolution is a "service feedback form" for the hotline callback (CB-1, HL-9).
HOTLINE_TICKET_CHANNELS = frozenset({"hotline", "web", "messaging"})


def callback_due_date(*, arrived_at: datetime.datetime, calendar: Calendar) -> datetime.date:
    """CB-1: the callback is made on the working day after the feedback form arrived."""
    return next_working_day(calendar, arrived_at.astimezone(calendar.tz).date())


def complaint_due_date(*, received_at: datetime.datetime, calendar: Calendar, working_days: int) -> datetime.date:
    """CB-6: an answer and a plan within N working days of receiving the complaint."""
    return add_working_days(calendar, received_at.astimezone(calendar.tz).date(), working_days)


def ticket_callback_channel(*, ticket_channel: str, ticket_type: str, new_status: str) -> str | None:
    """Which callback a ticket status change calls for (CB-1), or None.

    - a hotline / web / messaging ticket resolved -> hotline callback (HL-9);
    - a remote ticket resolved or closed (remote record closed) -> remote callback;
    - complaints get theirs after the answer (CB-2); on-site tickets after the signature (OS-10).
    """
    if ticket_type == "complaint":
        return None
    if ticket_channel in HOTLINE_TICKET_CHANNELS and new_status == "resolved":
        return "hotline"
    if ticket_channel == "remote" and new_status in ("resolved", "closed"):
        return "remote"
    return None


@dataclass(frozen=True)
class QuestionRule:
    kind: str
    is_overall: bool
    is_resolution: bool
    satisfied_min: int | None


def answer_is_satisfied(*, rule: QuestionRule, rating: int | None, yes: bool | None) -> bool | None:
    """CB-5: does this answer to the overall question count as satisfied? None when unanswered."""
    if rule.kind == "scale":
        if rating is None or rule.satisfied_min is None:
            return None
        return rating >= rule.satisfied_min
    if rule.kind == "yes_no":
        return yes
    return None


def satisfaction_percent(*, satisfied: int, total: int) -> float | None:
    """CB-5: share of satisfied answers in percent (None without answers)."""
    if not total:
        return None
    return round(100.0 * satisfied / total, 1)


def meets_target(*, percent: float | None, target: int) -> bool | None:
    """HL-9, OS-10, TR-4: satisfaction must exceed the target (strictly: "> 85 %")."""
    if percent is None:
        return None
    return percent > target


VERIFY_ROUTES_NEED = {
    "partner": ("partner_name", "verification"),
    "product": ("vendor_reference",),
    "employee": ("employee",),
    "other": ("verification",),
}
