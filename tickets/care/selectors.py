"""Reads of callbacks, satisfaction and complaints; aggregation happens in the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from servicedesk.core.dates import add_months, local_midnight, month_bounds, month_start

from . import policies
from .models import (
    Answer,
    AttemptOutcome,
    Callback,
    CallbackAttempt,
    CallbackChannel,
    CallbackStatus,
    Complaint,
    ComplaintStatus,
    SurveyResponse,
)


def callback_queue(*, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet[Callback]:
    """CB-1: the specialist's queue. ``due``: "today", "overdue", "due" (today or earlier), "all";
    ``status``: open (default), done or "all"; ``channel``; ``search`` (customer, contact, phone, ticket)."""
    filters = filters or {}
    today = today or timezone.localdate()
    queryset = Callback.objects.select_related("customer", "contact", "engineer", "ticket")
    status = filters.get("status") or CallbackStatus.OPEN
    if status != "all":
        queryset = queryset.filter(status=status)
    due = filters.get("due") or ""
    if due == "today":
        queryset = queryset.filter(due_date=today)
    elif due == "overdue":
        queryset = queryset.filter(due_date__lt=today)
    elif due == "due":
        queryset = queryset.filter(due_date__lte=today)
    if filters.get("channel"):
        queryset = queryset.filter(channel=filters["channel"])
    search = (filters.get("search") or "").strip()
    if search:
        queryset = queryset.filter(
            Q(customer__name__icontains=search)
            | Q(contact__name__icontains=search)
            | Q(contact__mobile__icontains=search)
            | Q(contact__phone__icontains=search)
            | Q(ticket__number__icontains=search)
        )
    return queryset.order_by("due_date", "id")


def callback_detail_queryset() -> QuerySet[Callback]:
    return Callback.objects.select_related(
        "customer", "contact", "engineer", "ticket", "template", "complaint", "escalation_ticket", "service_order", "training_plan"
    )


def callback_answers_prefetch() -> Prefetch:
    """A callback's survey answers with their questions, in one query for a whole page."""
    return Prefetch("response__answers", queryset=Answer.objects.select_related("question"))


def survey_response_list() -> QuerySet[SurveyResponse]:
    """CB-1, CB-5: survey answers, newest first, with the callback's ticket, the engineer and the
    answers per question (two queries per page)."""
    return (
        SurveyResponse.objects.select_related("callback__ticket", "engineer")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question")))
        .order_by("-answered_at", "-id")
    )


def complaint_list(*, filters: dict | None = None) -> QuerySet[Complaint]:
    """HL-10: complaints, oldest due first; ``status`` ("open" default, "overdue", a status, "all"),
    ``route``, ``search`` (ticket number, customer)."""
    filters = filters or {}
    queryset = Complaint.objects.select_related("ticket", "ticket__customer", "employee")
    status = filters.get("status") or "open"
    if status == "open":
        queryset = queryset.exclude(status=ComplaintStatus.CLOSED)
    elif status == "overdue":
        queryset = queryset.filter(answered_at__isnull=True, due_date__lt=timezone.localdate())
    elif status in ComplaintStatus.values:
        queryset = queryset.filter(status=status)
    if filters.get("route"):
        queryset = queryset.filter(route=filters["route"])
    search = (filters.get("search") or "").strip()
    if search:
        queryset = queryset.filter(Q(ticket__number__icontains=search) | Q(ticket__customer__name__icontains=search))
    return queryset.order_by("due_date", "id")


def complaint_detail_queryset() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(
        "ticket", "ticket__customer", "ticket__contact", "employee", "verified_by", "decided_by", "answered_by"
    )


# --- Satisfaction (CB-5, HL-9, OS-10, TR-4) ---------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionRow:
    key: object
    label: str
    total: int
    satisfied: int
    percent: float | None
    meets: bool | None


def _rows(values, *, key, label, target) -> list[SatisfactionRow]:
    rows = []
    for row in values:
        percent = policies.satisfaction_percent(satisfied=row["happy"], total=row["total"])
        rows.append(
            SatisfactionRow(
                key=row[key],
                label=label(row),
                total=row["total"],
                satisfied=row["happy"],
                percent=percent,
                meets=policies.meets_target(percent=percent, target=target),
            )
        )
    return rows


def _rated(start: datetime.date, end: datetime.date) -> QuerySet[SurveyResponse]:
    """Responses with a satisfaction verdict answered in [start, end) (local days)."""
    return SurveyResponse.objects.filter(
        satisfied__isnull=False, answered_at__gte=local_midnight(start), answered_at__lt=local_midnight(end)
    )


