"""Reads for on-site orders; who sees which order and the query shapes are decided here."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.calendars import Calendar
from staff.models import EmployeeSkill, User, WorkCalendar
from staff.roles import Role
from staff.selectors import calendar_load, engineers_available
from tickets.models import TicketEvent
from tickets.selectors import ticket_visible_queryset

from . import policies
from .models import LOAD_STATUSES, OnsiteEventKind, OrderPhoto, OrderStatus, PartUsed, Reschedule, ServiceOrder, SignOff

# Managers see and steer every order.
ORDER_MANAGER_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)
# The desk reads every order (agents request visits, callback specialists call customers back).
ORDER_READER_ROLES = (Role.AGENT, Role.CALLBACK_SPECIALIST)
# Engineers see their own orders only.
ORDER_ROLES = ORDER_MANAGER_ROLES + ORDER_READER_ROLES + (Role.ENGINEER,)
ORDER_REQUEST_ROLES = (Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN, Role.ENGINEER)
CALENDAR_ROLES = ORDER_MANAGER_ROLES + (Role.ENGINEER,)
# How many orders "My visits" lists at most (an engineer has a handful).
MY_ORDERS_LIMIT = 100


# An order's code as people write it: "SO-000123", "so-123", "SO123" (ServiceOrder.code).
ORDER_CODE = re.compile(r"^SO-?0*(\d{1,9})$", re.IGNORECASE)


def order_code_pk(text: str) -> int | None:
    """The primary key named by an order code, or None when ``text`` is not one."""
    match = ORDER_CODE.match(text.strip())
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def sees_all_orders(user) -> bool:
    return user.has_role(*ORDER_MANAGER_ROLES, *ORDER_READER_ROLES)


def order_visible_queryset(*, user) -> QuerySet[ServiceOrder]:
    """Every order for managers and the desk; an engineer's own orders for an engineer."""
    if sees_all_orders(user):
        return ServiceOrder.objects.all()
    if user.has_role(Role.ENGINEER):
        return ServiceOrder.objects.filter(engineer=user)
    return ServiceOrder.objects.none()


def order_list(*, user, status: str = "", engineer=None, search: str = "") -> QuerySet[ServiceOrder]:
    """Rows of the order list, newest first; one query per page whatever its size."""
    queryset = order_visible_queryset(user=user).select_related("ticket__customer__region", "engineer", "contact")
    if status == "open":
        queryset = queryset.exclude(status__in=[OrderStatus.CLOSED, OrderStatus.CANCELLED])
    elif status:
        queryset = queryset.filter(status=status)
    if engineer is not None:
        queryset = queryset.filter(engineer=engineer)
    if search:
        condition = (
            Q(ticket__number__iexact=search) | Q(ticket__customer__name__icontains=search) | Q(site_address__icontains=search)
        )
        code_pk = order_code_pk(search)
        if code_pk is not None:
            condition |= Q(pk=code_pk)
        queryset = queryset.filter(condition)
    return queryset.order_by("-requested_at", "-id")


def order_detail_queryset(*, user) -> QuerySet[ServiceOrder]:
    return order_visible_queryset(user=user).select_related(
        "ticket__customer__region",
        "ticket__installation__product",
        "ticket__contract",
        "contact",
        "engineer__profile",
        "requested_by",
        "approved_by",
        "assigned_by",
        "form_handed_in_by",
        "closed_by",
        "sign_off",
        "work_report",
    )


def order_parts(*, order: ServiceOrder) -> QuerySet[PartUsed]:
    return PartUsed.objects.filter(report__order=order).order_by("id")


def order_calls(*, order: ServiceOrder):
    return order.calls.select_related("called_by").order_by("called_at", "id")


def order_reschedules(*, order: ServiceOrder):
    return order.reschedules.select_related("recorded_by", "engineer").order_by("recorded_at", "id")


