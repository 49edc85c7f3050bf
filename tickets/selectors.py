"""Reads for tickets and customers; query shapes (select_related, visibility) are decided here."""

import datetime

from django.db.models import Q, QuerySet

from staff.roles import Role

from .models import Contact, Customer, Installation, ServiceContract, Ticket, TicketEvent
from .phones import normalize_phone

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


def ticket_visible_queryset(*, user) -> QuerySet[Ticket]:
    """Tickets ``user`` may see: all of them for the desk roles, their own for engineers."""
    queryset = Ticket.objects.all()
    if user.has_role(*TICKET_DESK_ROLES):
        return queryset
    if user.has_role(Role.ENGINEER):
        return queryset.filter(assignee=user)
    return queryset.none()


def ticket_list(*, user) -> QuerySet[Ticket]:
    """Rows for the ticket list: one query for the page whatever its size."""
    return ticket_visible_queryset(user=user).select_related("customer", "contact", "assignee")


def ticket_detail_queryset(*, user) -> QuerySet[Ticket]:
    return ticket_visible_queryset(user=user).select_related(
        "customer__region", "contact", "installation__product", "contract", "assignee", "created_by"
    )


def ticket_timeline(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").order_by("created_at", "id")


def ticket_search_filter(text: str) -> Q:
    """Search by ticket number, customer name, contact phone (any format) or words of the text."""
    text = text.strip()
    condition = (
        Q(number__iexact=text)
        | Q(customer__name__icontains=text)
        | Q(subject__icontains=text)
        | Q(description__icontains=text)
    )
    digits = normalize_phone(text)
    if len(digits) >= 5:
        condition |= Q(contact__phone_normalized=digits) | Q(contact__mobile_normalized=digits)
        condition |= Q(customer__phone_normalized=digits)
    return condition


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
    """Counts for the start page, in one aggregate query."""
    from django.db.models import Count

    from .models.tickets import OPEN_STATUSES, Status

    if not user.has_role(*TICKET_ROLES):
        return {}
    open_tickets = Q(status__in=OPEN_STATUSES)
    return ticket_visible_queryset(user=user).aggregate(
        mine_open=Count("id", filter=open_tickets & Q(assignee=user)),
        unassigned=Count("id", filter=open_tickets & Q(assignee__isnull=True)),
        new=Count("id", filter=Q(status=Status.NEW)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
        waiting=Count("id", filter=Q(status=Status.WAITING)),
    )


def customer_list(*, search: str = "") -> QuerySet[Customer]:
    """Customers by name, phone or a contact's phone; annotated with their open ticket count."""
    from django.db.models import Count

    from .models.tickets import OPEN_STATUSES

    queryset = Customer.objects.select_related("region")
    if search:
        condition = Q(name__icontains=search)
        digits = normalize_phone(search)
        if len(digits) >= 5:
            condition |= Q(phone_normalized=digits)
            contact_customers = Contact.objects.filter(
                Q(phone_normalized=digits) | Q(mobile_normalized=digits)
            ).values("customer_id")
            condition |= Q(pk__in=contact_customers)
        queryset = queryset.filter(condition)
    return queryset.annotate(
        open_tickets=Count("tickets", filter=Q(tickets__status__in=OPEN_STATUSES))
    ).order_by("name")


def contracts_with_state(*, customer: Customer, today: datetime.date) -> list[dict]:
    """HL-13: each contract of the customer with valid / expiring / expired for ``today``."""
    from django.conf import settings

    from .policies import ContractState, contract_state

    warning_days = settings.SERVICEDESK["CONTRACT_EXPIRY_WARNING_DAYS"]
    rows = []
    for contract in customer.contracts.prefetch_related("installations__product").order_by("-end_date"):
        state = contract_state(
            start_date=contract.start_date, end_date=contract.end_date, today=today, warning_days=warning_days
        )
        rows.append({"contract": contract, "state": state, "state_label": ContractState.LABELS[state]})
    return rows
