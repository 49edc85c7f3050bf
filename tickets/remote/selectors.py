"""Reads for remote maintenance: query shapes and who sees what (GN-7) are decided here."""

import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from staff.roles import Role
from tickets.models import Ticket
from tickets.selectors import TICKET_DESK_ROLES, TICKET_EDIT_ROLES, TICKET_ROLES, ticket_visible_queryset

from .models import Attachment, ChangeRequest, FaqEntry, RemoteEventKind, RemoteRecord
from .policies import AWAITING_DELIVERY, search_terms

# Who writes typed service records on the tickets they can see (engineers: their own tickets).
RECORD_ROLES = TICKET_EDIT_ROLES
# Change requests: read by everyone who works tickets; filed and moved on by the ticket editors;
# the manager's review (opinion and expected date) is the service manager's.
CHANGE_ROLES = TICKET_ROLES
CHANGE_WORK_ROLES = TICKET_EDIT_ROLES
CHANGE_REVIEW_ROLES = (Role.SERVICE_MANAGER, Role.ADMIN)
FAQ_ROLES = TICKET_ROLES
FAQ_EDIT_ROLES = TICKET_EDIT_ROLES
# Who curates the knowledge base and still sees an entry that was withdrawn (unpublished).
FAQ_CURATOR_ROLES = (Role.SERVICE_MANAGER, Role.ADMIN)
# Stored documents: downloaded by whoever works with customers; the archive list is for the office.
ATTACHMENT_ROLES = TICKET_ROLES
ARCHIVE_ROLES = (Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN)


def ticket_records(*, ticket: Ticket) -> QuerySet[RemoteRecord]:
    return ticket.remote_records.select_related(
        "engineer", "contact", "told_contact", "scope_form", "application_form"
    ).order_by("served_at", "id")


def ticket_change_request(*, ticket: Ticket) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(ticket=ticket).first()


def ticket_faq_entry(*, ticket: Ticket) -> FaqEntry | None:
    return FaqEntry.objects.filter(source_ticket=ticket).first()


def ticket_recorded_kinds(*, ticket: Ticket) -> set[str]:
    return set(RemoteRecord.objects.filter(ticket=ticket).values_list("kind", flat=True).distinct())


def change_request_visible_queryset(*, user) -> QuerySet[ChangeRequest]:
    """Desk roles see every change request; engineers the ones they filed or whose ticket is theirs."""
    queryset = ChangeRequest.objects.all()
    if user.has_role(*TICKET_DESK_ROLES):
        return queryset
    if user.has_role(Role.ENGINEER):
        return queryset.filter(Q(requested_by=user) | Q(ticket__assignee=user))
    return queryset.none()


def change_request_list(*, user, status: str = "", overdue_on: datetime.date | None = None):
    """One query per page whatever its size; ``overdue_on`` keeps the ones late on that day (RM-5)."""
    queryset = change_request_visible_queryset(user=user).select_related(
        "ticket__customer", "requested_by", "bug"
    )
    if status:
        queryset = queryset.filter(status=status)
    if overdue_on is not None:
        queryset = queryset.filter(status__in=AWAITING_DELIVERY, expected_on__lt=overdue_on)
    return queryset.order_by("-requested_at", "-id")


def change_request_detail_queryset(*, user) -> QuerySet[ChangeRequest]:
    return change_request_visible_queryset(user=user).select_related(
        "ticket__customer",
        "ticket__contact",
        "requested_by",
        "confirmed_by",
        "reviewed_by",
        "developed_by",
        "told_contact",
        "requirement_form",
        "bug__product",
    )


def change_request_timeline(*, change: ChangeRequest):
    """The change request's lines of its ticket's timeline (a ticket has at most one request)."""
    kinds = (RemoteEventKind.CHANGE, RemoteEventKind.CHANGE_OVERDUE, RemoteEventKind.BUG)
    return change.ticket.events.filter(kind__in=kinds).select_related("actor").order_by("created_at", "id")


def change_requests_overdue_ids(*, today: datetime.date) -> list[int]:
    """RM-5: promised, not developed, date passed, and not yet flagged for that date."""
    return list(
        ChangeRequest.objects.filter(status__in=AWAITING_DELIVERY, expected_on__lt=today)
        .exclude(overdue_flagged_for=F("expected_on"))
        .values_list("pk", flat=True)
    )


