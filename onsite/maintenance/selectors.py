"""Reads of maintenance plans, scoped to the user (deny by default: only ``PLAN_ROLES`` see plans)."""

from django.db.models import Count, Q, QuerySet

from tickets.models import ServiceContract

from .apps import PLAN_EDIT_ROLES, PLAN_ROLES
from .models import MaintenancePlan, MaintenanceVisit, VisitStatus


def may_see_plans(user) -> bool:
    return user.has_role(*PLAN_ROLES)


def may_edit_plans(user) -> bool:
    return user.has_role(*PLAN_EDIT_ROLES)


def plan_visible_queryset(*, user) -> QuerySet[MaintenancePlan]:
    if not may_see_plans(user):
        return MaintenancePlan.objects.none()
    return MaintenancePlan.objects.select_related("contract__customer", "created_by")


def plan_list(*, user, search: str = "", contract_id: int | None = None) -> QuerySet[MaintenancePlan]:
    """Plans with their number of generated visits, in one query per page."""
    plans = plan_visible_queryset(user=user).annotate(
        visit_count=Count("visits", filter=Q(visits__status=VisitStatus.GENERATED))
    )
    if contract_id:
        plans = plans.filter(contract_id=contract_id)
    if search:
        plans = plans.filter(
            Q(name__icontains=search) | Q(contract__number__icontains=search) | Q(contract__customer__name__icontains=search)
        )
    return plans.order_by("contract__customer__name", "name", "id")


def plan_visits(*, plan: MaintenancePlan) -> QuerySet[MaintenanceVisit]:
    return plan.visits.select_related("order__engineer", "order__ticket").order_by("visit_on", "id")


def contract_choices(*, user) -> QuerySet[ServiceContract]:
    if not may_see_plans(user):
        return ServiceContract.objects.none()
    return ServiceContract.objects.select_related("customer").order_by("-end_date", "number")