def order_timeline(*, order: ServiceOrder) -> QuerySet[TicketEvent]:
    """The lines this order wrote on its ticket's timeline, oldest first."""
    return (
        TicketEvent.objects.filter(ticket_id=order.ticket_id, kind__in=OnsiteEventKind.values, data__order=order.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def order_photos(*, order: ServiceOrder) -> QuerySet[OrderPhoto]:
    """The order's photos, oldest first, with their files: one query whatever their number."""
    return OrderPhoto.objects.filter(order=order).select_related("attachment", "added_by").order_by("added_at", "id")


def photo_visible_queryset(*, user) -> QuerySet[OrderPhoto]:
    """Photos of the orders ``user`` sees, or of the tickets they see (the ticket timeline shows
    them too); nothing for anyone else (GN-7, deny by default)."""
    orders = order_visible_queryset(user=user).values("pk")
    tickets = ticket_visible_queryset(user=user).values("pk")
    return OrderPhoto.objects.filter(Q(order__in=orders) | Q(order__ticket__in=tickets)).select_related("attachment")


def open_order_for_ticket(*, ticket) -> ServiceOrder | None:
    return ServiceOrder.objects.filter(ticket=ticket).exclude(status__in=[OrderStatus.CLOSED, OrderStatus.CANCELLED]).first()


# --- The engineer's phone ---------------------------------------------------------------------------

# Statuses in which the engineer is on the way, on site or finishing: always "today".
_UNDER_WAY = (OrderStatus.EN_ROUTE, OrderStatus.ON_SITE, OrderStatus.WORK_DONE, OrderStatus.ESCALATED)


def my_orders(*, engineer, today: datetime.date) -> dict[str, list[ServiceOrder]]:
    """The engineer's open visits split into today's (and overdue ones), upcoming ones, and those
    still to finish (signed form to hand in, trip to record)."""
    queryset = (
        ServiceOrder.objects.filter(engineer=engineer)
        .filter(
            ~Q(status__in=[OrderStatus.CLOSED, OrderStatus.CANCELLED, OrderStatus.HANDED_IN])
            | (Q(departed_at__isnull=False, trip_recorded_at__isnull=True) & ~Q(status=OrderStatus.CLOSED))
        )
        .select_related("ticket__customer", "contact")
        .order_by(F("agreed_start").asc(nulls_last=True), "id")[:MY_ORDERS_LIMIT]
    )
    groups = {"today": [], "upcoming": [], "finish": []}
    for order in queryset:
        if order.status in (OrderStatus.SIGNED, OrderStatus.HANDED_IN, OrderStatus.CANCELLED):
            groups["finish"].append(order)
        elif order.status in _UNDER_WAY or order.agreed_start is None:
            groups["today"].append(order)
        elif _local_day(order.agreed_start) <= today:
            groups["today"].append(order)
        else:
            groups["upcoming"].append(order)
    return groups


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


# --- Dispatch help (GN-3) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Excluded:
    name: str
    reason: str


def _engineers_with_load() -> QuerySet[User]:
    load = (
        ServiceOrder.objects.filter(engineer=OuterRef("pk"), status__in=LOAD_STATUSES)
        .order_by()
        .values("engineer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        User.objects.filter(is_active=True, groups__name=Role.ENGINEER)
        .distinct()
        .select_related("profile__region")
        .annotate(open_orders=Coalesce(Subquery(load, output_field=IntegerField()), Value(0)))
        .prefetch_related(
            Prefetch("employee_skills", queryset=EmployeeSkill.objects.select_related("skill").order_by("pk"))
        )
        .order_by("full_name", "username")
    )


def _calendars_for(engineers) -> dict[int | None, Calendar]:
    """Each work calendar the engineers use, loaded once (None = the default calendar)."""
    calendars = {}
    for engineer in engineers:
        profile = _profile(engineer)
        key = profile.work_calendar_id if profile is not None else None
        if key not in calendars:
            calendars[key] = calendar_load(WorkCalendar(pk=key) if key else None)
    return calendars


def _profile(user):
    try:
        return user.profile
    except User.profile.RelatedObjectDoesNotExist:
        return None


def dispatch_candidates(*, order: ServiceOrder) -> tuple[list[policies.RankedCandidate], list[Excluded]]:
    """GN-3: engineers who could take the visit, ranked and explained, and those left out and why
    (on approved leave or off shift in the agreed window, or the approver of the visit, OS-1)."""
    engineers = list(_engineers_with_load())
    start, end = order.agreed_start, order.agreed_end
    available = set(engineers_available(start=start, end=end).values_list("pk", flat=True))
    calendars = _calendars_for(engineers)
    ticket = order.ticket
    candidates, excluded = [], []
    for engineer in engineers:
        profile = _profile(engineer)
        calendar = calendars[profile.work_calendar_id if profile is not None else None]
        if engineer.pk == order.approved_by_id:
            excluded.append(Excluded(engineer.display_name, _("approved this visit")))  # OS-1
        elif engineer.pk not in available:
            excluded.append(Excluded(engineer.display_name, _("on approved leave in the visit window")))
        elif policies.off_shift(calendar=calendar, start=start, end=end):
            excluded.append(Excluded(engineer.display_name, _("off shift in the visit window")))
        else:
            candidates.append(
                policies.Candidate(
                    user_id=engineer.pk,
                    name=engineer.display_name,
                    region_id=profile.region_id if profile is not None else None,
                    region_name=str(profile.region) if profile is not None and profile.region_id else "",
                    skills=tuple(
                        policies.SkillHolding(
                            name=held.skill.name,
                            product_id=held.skill.product_id,
                            ticket_type=held.skill.ticket_type,
                            level=held.level,
                            level_label=str(held.get_level_display()),
                        )
                        for held in engineer.employee_skills.all()
                    ),
                    open_orders=engineer.open_orders,
                )
            )
    ranked = policies.rank_engineers(
        candidates=candidates,
        product_id=ticket.installation.product_id if ticket.installation_id else None,
        ticket_type=ticket.type,
        region_id=ticket.customer.region_id,
    )
    return ranked, excluded


# --- Calendar of visits -----------------------------------------------------------------------------


def calendar_engineers(*, user, engineer_id: int | None = None) -> QuerySet[User]:
    """Rows of the visit calendar: every active engineer for managers (or the one picked), oneself
    for an engineer."""
    if not user.has_role(*ORDER_MANAGER_ROLES):
        return User.objects.filter(pk=user.pk)
    engineers = User.objects.filter(is_active=True, groups__name=Role.ENGINEER).distinct().order_by("full_name", "username")
    if engineer_id:
        engineers = engineers.filter(pk=engineer_id)
    return engineers


def calendar_visits(
    *, engineers: list[User], start: datetime.datetime, end: datetime.datetime
) -> dict[int, dict[datetime.date, list[ServiceOrder]]]:
    """Agreed visits of ``engineers`` overlapping [start, end), per engineer and local day."""
    visits = (
        ServiceOrder.objects.filter(
            engineer__in=[e.pk for e in engineers], agreed_start__lt=end, agreed_end__gt=start
        )
        .exclude(status=OrderStatus.CANCELLED)
        .select_related("ticket__customer", "maintenance_visit")  # issue 16: the "preventive" marker
        .order_by("agreed_start", "id")
    )
    grid: dict[int, dict[datetime.date, list[ServiceOrder]]] = defaultdict(lambda: defaultdict(list))
    for visit in visits:
        grid[visit.engineer_id][_local_day(visit.agreed_start)].append(visit)
    return grid


# --- Reports (OS-9, OS-10, OS-11) -------------------------------------------------------------------


def reschedule_report(*, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """OS-9: rescheduled visits per engineer in [start, end), split by who caused them."""
    return (
        Reschedule.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .values("engineer", "engineer__full_name", "engineer__username")
        .annotate(
            company=Count("id", filter=Q(caused_by="company")),
            customer=Count("id", filter=Q(caused_by="customer")),
        )
        .order_by("-company", "engineer__full_name", "engineer")
    )


def reschedule_totals(*, start: datetime.datetime, end: datetime.datetime) -> dict:
    """OS-9: all rescheduled visits in [start, end) by cause."""
    return Reschedule.objects.filter(recorded_at__gte=start, recorded_at__lt=end).aggregate(
        company=Count("id", filter=Q(caused_by="company")), customer=Count("id", filter=Q(caused_by="customer"))
    )


def satisfaction_summary(*, start: datetime.datetime, end: datetime.datetime) -> dict:
    """OS-10: sign-offs in [start, end): how many, how many satisfied (rating 4-5), the average."""
    return SignOff.objects.filter(signed_at__gte=start, signed_at__lt=end).aggregate(
        total=Count("id"), satisfied=Count("id", filter=Q(rating__gte=4)), average=Avg("rating")
    )


def factory_repairs_open(*, limit: int = 100) -> QuerySet[PartUsed]:
    """OS-11: parts at the factory, the earliest due first."""
    return (
        PartUsed.objects.filter(return_to_factory=True, factory_returned_on__isnull=True)
        .select_related("report__order__ticket__customer")
        .order_by("factory_due_on", "id")[:limit]
    )


# --- Deadlines for the daily task (OS-6/ST-8, OS-7/ST-10) ---------------------------------------------


def forms_late_ids(*, now: datetime.datetime) -> list[int]:
    """Orders whose signed service form was not handed in by its deadline and not yet reported."""
    return list(
        ServiceOrder.objects.filter(form_late_reported_at__isnull=True, form_due_at__lt=now, engineer__isnull=False)
        .filter(Q(form_handed_in_at__isnull=True) | Q(form_handed_in_at__gt=F("form_due_at")))
        .order_by("form_due_at", "id")
        .values_list("pk", flat=True)
    )


def trips_late_ids(*, now: datetime.datetime) -> list[int]:
    """Orders whose field trip was not written into the service record in time, not yet reported."""
    return list(
        ServiceOrder.objects.filter(trip_late_reported_at__isnull=True, trip_due_at__lt=now, engineer__isnull=False)
        .filter(Q(trip_recorded_at__isnull=True) | Q(trip_recorded_at__gt=F("trip_due_at")))
        .order_by("trip_due_at", "id")
        .values_list("pk", flat=True)
    )
