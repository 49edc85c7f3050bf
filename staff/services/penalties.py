"""Penalty proposals (ST-3..ST-13) and confirmed complaints (ST-6, ST-7).

Other apps report a rule breach by calling :func:`penalty_propose`; managers confirm or waive with
:func:`penalty_confirm` / :func:`penalty_waive`; the employee answers with :func:`penalty_statement_add`.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.dates import local_midnight

from .. import policies
from ..models import ConfirmedComplaint, PenaltyProposal, PenaltyRule, User
from ..models.penalties import source_key
from ._notify import approvers_of, notify
from ._once import record_once


class UnknownPenaltyRule(LookupError):
    pass


@transaction.atomic
def penalty_propose(*, rule_code: str, employee, source, occurred_at: datetime, details: str = ""):
    """Propose a penalty for ``employee`` because of ``source`` (any saved model instance).

    Idempotent: the same (rule, source, employee) gives the same proposal however often, or however
    concurrently, the event is reported; the database's unique constraint decides. Returns
    ``(proposal, created)``. A rule switched off in the catalogue proposes nothing: ``(None, False)``.
    A new proposal is announced to the employee and to their manager.
    """
    try:
        rule = PenaltyRule.objects.get(code=rule_code)
    except PenaltyRule.DoesNotExist as exc:
        raise UnknownPenaltyRule(rule_code) from exc
    if not rule.is_active:
        return None, False
    proposal, created = record_once(
        PenaltyProposal,
        key={"rule": rule, "employee": employee, **source_key(source)},
        defaults={"occurred_at": occurred_at, "details": details},
    )
    if created:
        notify(
            [employee, *approvers_of(employee)],
            title=_("Penalty proposed: %(rule)s") % {"rule": rule},
            body=details,
            url=proposal.get_absolute_url(),
            key=f"penalty-proposed:{proposal.pk}",
        )
    return proposal, created


def _proposal_for_decision(proposal: PenaltyProposal, actor) -> PenaltyProposal:
    proposal = PenaltyProposal.objects.select_for_update().select_related("rule", "employee").get(pk=proposal.pk)
    if not policies.can_decide_for(actor, proposal.employee):
        raise PermissionDenied
    if proposal.status != PenaltyProposal.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    return proposal


@transaction.atomic
def penalty_confirm(
    *, proposal: PenaltyProposal, amount: Decimal, actor, now: datetime, note: str = ""
) -> PenaltyProposal:
    """ST-13: the manager confirms the fine with an amount inside the catalogue's range."""
    proposal = _proposal_for_decision(proposal, actor)
    rule = proposal.rule
    if amount is None or not policies.penalty_amount_allowed(
        amount=amount, amount_min=rule.amount_min, amount_max=rule.amount_max
    ):
        raise ValidationError(
            {
                "amount": _("Choose an amount from %(min)s to %(max)s.")
                % {"min": rule.amount_min, "max": rule.amount_max}
            }
        )
    proposal.status = PenaltyProposal.Status.CONFIRMED
    proposal.amount = amount
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.decision_reason = note.strip()
    proposal.full_clean()
    proposal.save()
    _announce_decision(proposal)
    return proposal


