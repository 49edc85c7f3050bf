"""Monthly deduction runs and the department fund (ST-13)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.dates import month_bounds, month_start

from ..models import DeductionLine, DeductionRun, FundEntry, PenaltyProposal
from ..selectors import fund_balance


def _locked_error(run: DeductionRun) -> ValidationError:
    return ValidationError(_("The deduction run for %(month)s is exported and locked.") % {"month": run})


@transaction.atomic
def deduction_run_prepare(*, month: datetime.date, actor, now: datetime.datetime) -> DeductionRun:
    """ST-13: (re)build the month's run from the confirmed fines not deducted yet, confirmed before
    the month ended; one line per employee. An exported run is locked and refuses."""
    month = month_start(month)
    run = DeductionRun.objects.select_for_update().filter(month=month).first()
    if run is not None and run.is_locked:
        raise _locked_error(run)
    if run is None:
        run = DeductionRun(month=month)
    run.prepared_by, run.prepared_at = actor, now
    run.full_clean()
    run.save()
    cutoff = month_bounds(month)[1]
    PenaltyProposal.objects.filter(deduction_run=run).update(deduction_run=None)
    PenaltyProposal.objects.filter(
        status=PenaltyProposal.Status.CONFIRMED, deduction_run__isnull=True, decided_at__lt=cutoff
    ).update(deduction_run=run)
    run.lines.all().delete()
    totals = (
        PenaltyProposal.objects.filter(deduction_run=run)
        .values("employee")
        .annotate(fines=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    DeductionLine.objects.bulk_create(
        DeductionLine(run=run, employee_id=row["employee"], fines=row["fines"], amount=row["amount"]) for row in totals
    )
    return run


@transaction.atomic
def deduction_run_export(*, run: DeductionRun, actor, now: datetime.datetime) -> DeductionRun:
    """ST-13: lock the run for payroll (exactly once) and pay its total into the department fund."""
    run = DeductionRun.objects.select_for_update().get(pk=run.pk)
    if run.is_locked:
        raise _locked_error(run)
    run.status = DeductionRun.Status.EXPORTED
    run.exported_by, run.exported_at = actor, now
    run.full_clean()
    run.save()
    total = run.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if total > 0:
        entry = FundEntry(
            kind=FundEntry.Kind.FINES,
            booked_on=timezone.localdate(now),
            amount=total,
            description=_("Fines deducted in %(month)s") % {"month": run},
            deduction_run=run,
            recorded_by=actor,
        )
        entry.full_clean()
        entry.save()
    return run


@transaction.atomic
def fund_spend(
    *, amount: Decimal, booked_on: datetime.date, description: str, actor, now: datetime.datetime
) -> FundEntry:
    """ST-13: spend from the department fund; never more than its balance."""
    balance = fund_balance()
    if amount is not None and amount > balance:
        raise ValidationError({"amount": _("The fund holds only %(balance)s.") % {"balance": balance}})
    entry = FundEntry(
        kind=FundEntry.Kind.SPENDING,
        booked_on=booked_on,
        amount=amount,
        description=description.strip(),
        recorded_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry
