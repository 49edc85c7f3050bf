"""Reads for the hotline."""

from django.db.models import QuerySet

from staff.models import User
from staff.roles import Role

# Reads of the call screen, queues and statistics. Imports inside the functions keep this module
# import-light: onsite.services imports it while the apps load.

# --- Caller lookup (HL-12, HL-13) -------------------------------------------------------------------

CALL_LOOKUP_TICKETS = 10
POPUP_LIMIT = 5


def caller_match(*, phone: str) -> dict:
    """Contacts and customers whose number matches ``phone`` however it was typed; the single
    customer/contact when the match is unambiguous."""
    from tickets.models import Customer
    from tickets.phones import normalize_phone
    from tickets.selectors import contacts_by_phone

    digits = normalize_phone(phone)
    if len(digits) < 5:
        return {"digits": digits, "contacts": [], "customers": [], "customer": None, "contact": None}
    contacts = list(contacts_by_phone(phone=phone)[:10])
    customers = {c.customer_id: c.customer for c in contacts}
    for customer in Customer.objects.filter(phone_normalized=digits, is_active=True).select_related("region")[:10]:
        customers.setdefault(customer.pk, customer)
    customer_list = sorted(customers.values(), key=lambda c: c.name)
    customer = customer_list[0] if len(customer_list) == 1 else None
    contact = contacts[0] if len(contacts) == 1 else None
    return {"digits": digits, "contacts": contacts, "customers": customer_list, "customer": customer, "contact": contact}


def caller_overview(*, customer, today) -> dict:
    """What the agent sees about a customer on the call: installations with their products'
    checklists, contracts with valid / expiring / expired (HL-13), open tickets to link the call to."""
    from tickets.models import Ticket
    from tickets.selectors import contracts_with_state

    installations = list(customer.installations.select_related("product").order_by("product__name", "serial_number"))
    return {
        "customer": customer,
        "installations": installations,
        "contracts": contracts_with_state(customer=customer, today=today),
        "open_tickets": list(
            Ticket.objects.open().filter(customer=customer).select_related("contact")[:CALL_LOOKUP_TICKETS]
        ),
    }


def checklist_for_product(*, product_id: int | None):
    """HL-12: the active diagnostic checklist of a product with its questions, or None."""
    from .models import DiagnosticChecklist

    if not product_id:
        return None
    return (
        DiagnosticChecklist.objects.filter(product_id=product_id, is_active=True)
        .prefetch_related("items")
        .first()
    )


def incoming_calls(*, user, now) -> QuerySet:
    """CTI pop-up: unlogged calls of the last minutes rung to ``user``'s seat or given to them."""
    import datetime

    from django.conf import settings
    from django.db.models import Q

    from hotline.roster.selectors import seat_of

    from .models import CallLog

    since = now - datetime.timedelta(minutes=settings.SERVICEDESK["HOTLINE_POPUP_MINUTES"])
    seat = seat_of(user=user, at=now)
    mine = Q(agent=user) | Q(seat=seat) if seat else Q(agent=user)
    return (
        CallLog.objects.filter(mine, outcome="", pbx_call_id__isnull=False, started_at__gte=since)
        .select_related("customer", "contact")
        .order_by("-started_at", "-id")[:POPUP_LIMIT]
    )


# --- Lists and queues --------------------------------------------------------------------------------


def call_list(*, search: str = "", outcome: str = "", agent=None, start=None, end=None, unlogged: bool = False) -> QuerySet:
    """Calls newest first with what the list shows; one query per page."""
    from django.db.models import Q

    from tickets.phones import normalize_phone

    from .models import CallLog

    queryset = CallLog.objects.select_related("agent", "customer", "ticket")
    if search:
        search = search.strip()
        digits = normalize_phone(search)
        condition = Q(organisation__icontains=search) | Q(problem__icontains=search) | Q(ticket__number=search.upper())
        if len(digits) >= 5 and digits == search.replace(" ", "").replace("-", "").lstrip("+"):
            condition |= Q(caller_phone_normalized=digits)
        queryset = queryset.filter(condition)
    if outcome:
        queryset = queryset.filter(outcome=outcome)
    if unlogged:
        queryset = queryset.filter(outcome="")
    if agent is not None:
        queryset = queryset.filter(agent=agent)
    if start is not None:
        queryset = queryset.filter(started_at__gte=start)
    if end is not None:
        queryset = queryset.filter(started_at__lt=end)
    return queryset.order_by("-started_at", "-id")


def call_detail_queryset() -> QuerySet:
    from .models import CallLog

    return CallLog.objects.select_related(
        "agent", "customer", "contact", "region", "installation__product", "ticket", "logged_by", "checklist"
    )


def call_visit(*, call):
    """HL-6: the on-site order a call asked for (its ticket's latest), with the agreed window; None
    for other outcomes."""
    from onsite.models import ServiceOrder

    from .models import Outcome

    if call.outcome != Outcome.ONSITE or call.ticket_id is None:
        return None
    return ServiceOrder.objects.filter(ticket_id=call.ticket_id).order_by("-requested_at", "-pk").first()


def call_history(*, call) -> list:
    """The call's change history, oldest first (django-simple-history)."""
    return list(call.history.select_related("history_user").order_by("history_date", "history_id"))


