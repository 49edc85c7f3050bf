"""Pure rules of contract renewals (CT-1, CT-3, CT-4): the status table, who may act, the proposed
period, the payment due date, lateness and completion. No database access here."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.core.dates import add_months
from servicedesk.core.workflow import Transition
from servicedesk.core.workflow import transition as _t
from staff.roles import Role

from .models import RenewalStatus

S = RenewalStatus
MANAGERS = frozenset({Role.SERVICE_MANAGER, Role.ADMIN})
# Callback specialists offer renewals and record the customer's signature; money is the manager's.
SELLERS = MANAGERS | {Role.CALLBACK_SPECIALIST}


# CT-3: offered -> signed -> paid -> applied; declined (contract lost) or cancelled before payment.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("sign", gettext_lazy("Record signing"), {S.OFFERED}, S.SIGNED, SELLERS),
        _t("pay", gettext_lazy("Record payment"), {S.SIGNED}, S.PAID, MANAGERS),
        _t("apply", gettext_lazy("Extend the contract"), {S.PAID}, S.APPLIED, MANAGERS),
        _t("decline", gettext_lazy("Customer declined: contract lost"), {S.OFFERED, S.SIGNED}, S.DECLINED, MANAGERS),
        _t("cancel", gettext_lazy("Cancel the offer"), {S.OFFERED, S.SIGNED}, S.CANCELLED, MANAGERS),
    )
}


def may_offer(*, roles: frozenset[str]) -> bool:
    return bool(roles & SELLERS)


def refusal(*, status: str, action: str, roles: frozenset[str]) -> str | None:
    """Why ``action`` cannot be taken on a renewal in ``status`` by someone with ``roles`` (None: it can)."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        return _("A renewal that is “%(status)s” cannot be changed with “%(action)s”.") % {
            "status": RenewalStatus(status).label,
            "action": transition.label,
        }
    if not roles & transition.by:
        return _("Only a service manager can do “%(action)s”.") % {"action": transition.label}
    return None


def actions_for(*, status: str, roles: frozenset[str]) -> list[Transition]:
    """The buttons to show on a renewal page."""
    return [t for t in TRANSITIONS.values() if refusal(status=status, action=t.action, roles=roles) is None]


def proposed_period(*, current_end: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The renewal form's default: the day after the current end, for ``months`` months."""
    start = current_end + datetime.timedelta(days=1)
    return start, add_months(start, months) - datetime.timedelta(days=1)


def new_period_problem(
    *, current_end: datetime.date, new_start: datetime.date | None, new_end: datetime.date | None
) -> dict[str, str]:
    """CT-3: the new period follows the current one (contiguous with it, or later after a lapse) and
    ends after it starts. Returns field -> message; empty when the period is fine."""
    problems = {}
    if new_start is not None and new_start <= current_end:
        problems["new_start"] = _(
            "The new period must start after the current one ends (%(end)s): on %(next)s or later."
        ) % {"end": current_end.isoformat(), "next": (current_end + datetime.timedelta(days=1)).isoformat()}
    if new_start is not None and new_end is not None and new_end <= new_start:
        problems["new_end"] = _("The new period must end after it starts.")
    return problems


def period_after_renewal(
    *, start: datetime.date, end: datetime.date, new_start: datetime.date, new_end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """CT-1/CT-3: the contract's period once a renewal is applied. A contiguous renewal only moves
    the end; after a lapse the period restarts at the new start (the gap was not covered)."""
    if new_start > end + datetime.timedelta(days=1):
        return new_start, new_end
    return start, new_end


def payment_due_on(*, signed_on: datetime.date, days: int) -> datetime.date:
    """CT-3: payment is due within ``days`` calendar days of signing (the last day it is on time)."""
    return signed_on + datetime.timedelta(days=days)


def payment_overdue(*, due_on: datetime.date | None, paid_on: datetime.date | None, today: datetime.date) -> bool:
    """CT-3: unpaid after the due date. ``today`` is the local date (the service centre's time zone)."""
    return due_on is not None and paid_on is None and today > due_on


def days_overdue(*, due_on: datetime.date, today: datetime.date) -> int:
    return max(0, (today - due_on).days)


def signed_on_problem(*, signed_on: datetime.date, offered_on: datetime.date, today: datetime.date) -> str | None:
    if signed_on > today:
        return _("The signing date cannot be in the future.")
    if signed_on < offered_on:
        return _("The signing date cannot be before the offer (%(date)s).") % {"date": offered_on.isoformat()}
    return None


def payment_problem(
    *, paid_on: datetime.date, amount: Decimal, price: Decimal, signed_on: datetime.date, today: datetime.date
) -> dict[str, str]:
    """CT-3: a payment is recorded once the full price has arrived (the period is extended only then)."""
    problems = {}
    if paid_on > today:
        problems["paid_on"] = _("The payment date cannot be in the future.")
    elif paid_on < signed_on:
        problems["paid_on"] = _("The payment date cannot be before the signing (%(date)s).") % {
            "date": signed_on.isoformat()
        }
    if amount <= 0:
        problems["amount"] = _("The amount received must be more than zero.")
    elif amount < price:
        problems["amount"] = _(
            "%(amount)s is less than the renewal price %(price)s: record the payment once it is complete."
        ) % {
            "amount": amount,
            "price": price,
        }
    return problems


def percent_complete(*, actual: Decimal, target: Decimal | None) -> Decimal | None:
    """CT-4: actual / target in percent, one decimal; None without a target."""
    if not target:
        return None
    return (actual * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
