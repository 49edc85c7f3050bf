"""Reads of contracts, renewals and sales targets; joins and prefetches are decided here."""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from servicedesk.core.dates import add_months, month_start
from tickets.models import Installation, ServiceContract

from . import policies
from .models import OPEN_STATUSES, SOLD_STATUSES, ContractEvent, Renewal, RenewalSerial, RenewalStatus, SalesTarget

_ZERO = Decimal("0")


def contract_list(*, search: str = "") -> QuerySet[ServiceContract]:
    queryset = ServiceContract.objects.select_related("customer").order_by("end_date", "number")
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search))
    return queryset


def contract_detail_queryset() -> QuerySet[ServiceContract]:
    return ServiceContract.objects.select_related("customer").prefetch_related(
        Prefetch("installations", queryset=Installation.objects.select_related("product").order_by("pk")),
        Prefetch(
            "renewals",
            queryset=Renewal.objects.select_related("offered_by")
            .prefetch_related("serials")
            .order_by("-offered_at", "-pk"),
        ),
        Prefetch("events", queryset=ContractEvent.objects.select_related("actor").order_by("-at", "-pk")),
    )


def open_renewal_for(*, contract: ServiceContract) -> Renewal | None:
    return contract.renewals.filter(status__in=OPEN_STATUSES).first()


def _overdue_q(today: datetime.date) -> Q:
    """CT-3: signed, unpaid, past the due date (``today`` is the local date)."""
    return Q(status=RenewalStatus.SIGNED, payment_due_on__lt=today)


def renewal_list(
    *,
    today: datetime.date,
    status: str = "",
    overdue: bool = False,
    month: datetime.date | None = None,
    search: str = "",
) -> QuerySet[Renewal]:
    """Renewals, newest offer first. ``month``: signed in that month (the CT-4 month of the sale)."""
    queryset = Renewal.objects.select_related("contract__customer", "offered_by").order_by("-offered_at", "-pk")
    if status:
        queryset = queryset.filter(status=status)
    if overdue:
        queryset = queryset.filter(_overdue_q(today))
    if month is not None:
        month = month_start(month)
        queryset = queryset.filter(signed_on__gte=month, signed_on__lt=add_months(month, 1))
    if search:
        queryset = queryset.filter(
            Q(contract__number__icontains=search) | Q(contract__customer__name__icontains=search)
        )
    return queryset


def renewals_overdue(*, today: datetime.date) -> QuerySet[Renewal]:
    """The payment-overdue list: oldest due date first."""
    return (
        Renewal.objects.filter(_overdue_q(today))
        .select_related("contract__customer", "signed_recorded_by")
        .order_by("payment_due_on", "pk")
    )


def renewal_detail_queryset() -> QuerySet[Renewal]:
    return Renewal.objects.select_related(
        "contract__customer", "offered_by", "signed_recorded_by", "payment_recorded_by", "applied_by", "closed_by"
    ).prefetch_related(
        Prefetch("serials", queryset=RenewalSerial.objects.select_related("installation__product")),
        Prefetch("events", queryset=ContractEvent.objects.select_related("actor").order_by("-at", "-pk")),
    )


# --- CT-4 ----------------------------------------------------------------------------------------------


def _sold_by_month(start: datetime.date, end: datetime.date) -> dict[datetime.date, dict]:
    """Sum and count of renewals signed in [start, end), per month, in one grouped query."""
    rows = (
        Renewal.objects.filter(status__in=SOLD_STATUSES, signed_on__gte=start, signed_on__lt=end)
        .annotate(month=TruncMonth("signed_on"))
        .values("month")
        .annotate(amount=Sum("price"), count=Count("pk"))
        .order_by()
    )
    return {_as_date(row["month"]): row for row in rows}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _month_row(month: datetime.date, target: SalesTarget | None, sold: dict | None) -> dict:
    actual = (sold or {}).get("amount") or _ZERO
    return {
        "month": month,
        "target": target,
        "target_amount": target.amount if target else None,
        "target_count": target.count if target else None,
        "actual": actual,
        "actual_count": (sold or {}).get("count") or 0,
        "percent": policies.percent_complete(actual=actual, target=target.amount if target else None),
    }


def sales_year(*, year: int) -> dict:
    """CT-4: each month of ``year`` with its target, the actual sales (renewals signed in the month,
    still valid: signed, paid or applied; sum of their prices) and the share reached. Two queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    targets = {t.month: t for t in SalesTarget.objects.filter(month__gte=start, month__lt=end)}
    sold = _sold_by_month(start, end)
    months = [
        _month_row(
            datetime.date(year, m, 1), targets.get(datetime.date(year, m, 1)), sold.get(datetime.date(year, m, 1))
        )
        for m in range(1, 13)
    ]
    total_target = sum((row["target_amount"] or _ZERO for row in months), _ZERO)
    total_actual = sum((row["actual"] for row in months), _ZERO)
    return {
        "months": months,
        "total_target": total_target,
        "total_actual": total_actual,
        "total_count": sum(row["actual_count"] for row in months),
        "total_percent": policies.percent_complete(actual=total_actual, target=total_target),
    }


def sales_target_for(*, month: datetime.date) -> SalesTarget | None:
    return SalesTarget.objects.filter(month=month_start(month)).first()


def sales_month(*, day: datetime.date) -> dict:
    """CT-4: the progress of the month containing ``day`` (two queries)."""
    month = month_start(day)
    target = SalesTarget.objects.filter(month=month).first()
    sold = _sold_by_month(month, add_months(month, 1)).get(month)
    return _month_row(month, target, sold)