_COUNTS = {"total": Count("id"), "happy": Count("id", filter=Q(satisfied=True))}


def satisfaction_by_channel(*, start: datetime.date, end: datetime.date) -> list[SatisfactionRow]:
    """CB-5 per channel: one grouped query; every channel listed, with or without answers."""
    target = settings.SERVICEDESK["SATISFACTION_TARGET"]
    found = {
        row["channel"]: row for row in _rated(start, end).values("channel").annotate(**_COUNTS).order_by("channel")
    }
    values = [found.get(value, {"channel": value, "total": 0, "happy": 0}) for value in CallbackChannel.values]
    return _rows(values, key="channel", label=lambda row: CallbackChannel(row["channel"]).label, target=target)


def satisfaction_by_engineer(*, start: datetime.date, end: datetime.date, channel: str = "") -> list[SatisfactionRow]:
    """CB-5 per engineer (OS-10 for on-site when ``channel="onsite"``), most answers first."""
    target = settings.SERVICEDESK["SATISFACTION_TARGET"]
    queryset = _rated(start, end).filter(engineer__isnull=False)
    if channel:
        queryset = queryset.filter(channel=channel)
    values = (
        queryset.values("engineer", "engineer__full_name", "engineer__username")
        .annotate(**_COUNTS)
        .order_by("-total", "engineer__username")
    )
    return _rows(
        values, key="engineer", label=lambda row: row["engineer__full_name"] or row["engineer__username"], target=target
    )


def satisfaction_by_month(*, start: datetime.date, end: datetime.date, channel: str = "") -> list[SatisfactionRow]:
    """CB-5 per month (TruncMonth in the current time zone); months without answers included."""
    target = settings.SERVICEDESK["SATISFACTION_TARGET"]
    queryset = _rated(start, end)
    if channel:
        queryset = queryset.filter(channel=channel)
    found = {
        timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in queryset.annotate(month=TruncMonth("answered_at")).values("month").annotate(**_COUNTS).order_by("month")
    }
    months, day = [], month_start(start)
    while day < end:
        months.append(found.get(day, {"month": day, "total": 0, "happy": 0}) | {"month": day})
        day = add_months(day, 1)
    return _rows(months, key="month", label=lambda row: row["month"].strftime("%Y-%m"), target=target)


# --- Monthly callback report (CB-4) -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyReport:
    month: datetime.date
    created: int
    done: int
    done_late: int
    overdue_open: int
    unreachable_attempts: int
    escalations: int
    by_channel: list[SatisfactionRow]
    by_engineer: list[SatisfactionRow]


def callback_report(*, month: datetime.date, today: datetime.date | None = None) -> MonthlyReport:
    """CB-4: the month's callbacks in four queries, whatever the number of rows."""
    today = today or timezone.localdate()
    start = month_start(month)
    end = add_months(start, 1)
    since, until = month_bounds(start)
    cutoff = min(today, end)
    in_month = Q(done_at__gte=since, done_at__lt=until)
    counts = Callback.objects.aggregate(
        created=Count("id", filter=Q(arrived_at__gte=since, arrived_at__lt=until)),
        done=Count("id", filter=in_month),
        done_late=Count("id", filter=in_month & Q(done_at__date__gt=F("due_date"))),
        overdue_open=Count("id", filter=Q(status=CallbackStatus.OPEN, due_date__lt=cutoff, arrived_at__lt=until)),
        escalations=Count("id", filter=in_month & Q(escalation_ticket__isnull=False)),
    )
    unreachable = CallbackAttempt.objects.filter(outcome=AttemptOutcome.UNREACHABLE, at__gte=since, at__lt=until).count()
    return MonthlyReport(
        month=start,
        unreachable_attempts=unreachable,
        by_channel=satisfaction_by_channel(start=start, end=end),
        by_engineer=satisfaction_by_engineer(start=start, end=end),
        **counts,
    )



def latest_answered_month(*, now: datetime.datetime) -> datetime.date:
    """The first day of the latest month (local time) with a survey answer up to ``now``; the current
    month when there is none (issue 17: the satisfaction page opens on a month with data)."""
    answered_at = (
        SurveyResponse.objects.filter(answered_at__lte=now).order_by("-answered_at").values_list("answered_at", flat=True).first()
    )
    return timezone.localtime(answered_at or now).date().replace(day=1)
