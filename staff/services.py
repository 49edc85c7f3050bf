"""Writes for staff records. Other apps report rule breaches through :func:`penalty_propose`."""

from datetime import datetime

from django.db import IntegrityError, transaction

from .models import PenaltyProposal, PenaltyRule


class UnknownPenaltyRule(LookupError):
    pass


def penalty_propose(*, rule_code: str, employee, source, occurred_at: datetime, details: str = ""):
    """Propose a penalty for ``employee`` because of ``source`` (any saved model instance).

    Idempotent: the same (rule, source, employee) gives the same proposal however often, or however
    concurrently, the event is reported; the database's unique constraint decides. Returns
    ``(proposal, created)``. A rule switched off in the catalogue proposes nothing: ``(None, False)``.
    """
    try:
        rule = PenaltyRule.objects.get(code=rule_code)
    except PenaltyRule.DoesNotExist as exc:
        raise UnknownPenaltyRule(rule_code) from exc
    if not rule.is_active:
        return None, False
    key = {"rule": rule, "employee": employee, **PenaltyProposal.source_key(source)}
    try:
        with transaction.atomic():
            return PenaltyProposal.objects.get_or_create(
                **key, defaults={"occurred_at": occurred_at, "details": details}
            )
    except IntegrityError:  # a concurrent report won the race between the get and the insert
        return PenaltyProposal.objects.get(**key), False
