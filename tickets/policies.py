"""Pure ticket rules: the status transition table, ticket numbers, contract status (HL-13).

No database access here; the service functions in ``services.py`` apply these decisions.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models.tickets import Status


class TransitionNotAllowed(Exception):
    """A status change the transition table does not allow, or one missing what it needs."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    needs_resolution: bool = False
    needs_note: bool = False
    style: str = "secondary"


# new -> in progress -> waiting on customer -> resolved -> closed; reopen from resolved or closed.
# A ticket may be resolved straight from "new" (solved on the phone during the call).
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("start", _("Start work"), frozenset({Status.NEW}), Status.IN_PROGRESS, style="primary"),
        Transition("wait", _("Wait on customer"), frozenset({Status.IN_PROGRESS}), Status.WAITING, needs_note=True),
        Transition("resume", _("Resume work"), frozenset({Status.WAITING}), Status.IN_PROGRESS, style="primary"),
        Transition(
            "resolve",
            _("Resolve"),
            frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING}),
            Status.RESOLVED,
            needs_resolution=True,
            style="success",
        ),
        Transition("close", _("Close"), frozenset({Status.RESOLVED}), Status.CLOSED),
        Transition(
            "reopen",
            _("Reopen"),
            frozenset({Status.RESOLVED, Status.CLOSED}),
            Status.IN_PROGRESS,
            needs_note=True,
            style="danger",
        ),
    )
}


def allowed_transitions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


def check_transition(*, status: str, action: str, note: str = "", resolution: str = "") -> Transition:
    """Return the transition for ``action`` from ``status`` or raise :class:`TransitionNotAllowed`."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(_("Unknown action “%(action)s”.") % {"action": action})
    if status not in transition.sources:
        raise TransitionNotAllowed(
            _("A ticket that is “%(status)s” cannot be changed with “%(action)s”.")
            % {"status": Status(status).label, "action": transition.label}
        )
    if transition.needs_resolution and not resolution.strip():
        raise TransitionNotAllowed(_("Describe the resolution before resolving the ticket."))
    if transition.needs_note and not note.strip():
        raise TransitionNotAllowed(_("Give a reason for “%(action)s”.") % {"action": transition.label})
    return transition


def format_ticket_number(*, prefix: str, year: int, sequence: int) -> str:
    """SD-2026-000123: prefix, the year the ticket was opened (local time), six-digit sequence."""
    return f"{prefix}-{year}-{sequence:06d}"


class ContractState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"
    NONE = "none"

    LABELS = {
        VALID: _("Valid"),
        EXPIRING: _("Expiring soon"),
        EXPIRED: _("Expired"),
        NOT_STARTED: _("Not started yet"),
        NONE: _("No contract"),
    }


def contract_state(*, start_date, end_date, today: datetime.date, warning_days: int) -> str:
    """HL-13: valid / expiring within ``warning_days`` / expired / not started yet."""
    if today < start_date:
        return ContractState.NOT_STARTED
    if today > end_date:
        return ContractState.EXPIRED
    if (end_date - today).days <= warning_days:
        return ContractState.EXPIRING
    return ContractState.VALID
