"""Pure rules of remote maintenance: mandatory fields per record type (RM-1..RM-4), which records a
ticket needs before it is resolved or closed, late records (ST-11), change-request steps and the
overdue check (RM-5), upload limits (RM-7), and how FAQ searches split their text (GN-5).

No database access here; ``services.py`` and ``selectors.py`` apply these decisions.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.core.uploads import DOCUMENT_EXTENSIONS
from tickets.models.tickets import Channel, TicketType
from tickets.policies import TransitionNotAllowed

from .models.kinds import ChangeStatus, RecordKind

# --- Typed service records (RM-1..RM-4) ------------------------------------------------------------

_RM1 = ("contact", "department")
RECORD_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    RecordKind.SESSION: _RM1 + ("actions",),
    RecordKind.DATA_CLEANUP: _RM1 + ("actions", "scope_form", "tools", "sql_used"),
    RecordKind.REPORT_PROBLEM: _RM1 + ("report_name", "question", "analysis", "solution"),
    RecordKind.PASSWORD_RESET: _RM1 + ("application_form", "told_contact"),
}
RECORD_RELATION_FIELDS = frozenset({"contact", "scope_form", "application_form", "told_contact"})
MISSING_FIELD_MESSAGES = {
    "contact": _("Name the contact who was served."),  # RM-1
    "department": _("Name the contact's department."),  # RM-1
    "actions": _("Describe what was done."),  # RM-1
    "scope_form": _("Attach the customer's written scope of the clean-up."),  # RM-2
    "tools": _("Name the tools used."),  # RM-2
    "sql_used": _("Give the SQL statements used."),  # RM-2
    "report_name": _("Name the report."),  # RM-3
    "question": _("Write down the customer's question."),  # RM-3
    "analysis": _("Describe the analysis."),  # RM-3
    "solution": _("Describe the solution."),  # RM-3
    "application_form": _("Attach the customer's formal application."),  # RM-4
    "told_contact": _("Record which contact was told the password."),  # RM-4
}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def record_missing_fields(*, kind: str, values: Mapping[str, object]) -> dict[str, str]:
    """The mandatory fields of ``kind`` that ``values`` leaves empty, each with its message.

    ``values`` may name relations by field (``contact``) or by column (``contact_id``).
    """
    missing = {}
    for field in RECORD_REQUIRED_FIELDS.get(kind, ()):
        value = values.get(f"{field}_id", values.get(field)) if field in RECORD_RELATION_FIELDS else values.get(field)
        if _blank(value):
            missing[field] = MISSING_FIELD_MESSAGES[field]
    return missing


def required_record_kinds(*, channel: str, ticket_type: str) -> list[frozenset[str]]:
    """What a ticket needs before it is resolved or closed: each entry is a set of record kinds of
    which at least one must exist. A data clean-up needs its RM-2 record, a password reset its RM-4
    record; any other remote ticket needs one record of any kind (RM-1)."""
    requirements = []
    if ticket_type == TicketType.DATA_CLEANUP:
        requirements.append(frozenset({RecordKind.DATA_CLEANUP}))
    if ticket_type == TicketType.PASSWORD_RESET:
        requirements.append(frozenset({RecordKind.PASSWORD_RESET}))
    if channel == Channel.REMOTE and not requirements:
        requirements.append(frozenset(RecordKind.values))
    return requirements


def missing_record_kinds(*, channel: str, ticket_type: str, recorded_kinds) -> list[frozenset[str]]:
    recorded = set(recorded_kinds)
    return [need for need in required_record_kinds(channel=channel, ticket_type=ticket_type) if not need & recorded]


def check_records_complete(*, channel: str, ticket_type: str, recorded_kinds) -> None:
    """Raise ``TransitionNotAllowed`` when a mandatory record is missing (RM-1..RM-4)."""
    missing = missing_record_kinds(channel=channel, ticket_type=ticket_type, recorded_kinds=recorded_kinds)
    if not missing:
        return
    need = missing[0]
    if len(need) == 1:
        (kind,) = need
        raise TransitionNotAllowed(
            _("Write the “%(kind)s” service record before resolving or closing this ticket.")  # RM-1..RM-4
            % {"kind": RecordKind(kind).label}
        )
    raise TransitionNotAllowed(
        _("Write the remote service record before resolving or closing this ticket.")  # RM-1
    )


def record_is_late(*, served_at: datetime.datetime, recorded_at: datetime.datetime) -> bool:
    """ST-11: the record was written after the local day of the service had ended."""
    return timezone.localdate(recorded_at) > timezone.localdate(served_at)


# --- Stored documents (RM-7) -----------------------------------------------------------------------

# The one allow-list of servicedesk/core/uploads.py (which also checks the content of the bytes).
ALLOWED_EXTENSIONS = tuple(f".{ext}" for ext in DOCUMENT_EXTENSIONS)


def attachment_problems(*, name: str, size: int, max_bytes: int) -> list[str]:
    """Why a file cannot be stored (empty list = it can)."""
    problems = []
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        problems.append(
            _("Files of type “%(suffix)s” cannot be stored. Allowed: %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS)}
        )
    if size <= 0:
        problems.append(_("The file is empty."))
    elif size > max_bytes:
        problems.append(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    return problems


# --- Change requests (RM-5, RM-6) --------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeStep:
    action: str
    label: str
    sources: frozenset[str]
    target: str  # empty: the status stays (announcing a delay)


CHANGE_STEPS: dict[str, ChangeStep] = {
    step.action: step
    for step in (
        ChangeStep("confirm", _("Confirm the requirement"), frozenset({ChangeStatus.REQUESTED}), ChangeStatus.CONFIRMED),
        ChangeStep("approve", _("Approve with a completion date"), frozenset({ChangeStatus.CONFIRMED}), ChangeStatus.REVIEWED),
        ChangeStep("reject", _("Reject"), frozenset({ChangeStatus.CONFIRMED}), ChangeStatus.REJECTED),
        ChangeStep("tell", _("Customer told the date"), frozenset({ChangeStatus.REVIEWED}), ChangeStatus.SCHEDULED),
        ChangeStep("delay", _("Announce a delay"), frozenset({ChangeStatus.REVIEWED, ChangeStatus.SCHEDULED}), ""),
        ChangeStep("develop", _("Development done"), frozenset({ChangeStatus.SCHEDULED}), ChangeStatus.DEVELOPED),
        ChangeStep("test", _("Requester's test"), frozenset({ChangeStatus.DEVELOPED}), ChangeStatus.TESTED),
        ChangeStep("update", _("Customer updated"), frozenset({ChangeStatus.TESTED}), ChangeStatus.UPDATED),
        ChangeStep("opinion", _("Customer's opinion"), frozenset({ChangeStatus.UPDATED}), ChangeStatus.CLOSED),
    )
}  # fmt: skip

# Promised but not delivered yet: the expected date is running.
AWAITING_DELIVERY = frozenset({ChangeStatus.REVIEWED, ChangeStatus.SCHEDULED})


def allowed_change_steps(status: str) -> list[ChangeStep]:
    return [step for step in CHANGE_STEPS.values() if status in step.sources]


def check_change_step(*, status: str, action: str) -> ChangeStep:
    step = CHANGE_STEPS.get(action)
    if step is None:
        raise TransitionNotAllowed(_("Unknown step “%(action)s”.") % {"action": action})
    if status not in step.sources:
        raise TransitionNotAllowed(
            _("A change request that is “%(status)s” cannot take the step “%(step)s”.")
            % {"status": ChangeStatus(status).label, "step": step.label}
        )
    return step


def change_is_overdue(*, status: str, expected_on: datetime.date | None, today: datetime.date) -> bool:
    """RM-5: the expected completion date has passed and the change is not developed yet."""
    return status in AWAITING_DELIVERY and expected_on is not None and today > expected_on


def delay_announced_in_time(*, expected_on: datetime.date, today: datetime.date) -> bool:
    """RM-5: a delay must be announced before the date passes (on the date itself is still in time)."""
    return today <= expected_on


# --- Knowledge base (GN-5) ------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，。；;:：、?？!！]+")


def search_terms(text: str, *, limit: int = 5) -> list[str]:
    """Words of a search: every one must match (Chinese text without spaces is one term)."""
    return [term for term in _SPLIT.split(text or "") if term][:limit]
