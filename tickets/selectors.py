"""Reads for tickets and customers; query shapes (select_related, visibility) are decided here."""

import datetime
import re

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from staff.roles import Role

from .models import Contact, Customer, Installation, ServiceContract, Ticket, TicketEvent
from .models.tickets import Status
from .phones import normalize_phone
from .policies import ContractState, contract_state
from .sla.models import SLAClock

# Roles that see every ticket and customer record (GN-7: customer data by role only).
TICKET_DESK_ROLES = (
    Role.AGENT,
    Role.DUTY_MANAGER,
    Role.SERVICE_MANAGER,
    Role.CALLBACK_SPECIALIST,
    Role.ADMIN,
)
# Roles that work tickets at all; engineers see the tickets assigned to them.
TICKET_ROLES = TICKET_DESK_ROLES + (Role.ENGINEER,)
# Roles that open, edit, assign and move tickets.
TICKET_EDIT_ROLES = (Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN, Role.ENGINEER)
# GN-6: who reads the monthly service statistics.
STATISTICS_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)


def ticket_visible_queryset(*, user) -> QuerySet[Ticket]:
    """Tickets ``user`` may see: all of them for the desk roles, their own for engineers."""
    queryset = Ticket.objects.all()
    if user.has_role(*TICKET_DESK_ROLES):
        return queryset
    if user.has_role(Role.ENGINEER):
        return queryset.filter(assignee=user)
    return queryset.none()


def _running_clocks() -> QuerySet[SLAClock]:
    return SLAClock.objects.filter(
        met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, due_at__isnull=False
    )


def ticket_list(*, user) -> QuerySet[Ticket]:
    """Rows for the ticket list: one query for the page whatever its size. ``next_due_at`` is the
    earliest deadline of the ticket's running SLA clocks (None: nothing running), computed by a
    subquery in the same statement (issue 17, the list's Due column)."""
    earliest = (
        _running_clocks()
        .filter(ticket=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(earliest=Min("due_at"))
        .values("earliest")
    )
    return (
        ticket_visible_queryset(user=user)
        .select_related("customer", "contact", "assignee")
        .annotate(next_due_at=Subquery(earliest))
    )


def ticket_sla_clocks(*, ticket: Ticket) -> list:
    """The ticket's SLA clocks for the ticket page (one query): open ones first by deadline, then
    the finished ones (met, cancelled) by when they started."""
    clocks = list(SLAClock.objects.filter(ticket=ticket).order_by("started_at", "pk"))
    return sorted(clocks, key=lambda c: (not c.is_open, c.due_at is None, c.due_at or c.started_at, c.pk))


def ticket_detail_queryset(*, user) -> QuerySet[Ticket]:
    return ticket_visible_queryset(user=user).select_related(
        "customer__region", "contact", "installation__product", "contract", "assignee", "created_by"
    )


def ticket_service_orders(*, ticket: Ticket) -> list:
    """The ticket's on-site orders, newest first, with their engineer (the ticket page's side panel)."""
    return list(ticket.service_orders.select_related("engineer").order_by("-pk")[:10])


def ticket_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("created_at", "id")


TICKET_NUMBER = re.compile(r"^[A-Za-z]{1,6}-\d{4}-\d{1,9}$")
PHONE_LIKE = re.compile(r"^[\d\s()+\-./]+$")


# How many matching customers a word search looks at; a word that matches more is not selective.
SEARCH_CUSTOMER_LIMIT = 200


def ticket_search_filter(text: str) -> Q:
    """Search by ticket number, contact/customer phone (typed in any format) or words.

    Each kind of input takes an indexed path: an exact number hits the unique index; a phone number
    is first resolved to contact and customer ids through the normalised-phone indexes; words search
    the subject and description (trigram indexes on PostgreSQL) and the customers whose name
    matches. Ids are resolved in a separate small query on purpose: ``x IN (subquery) OR ...`` keeps
    PostgreSQL from combining the indexes and makes it scan every ticket.
    """
    text = text.strip()
    if TICKET_NUMBER.match(text):
        return Q(number=text.upper())
    digits = normalize_phone(text)
    if PHONE_LIKE.match(text) and len(digits) >= 5:
        contact_ids = list(
            Contact.objects.filter(Q(phone_normalized=digits) | Q(mobile_normalized=digits)).values_list("pk", flat=True)
        )
        customer_ids = list(Customer.objects.filter(phone_normalized=digits).values_list("pk", flat=True))
        return Q(contact_id__in=contact_ids) | Q(customer_id__in=customer_ids)
    customer_ids = list(
        Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[:SEARCH_CUSTOMER_LIMIT]
    )
    return Q(subject__icontains=text) | Q(description__icontains=text) | Q(customer_id__in=customer_ids)


def installation_search(*, search: str) -> QuerySet[Installation]:
    """Installations whose serial / licence number contains ``search``, with customer and product
    (the global search, issue 17; an installation is shown on its customer's page)."""
    return (
        Installation.objects.filter(serial_number__icontains=search.strip())
        .select_related("customer", "product")
        .order_by("serial_number")
    )


def contract_in_force(
    *, customer: Customer, installation: Installation | None, on: datetime.date
) -> ServiceContract | None:
    """HL-13: the customer's contract active on ``on``, preferring one that covers the installation."""
    active = ServiceContract.objects.filter(customer=customer, start_date__lte=on, end_date__gte=on)
    if installation is not None:
        covering = active.filter(installations=installation).order_by("-end_date").first()
        if covering is not None:
            return covering
    return active.order_by("-end_date").first()


def contacts_by_phone(*, phone: str) -> QuerySet[Contact]:
    """Contacts whose office or mobile number matches, however it was typed (HL-12 lookup)."""
    digits = normalize_phone(phone)
    if not digits:
        return Contact.objects.none()
    return (
        Contact.objects.filter(Q(phone_normalized=digits) | Q(mobile_normalized=digits), is_active=True)
        .select_related("customer__region")
        .order_by("customer__name", "name")
    )


def staff_assignable(*, roles=TICKET_EDIT_ROLES):
    """Active staff who can take tickets, for assignee pickers."""
    from staff.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=roles) | Q(is_superuser=True))
        .distinct()
        .order_by("full_name", "username")
    )