@transaction.atomic
def penalty_waive(*, proposal: PenaltyProposal, reason: str, actor, now: datetime) -> PenaltyProposal:
    """The manager waives the proposal; the reason is required and kept."""
    proposal = _proposal_for_decision(proposal, actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the penalty is waived.")})
    proposal.status = PenaltyProposal.Status.WAIVED
    proposal.decided_by = actor
    proposal.decided_at = now
    proposal.decision_reason = reason.strip()
    proposal.full_clean()
    proposal.save()
    _announce_decision(proposal)
    return proposal


def penalty_withdraw_stale(*, source, keep_rule_code: str | None, now: datetime, reason: str) -> int:
    """Waive the undecided proposals of ``source`` other than ``keep_rule_code`` (a reclassified
    attendance day no longer supports them). Returns how many were withdrawn."""
    stale = PenaltyProposal.objects.filter(**source_key(source), status=PenaltyProposal.Status.PROPOSED)
    if keep_rule_code:
        stale = stale.exclude(rule__code=keep_rule_code)
    withdrawn = 0
    for proposal in stale:
        proposal.status = PenaltyProposal.Status.WAIVED
        proposal.decided_at = now
        proposal.decision_reason = reason
        proposal.save()
        withdrawn += 1
    return withdrawn


def _announce_decision(proposal: PenaltyProposal) -> None:
    if proposal.status == PenaltyProposal.Status.CONFIRMED:
        title = _("Penalty confirmed: %(rule)s, %(amount)s") % {"rule": proposal.rule, "amount": proposal.amount}
    else:
        title = _("Penalty waived: %(rule)s") % {"rule": proposal.rule}
    notify(
        [proposal.employee],
        title=title,
        body=proposal.decision_reason,
        url=proposal.get_absolute_url(),
        key=f"penalty-decided:{proposal.pk}",
    )


@transaction.atomic
def penalty_statement_add(*, proposal: PenaltyProposal, employee, statement: str, now: datetime) -> PenaltyProposal:
    """The employee's own statement on a proposal, while it is still undecided."""
    proposal = PenaltyProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.employee_id != employee.pk:
        raise PermissionDenied
    if proposal.status != PenaltyProposal.Status.PROPOSED:
        raise ValidationError(_("The proposal has been decided; the statement can no longer change."))
    if not statement.strip():
        raise ValidationError({"statement": _("Write your statement.")})
    proposal.employee_statement = statement.strip()
    proposal.statement_at = now
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def complaint_confirmed_record(
    *, employee, source, confirmed_at: datetime, about_attitude: bool = True
) -> tuple[ConfirmedComplaint, list[PenaltyProposal]]:
    """Record a confirmed complaint against ``employee`` and propose what ST-6 and ST-7 require.

    Exactly once per (employee, source): reporting the same source again returns the stored
    complaint and proposes nothing. ST-6: the first confirmed attitude complaint proposes the fine
    (``st6-attitude-complaint``), any later one a dismissal (``st6-attitude-repeat``). ST-7: the
    third (or later) confirmed complaint within six months, counted by calendar day, proposes a
    demotion or dismissal review (``st7-three-complaints``). Proposals link to ``source``.
    """
    # One complaint at a time per employee, so two arriving together cannot both be "the first".
    User.objects.select_for_update().filter(pk=employee.pk).first()
    complaint, created = record_once(
        ConfirmedComplaint,
        key={"employee": employee, **source_key(source)},
        defaults={"confirmed_at": confirmed_at, "about_attitude": about_attitude},
    )
    if not created:
        return complaint, []
    tz = timezone.get_current_timezone()
    window_start = local_midnight(
        policies.months_before(timezone.localdate(confirmed_at, tz), settings.SERVICEDESK["COMPLAINT_WINDOW_MONTHS"]),
        tz,
    )
    earlier = (
        ConfirmedComplaint.objects.filter(employee=employee, confirmed_at__lte=confirmed_at)
        .exclude(pk=complaint.pk)
        .aggregate(
            attitude=Count("id", filter=Q(about_attitude=True)),
            in_window=Count("id", filter=Q(confirmed_at__gte=window_start)),
        )
    )
    codes = policies.complaint_penalties(
        about_attitude=about_attitude,
        earlier_attitude_complaints=earlier["attitude"],
        complaints_in_window=earlier["in_window"] + 1,
        review_at=settings.SERVICEDESK["COMPLAINT_REVIEW_COUNT"],
    )
    details = _("Confirmed complaint: %(source)s") % {"source": source}
    proposals = []
    for code in codes:
        proposal, _created = penalty_propose(
            rule_code=code, employee=employee, source=source, occurred_at=confirmed_at, details=details
        )
        if proposal is not None:
            proposals.append(proposal)
    return complaint, proposals