def duty_queue(*, limit: int = 100) -> dict:
    """Everything waiting on the duty manager: HL-7 1-hour call-backs (soonest due first), HL-8
    rejected times, on-site escalations (OS-5)."""
    from onsite.models import OrderStatus, ServiceOrder

    from .models import DutyRequest, DutyRequestKind

    open_requests = DutyRequest.objects.filter(done_at__isnull=True).select_related(
        "ticket", "call__agent", "call__contact"
    )
    return {
        "callbacks": list(open_requests.filter(kind=DutyRequestKind.URGENT_VISIT).order_by("due_at", "id")[:limit]),
        "rejected": list(open_requests.filter(kind=DutyRequestKind.REJECTED_TIME).order_by("created_at", "id")[:limit]),
        "escalations": list(
            ServiceOrder.objects.filter(status=OrderStatus.ESCALATED)
            .select_related("ticket__customer", "engineer")
            .order_by("requested_at", "id")[:limit]
        ),
    }


def my_callbacks(*, user, limit: int = 100) -> dict:
    """HL-11: the promised call-backs ``user`` owns: open ones (soonest first), recently done ones."""
    from .models import CallbackPromise

    promises = CallbackPromise.objects.filter(owner=user).select_related("ticket", "call__contact")
    return {
        "open": list(promises.filter(done_at__isnull=True).order_by("due_at", "id")[:limit]),
        "done": list(promises.filter(done_at__isnull=False).order_by("-done_at", "-id")[:20]),
    }


def agent_queue(*, user, now, limit: int = 5) -> dict:
    """Issue 17: what waits for the agent beside the call screen, in four queries whatever the data:
    their open promised call-backs (HL-11, soonest first), their open tickets (earliest running SLA
    deadline first) and the counts behind both lists, plus the open tickets nobody owns yet."""
    from django.db.models import Count, F, Q

    from tickets.selectors import ticket_list

    from .models import CallbackPromise

    promises = CallbackPromise.objects.filter(owner=user, done_at__isnull=True)
    tickets = ticket_list(user=user).open()
    counts = tickets.order_by().aggregate(
        mine=Count("pk", filter=Q(assignee=user)), unassigned=Count("pk", filter=Q(assignee__isnull=True))
    )
    return {
        "promises": list(promises.select_related("ticket", "call__contact").order_by("due_at", "id")[:limit]),
        "promises_open": promises.count(),
        "tickets": list(
            tickets.filter(assignee=user).order_by(F("next_due_at").asc(nulls_last=True), "-created_at")[:limit]
        ),
        "tickets_open": counts["mine"],
        "unassigned_open": counts["unassigned"],
        "now": now,
    }


# --- Statistics (HL-5, GN-6) -----------------------------------------------------------------------------


def call_stats(*, start, end, threshold_seconds: int) -> dict:
    """Calls in [start, end): per local day, per hour of the day, by outcome and per agent, each with
    the share answered within ``threshold_seconds`` (HL-5) among calls whose ring time is known.
    Aggregated in the database: four queries whatever the number of calls."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractHour, TruncDate
    from django.utils import timezone

    from .models import CallLog, Outcome

    calls = CallLog.objects.filter(started_at__gte=start, started_at__lt=end).order_by()
    timed = Q(ring_seconds__isnull=False)
    in_time = Q(ring_seconds__lte=threshold_seconds)
    measures = {"calls": Count("pk"), "timed": Count("pk", filter=timed), "in_time": Count("pk", filter=in_time)}
    tz = timezone.get_current_timezone()

    def share(row):
        row["share"] = round(100 * row["in_time"] / row["timed"], 1) if row["timed"] else None
        return row

    days = [share(r) for r in calls.annotate(day=TruncDate("started_at", tzinfo=tz)).values("day").annotate(**measures).order_by("day")]
    hours = [
        share(r) for r in calls.annotate(hour=ExtractHour("started_at", tzinfo=tz)).values("hour").annotate(**measures).order_by("hour")
    ]
    labels = dict(Outcome.choices)
    outcomes = [
        {**r, "label": labels.get(r["outcome"], _not_logged())}
        for r in calls.values("outcome").annotate(calls=Count("pk")).order_by("-calls", "outcome")
    ]
    agents = [
        share(r)
        for r in calls.values("agent", "agent__full_name", "agent__username")
        .annotate(**measures, solved=Count("pk", filter=Q(outcome=Outcome.SOLVED)))
        .order_by("-calls", "agent__username")
    ]
    total = {"calls": sum(r["calls"] for r in days), "timed": sum(r["timed"] for r in days), "in_time": sum(r["in_time"] for r in days)}
    return {"total": share(total), "days": days, "hours": hours, "outcomes": outcomes, "agents": agents}


def _not_logged():
    from django.utils.translation import gettext

    return gettext("Not logged yet")


def duty_managers_on_shift(*, at) -> QuerySet[User]:
    """The duty managers (值班经理) who receive escalations at ``at`` (SLA breaches, HL-7 call-backs).

    The active duty manager(s) of the published roster shift(s) covering ``at`` (HL-3); when no
    published shift covers ``at`` (or it has no active duty manager, or ``at`` is None), every
    active user with the duty-manager role, so an escalation always reaches someone.
    """
    if at is not None:
        on_shift = User.objects.filter(
            is_active=True,
            managed_shifts__published_at__isnull=False,
            managed_shifts__starts_at__lte=at,
            managed_shifts__ends_at__gt=at,
        )
        if on_shift.exists():
            return on_shift.distinct().order_by("pk")
    return User.objects.filter(is_active=True, groups__name=Role.DUTY_MANAGER).distinct().order_by("pk")
