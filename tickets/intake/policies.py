"""Pure rules of the public pages (issue 14): the ticket's stage and its SLA promise in plain words,
when the engineer's name may be shown, and which mobile numbers the form accepts. No database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.models.tickets import Status
from tickets.phones import normalize_phone
from tickets.sla.models import ClockKind

SOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def is_mobile(phone: str) -> bool:
    """A mainland mobile number (11 digits starting with 1), however it was typed: the number the
    confirmation SMS and the engineer's call go to."""
    digits = normalize_phone(phone)
    return len(digits) == 11 and digits.startswith("1")


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    done: bool


@dataclass(frozen=True)
class Stage:
    code: str  # received, assigned, visit_booked, solved
    label: str
    steps: tuple[Step, ...]
    visit_start: datetime.datetime | None = None
    engineer_name: str = ""  # only on the day of the visit


def local_moment(moment: datetime.datetime, *, now: datetime.datetime) -> str:
    """"10:30" today, "12-09 10:30" another day (local time)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(now).date():
        return date_format(local, "H:i")
    return date_format(local, "m-d H:i")


def ticket_stage(
    *,
    status: str,
    has_assignee: bool,
    visit_start: datetime.datetime | None,
    visit_engineer: str,
    now: datetime.datetime,
) -> Stage:
    """The stage a customer understands: received -> engineer assigned -> visit booked -> solved.
    ``visit_start``/``visit_engineer`` come from the ticket's open on-site order with an engineer
    (OS-1, OS-3); the engineer's name is told on the day of the visit only."""
    solved = status in SOLVED_STATUSES
    assigned = has_assignee or bool(visit_engineer)
    booked = visit_start is not None and bool(visit_engineer) and not solved
    steps = [
        Step("received", _("Received"), True),
        Step("assigned", _("Engineer assigned"), assigned or solved),
    ]
    if visit_start is not None:
        steps.append(
            Step("visit_booked", _("Visit booked for %(time)s") % {"time": local_moment(visit_start, now=now)}, booked or solved)
        )
    steps.append(Step("solved", _("Solved"), solved))
    on_the_day = booked and timezone.localtime(visit_start).date() == timezone.localtime(now).date()
    engineer_name = visit_engineer if on_the_day else ""
    if solved:
        return Stage("solved", _("Solved"), tuple(steps))
    if booked:
        label = _("Visit booked for %(time)s") % {"time": local_moment(visit_start, now=now)}
        return Stage("visit_booked", label, tuple(steps), visit_start=visit_start, engineer_name=engineer_name)
    if assigned:
        return Stage("assigned", _("Engineer assigned"), tuple(steps))
    return Stage("received", _("Received"), tuple(steps))


def duration_words(delta: datetime.timedelta, *, working: bool) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        if working:
            return ngettext("%(n)d working hour", "%(n)d working hours", hours) % {"n": hours}
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if working:
        return ngettext("%(n)d working minute", "%(n)d working minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _within(clock) -> str:
    if clock.target_working_days:
        days = clock.target_working_days
        return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    return duration_words(clock.target, working=clock.calendar_id is not None)


def sla_promises(*, clocks, now: datetime.datetime) -> list[str]:
    """OS-8 in plain words, from the ticket's respond, arrive and resolve clocks: "We respond within
    2 hours, by 10:30." A met clock says when; a paused or cancelled one says nothing."""
    by_kind = {clock.kind: clock for clock in clocks}
    lines = []
    respond = by_kind.get(ClockKind.RESPOND)
    if respond is not None and respond.cancelled_at is None:
        if respond.met_at:
            lines.append(_("We responded at %(time)s.") % {"time": local_moment(respond.met_at, now=now)})
        elif respond.due_at and not respond.paused_at:
            lines.append(
                _("We respond within %(within)s, by %(time)s.")
                % {"within": _within(respond), "time": local_moment(respond.due_at, now=now)}
            )
    arrive = by_kind.get(ClockKind.ARRIVE)
    if arrive is not None and arrive.is_open and arrive.due_at and not arrive.paused_at:
        lines.append(_("An engineer is on site by %(time)s.") % {"time": local_moment(arrive.due_at, now=now)})
    resolve = by_kind.get(ClockKind.RESOLVE)
    if resolve is not None and resolve.cancelled_at is None:
        if resolve.met_at:
            lines.append(_("Solved at %(time)s.") % {"time": local_moment(resolve.met_at, now=now)})
        elif resolve.due_at and not resolve.paused_at:
            lines.append(
                _("We aim to solve it within %(within)s, by %(time)s.")
                % {"within": _within(resolve), "time": local_moment(resolve.due_at, now=now)}
            )
    return lines
