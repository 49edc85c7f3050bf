"""Pure hotline rules: answered in time (HL-5), forbidden phrases (HL-14), what each outcome needs,
call-back and visit dates (HL-6, HL-11). No database access here."""

import datetime
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Outcome


def ring_seconds(*, started_at: datetime.datetime, answered_at: datetime.datetime | None) -> int | None:
    """HL-5: seconds the phone rang, from the start and answer times (None when not answered)."""
    if answered_at is None:
        return None
    return max(0, round((answered_at - started_at).total_seconds()))


def answered_in_time(*, ring_seconds: int | None, threshold_seconds: int) -> bool | None:
    """HL-5: answered within the three-ring threshold; None when the ring time is unknown."""
    if ring_seconds is None:
        return None
    return ring_seconds <= threshold_seconds


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def forbidden_phrases_in(*, texts: Iterable[str], phrases: Iterable[str]) -> list[str]:
    """HL-14: the forbidden phrases that occur in any of ``texts`` (ignoring spaces and case), in the
    order of ``phrases``."""
    haystack = "\n".join(_squash(text) for text in texts)
    return [phrase for phrase in phrases if phrase and _squash(phrase) in haystack]


# Fields each outcome needs besides the intake (HL-6, HL-7, HL-8, HL-10, HL-11).
OUTCOME_REQUIRED = {
    Outcome.SOLVED: ("resolution",),
    Outcome.CALLBACK: ("callback_owner", "callback_due_at", "callback_note"),
    Outcome.ONSITE: ("agreed_start", "agreed_end"),
    Outcome.URGENT_VISIT: ("demands",),
    Outcome.REJECTED_TIME: ("demands",),
    Outcome.COMPLAINT: ("complaint_about", "complaint_text"),
}


def outcome_missing(*, outcome: str, values: dict) -> list[str]:
    """Names of the fields ``outcome`` needs that are empty in ``values``."""
    return [name for name in OUTCOME_REQUIRED.get(outcome, ()) if values.get(name) in (None, "", [])]


def callback_due_problem(*, due_at: datetime.datetime, now: datetime.datetime) -> str:
    """HL-11: a promised call-back lies in the future."""
    if due_at <= now:
        return _("The call-back time must be in the future.")
    return ""


def visit_window_problems(
    *,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    called_at: datetime.datetime,
    max_days: int,
) -> dict[str, str]:
    """HL-6: the visit window the agent offered and the customer agreed, as field -> message (empty
    when it is fine): both ends given, the end after the start, starting after the call and on a
    day at most ``max_days`` (three) days after the call's day. The offered date is the start's day
    (``visit_offered_date``); the 24-hour arrangement clock is started by the service, not here."""
    problems = {}
    if start is None:
        problems["agreed_start"] = _("Give the start of the visit window offered to the customer.")
    if end is None:
        problems["agreed_end"] = _("Give the end of the visit window.")
    if problems:
        return problems
    if end <= start:
        problems["agreed_end"] = _("The visit window must end after it starts.")
    if start < called_at:
        problems["agreed_start"] = _("The visit cannot start before the call.")
    elif (visit_offered_date(start=start) - timezone.localdate(called_at)).days > max_days:
        problems["agreed_start"] = _("Offer a visit within %(days)d days of the call.") % {"days": max_days}
    return problems


def visit_offered_date(*, start: datetime.datetime) -> datetime.date:
    """HL-6: the date the visit was offered for is the local day the agreed window starts."""
    return timezone.localdate(start)