def home_summary(*, user) -> dict:
    """Open-ticket counts for the start page.

    One query grouped by status, answered from the index ``(is_open, status, assignee)`` alone;
    the per-status rows (at most three) are then added up.
    """
    if not user.has_role(*TICKET_ROLES):
        return {}
    rows = (
        ticket_visible_queryset(user=user)
        .open()
        .order_by()
        .values("status")
        .annotate(
            total=Count("pk"),
            mine=Count("pk", filter=Q(assignee=user)),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        )
    )
    summary = {"mine_open": 0, "unassigned": 0, Status.NEW: 0, Status.IN_PROGRESS: 0, Status.WAITING: 0}
    for row in rows:
        summary[row["status"]] = row["total"]
        summary["mine_open"] += row["mine"]
        summary["unassigned"] += row["unassigned"]
    return summary


def customer_list(*, search: str = "") -> QuerySet[Customer]:
    """Customers by name, phone or a contact's phone, with their open ticket count.

    The count is a correlated subquery, so the database computes it only for the rows of the page.
    """
    queryset = Customer.objects.select_related("region")
    if search:
        condition = Q(name__icontains=search)
        digits = normalize_phone(search)
        if PHONE_LIKE.match(search) and len(digits) >= 5:
            contact_customers = Contact.objects.filter(
                Q(phone_normalized=digits) | Q(mobile_normalized=digits)
            ).values("customer_id")
            condition = Q(phone_normalized=digits) | Q(pk__in=contact_customers)
        queryset = queryset.filter(condition)
    open_count = (
        Ticket.objects.open()
        .filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(open_tickets=Coalesce(Subquery(open_count), 0)).order_by("name")


def contracts_with_state(*, customer: Customer, today: datetime.date) -> list[dict]:
    """HL-13: each contract of the customer with valid / expiring / expired for ``today``."""
    warning_days = settings.SERVICEDESK["CONTRACT_EXPIRY_WARNING_DAYS"]
    rows = []
    for contract in customer.contracts.prefetch_related("installations__product").order_by("-end_date"):
        state = contract_state(
            start_date=contract.start_date, end_date=contract.end_date, today=today, warning_days=warning_days
        )
        rows.append({"contract": contract, "state": state, "state_label": ContractState.LABELS[state]})
    return rows