def _faq_matching(text: str) -> QuerySet[FaqEntry]:
    """Published entries with every word of ``text`` in their problem, cause or solution."""
    queryset = FaqEntry.objects.filter(is_published=True)
    for term in search_terms(text):
        queryset = queryset.filter(Q(problem__icontains=term) | Q(cause__icontains=term) | Q(solution__icontains=term))
    return queryset


def faq_search(*, text: str, product=None, limit: int = 10) -> list[FaqEntry]:
    """GN-5: the best ``limit`` knowledge-base entries for ``text`` (empty text: none).

    With a ``product`` (instance or pk) its own entries come first, then the general ones (no
    product); other products' entries are left out. The hotline call-logging screen calls this.
    """
    if not search_terms(text):
        return []
    queryset = _faq_matching(text).select_related("product")
    if product is None:
        return list(queryset.order_by("-updated_at", "-id")[:limit])
    product_id = getattr(product, "pk", product)
    # NULLs sort differently per database: rank the product's own entries first explicitly.
    queryset = queryset.filter(Q(product_id=product_id) | Q(product__isnull=True)).annotate(
        general=Case(When(product__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    return list(queryset.order_by("general", "-updated_at", "-id")[:limit])


def faq_list(*, text: str = "", product=None) -> QuerySet[FaqEntry]:
    """The knowledge-base page: every published entry, or those matching the search."""
    queryset = _faq_matching(text).select_related("product", "source_ticket")
    if product is not None:
        queryset = queryset.filter(Q(product=product) | Q(product__isnull=True))
    return queryset.order_by("-updated_at", "-id")


def faq_visible_queryset(*, user) -> QuerySet[FaqEntry]:
    """GN-5: the published knowledge base for everyone who works tickets; a withdrawn (unpublished)
    entry only for its curators. Deny by default: other roles see none."""
    if user.has_role(*FAQ_CURATOR_ROLES):
        return FaqEntry.objects.all()
    if user.has_role(*FAQ_ROLES):
        return FaqEntry.objects.filter(is_published=True)
    return FaqEntry.objects.none()


def faq_detail_queryset(*, user) -> QuerySet[FaqEntry]:
    return faq_visible_queryset(user=user).select_related("product", "source_ticket", "created_by")


def attachment_visible_queryset(*, user) -> QuerySet[Attachment]:
    """RM-7/GN-7: the stored documents ``user`` may open. Deny by default.

    The desk roles see every customer, so every document. An engineer sees a customer's document
    only through something of theirs it is attached to: a service record of a ticket they may see
    (``ticket_visible_queryset``), a change request they may see, a training plan or an
    implementation project they may see; and the documents they uploaded themselves. Everyone else
    sees none (HR included: no customer data).
    """
    queryset = Attachment.objects.all()
    if user.has_role(*TICKET_DESK_ROLES):
        return queryset
    if not user.has_role(Role.ENGINEER):
        return queryset.none()
    # Training builds on remote (it stores its documents here), so its selectors are imported late.
    from training.models import TrainingPlan
    from training.selectors import plan_visible_queryset, project_visible_queryset

    records = RemoteRecord.objects.filter(ticket__in=ticket_visible_queryset(user=user))
    linked = (
        Q(uploaded_by=user)
        | Q(pk__in=records.filter(scope_form__isnull=False).values("scope_form"))
        | Q(pk__in=records.filter(application_form__isnull=False).values("application_form"))
        | Q(
            pk__in=change_request_visible_queryset(user=user)
            .filter(requirement_form__isnull=False)
            .values("requirement_form")
        )
        | Q(
            pk__in=TrainingPlan.documents.through.objects.filter(
                trainingplan__in=plan_visible_queryset(user=user)
            ).values("attachment")
        )
        | Q(
            pk__in=project_visible_queryset(user=user)
            .filter(implementation_form__isnull=False)
            .values("implementation_form")
        )
    )
    return queryset.filter(linked)


def attachment_archive(*, user, search: str = "", kind: str = "") -> QuerySet[Attachment]:
    """RM-7: the stored documents ``user`` may open, newest first, optionally for customers
    matching ``search``."""
    queryset = attachment_visible_queryset(user=user).select_related("customer", "uploaded_by")
    if search:
        queryset = queryset.filter(customer__name__icontains=search)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-uploaded_at", "-id")
