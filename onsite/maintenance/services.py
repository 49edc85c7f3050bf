"""Every write of preventive maintenance plans (issue 16): plans, and the visits generated from them.

A generated visit is an ordinary on-site order (OS-1) on a ticket of its own, so it shows on the
engineer calendar, in the order list and on the customer's record (GN-2, GN-4) like any other visit:

1. :func:`plan_generate` takes the plan's occurrences inside the horizon (``policies.visit_days``:
   contract period, holidays), inserts one ``MaintenanceVisit`` per occurrence (the unique
   constraint on ``(plan, planned_on)`` makes it idempotent and decides between concurrent twins),
   opens a ticket, creates the order already approved for the visit day's window (the plan is the
   service manager's standing OS-1 approval; its author is the approver) and dispatches the best
   ranked engineer (GN-3) through ``onsite.services.service_order_assign``.
2. :func:`plan_edit` regenerates only the future visits nobody has changed (:func:`visit_touched`).

SLA clocks (OS-8, HL-6): a planned visit is not a fault the customer reported, and its ticket is
opened weeks before the visit, so the respond/resolve clocks that ``ticket_create`` starts are
cancelled at once (reason ``PLANNED_CLOCK_REASON``) and the on-site clocks (arrangement, dispatch,
arrival) are never started: the promise of a preventive visit is its agreed window, and a missed one
is rebooked and counted as any other (OS-9).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onsite import selectors as onsite_selectors
from onsite import services as onsite_services
from onsite.models import OnsiteEventKind, OrderStatus, ServiceOrder
from staff.models import User
from staff.selectors import calendar_load
from tickets.models import Contact, Installation
from tickets.models.tickets import Channel
from tickets.policies import TransitionNotAllowed
from tickets.services import ticket_create, ticket_event_record, ticket_transition
from tickets.sla import services as sla
from tickets.sla.models import SLAClock

from . import policies
from .models import MaintenanceEventKind, MaintenancePlan, MaintenanceVisit, VisitStatus

logger = logging.getLogger(__name__)

PLAN_FIELDS = (
    "name", "interval_months", "rrule", "first_visit_on", "window_start", "window_end", "duration_minutes", "is_active",
)  # fmt: skip
# Changing one of these plans the future untouched visits again.
SCHEDULE_FIELDS = frozenset(set(PLAN_FIELDS) - {"name"} | {"installations"})
PLANNED_CLOCK_REASON = "preventive visit: planned, no response promise"
# A generated order a person has not changed is still approved (nobody dispatched) or assigned by the
# generator (its ``assigned_at`` is the visit's ``generated_at``).
_UNTOUCHED_STATUSES = (OrderStatus.APPROVED, OrderStatus.ASSIGNED)


def _horizon(now: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate(now)
    return today, today + datetime.timedelta(days=settings.SERVICEDESK["MAINTENANCE_HORIZON_DAYS"])


def _save(plan: MaintenancePlan) -> MaintenancePlan:
    plan.full_clean()
    plan.save()
    return plan


def _installations_check(contract, installations) -> None:
    if installations:
        allowed = set(contract.installations.values_list("pk", flat=True))
        if any(inst.pk not in allowed for inst in installations):
            raise ValidationError({"installations": _("Choose installations of this contract.")})


# --- Plans ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, contract, created_by, now: datetime.datetime, installations=(), **fields
) -> MaintenancePlan:
    """A plan on ``contract``; its visits inside the horizon are generated at once (and by the daily task)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    plan = _save(MaintenancePlan(contract=contract, created_by=created_by, created_at=now, **fields))
    installations = list(installations)
    _installations_check(contract, installations)
    plan.installations.set(installations)
    plan_generate(plan=plan, now=now)
    return plan


@transaction.atomic
def plan_edit(*, plan: MaintenancePlan, actor, now: datetime.datetime, installations=None, **fields) -> MaintenancePlan:
    """Change the plan; when the schedule changed (anything but the name), withdraw its future
    visits nobody has touched (their orders are cancelled through ``service_order_cancel``, the
    visit rows removed); then generate again. Visits in the past (or today) and visits a person
    changed stay as they are."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    plan = MaintenancePlan.objects.select_for_update().select_related("contract").get(pk=plan.pk)
    changed = {name for name, value in fields.items() if getattr(plan, name) != value}
    for name, value in fields.items():
        setattr(plan, name, value)
    _save(plan)
    if installations is not None:
        installations = list(installations)
        _installations_check(plan.contract, installations)
        if {i.pk for i in installations} != set(plan.installations.values_list("pk", flat=True)):
            changed.add("installations")
        plan.installations.set(installations)
    if changed & SCHEDULE_FIELDS:  # a new name alone does not move anyone's visit
        visits_withdraw(plan=plan, actor=actor, now=now, reason=_("The maintenance plan was changed."))
    plan_generate(plan=plan, now=now)
    return plan


def visit_touched(visit: MaintenanceVisit) -> bool:
    """Whether a person changed the visit's order since it was generated: dispatched someone else
    (or at all), rescheduled, cancelled, called, left, checked in... Computed from the order's state,
    so no on-site service needs to know about plans."""
    if visit.touched:
        return True
    order = visit.order
    if order is None:
        return False
    if order.status not in _UNTOUCHED_STATUSES:
        return True
    return order.assigned_at is not None and order.assigned_at != visit.generated_at


def visits_withdraw(*, plan: MaintenancePlan, actor, now: datetime.datetime, reason: str) -> int:
    """Withdraw the plan's untouched visits after today; mark the touched ones (they stay). Returns
    how many were withdrawn."""
    today = timezone.localdate(now)
    visits = list(
        MaintenanceVisit.objects.select_for_update(of=("self",))
        .filter(plan=plan, visit_on__gt=today, status=VisitStatus.GENERATED)
        .select_related("order__ticket")
    )
    withdrawn = 0
    for visit in visits:
        if visit_touched(visit):
            if not visit.touched:
                visit.touched = True
                visit.save(update_fields=["touched"])
            continue
        order = visit.order
        onsite_services.service_order_cancel(order=order, actor=actor, reason=reason, now=now)
        ticket_event_record(
            ticket=order.ticket, kind=MaintenanceEventKind.CANCELLED, actor=actor, at=now, body=reason,
            data={"plan": plan.pk, "planned_on": visit.planned_on.isoformat()},
        )  # fmt: skip
        _ticket_resolve(order.ticket, actor=actor, now=now, resolution=reason)
        visit.delete()  # the date is free for the regenerated visit; the order keeps its timeline
        withdrawn += 1
    return withdrawn


def _ticket_resolve(ticket, *, actor, now, resolution: str) -> None:
    """The withdrawn visit's ticket has nothing left to do; resolve it when the ticket rules allow."""
    try:
        with transaction.atomic():
            ticket_transition(ticket=ticket, action="resolve", actor=actor, resolution=resolution, now=now)
    except (TransitionNotAllowed, ValidationError):
        logger.info("maintenance: ticket %s of a withdrawn visit left open", ticket.pk)


# --- Generation ----------------------------------------------------------------------------------------


@dataclass
class _PlanContext:
    """What every visit of one plan needs, read once per plan."""

    plan: MaintenancePlan
    contact: Contact | None
    installation: Installation | None
    installation_names: list[str] = field(default_factory=list)


def _context(plan: MaintenancePlan) -> _PlanContext:
    chosen = list(plan.installations.select_related("product"))
    installations = chosen or list(plan.contract.installations.select_related("product"))
    contact = Contact.objects.filter(customer_id=plan.contract.customer_id, is_active=True).order_by("pk").first()
    return _PlanContext(
        plan=plan,
        contact=contact,
        installation=installations[0] if len(installations) == 1 else None,
        installation_names=[str(inst) for inst in installations],
    )


def plan_visit_days(*, plan: MaintenancePlan, now: datetime.datetime, calendar=None) -> list[tuple[datetime.date, datetime.date]]:
    """The plan's ``(planned_on, visit_on)`` pairs inside the horizon from ``now``."""
    start, end = _horizon(now)
    contract = plan.contract
    return policies.visit_days(
        first_visit_on=plan.first_visit_on, interval_months=plan.interval_months, rrule=plan.rrule,
        start=start, end=end, contract_start=contract.start_date, contract_end=contract.end_date,
        calendar=calendar or calendar_load(),
    )  # fmt: skip


@transaction.atomic
def plan_generate(*, plan: MaintenancePlan, now: datetime.datetime, calendar=None) -> list[MaintenanceVisit]:
    """Generate the plan's visits inside the horizon that do not exist yet; returns the new ones.

    Idempotent: the unique ``(plan, planned_on)`` decides; a date already taken (by an earlier run,
    or a concurrent twin that committed first) is skipped. An inactive plan generates nothing."""
    plan = MaintenancePlan.objects.select_related("contract__customer", "created_by").get(pk=plan.pk)
    if not plan.is_active:
        return []
    pairs = plan_visit_days(plan=plan, now=now, calendar=calendar)
    if not pairs:
        return []
    taken = set(
        MaintenanceVisit.objects.filter(plan=plan, planned_on__in=[p for p, _v in pairs]).values_list("planned_on", flat=True)
    )
    missing = [(p, v) for p, v in pairs if p not in taken]
    if not missing:
        return []
    context = _context(plan)
    created = []
    for planned_on, visit_on in missing:
        try:
            with transaction.atomic():  # savepoint: a concurrent twin's row leaves this block usable
                visit = MaintenanceVisit.objects.create(
                    plan=plan, planned_on=planned_on, visit_on=visit_on, status=VisitStatus.PLANNED, generated_at=now
                )
        except IntegrityError:
            continue  # generated concurrently: theirs stands
        created.append(_visit_order_create(visit=visit, context=context, now=now))
    return created


def _visit_order_create(*, visit: MaintenanceVisit, context: _PlanContext, now: datetime.datetime) -> MaintenanceVisit:
    plan, actor = context.plan, context.plan.created_by
    tz = timezone.get_default_timezone()  # the service centre's zone (Asia/Shanghai)
    start, end = policies.visit_window(day=visit.visit_on, start=plan.window_start, end=plan.window_end, tz=tz)
    problem = _("Preventive maintenance visit (%(plan)s) on %(day)s.") % {
        "plan": plan.name, "day": visit.visit_on.isoformat()
    }
    if context.installation_names:
        problem += "\n" + _("Installations: %(names)s") % {"names": ", ".join(context.installation_names)}
    ticket = ticket_create(
        customer=plan.contract.customer,
        contact=context.contact,
        installation=context.installation,
        subject=_("Preventive maintenance: %(plan)s") % {"plan": plan.name},
        description=problem,
        type=settings.SERVICEDESK["MAINTENANCE_TICKET_TYPE"],
        channel=Channel.ONSITE,
        created_by=actor,
        now=now,
    )
    _planned_clocks_cancel(ticket, now=now)
    # OS-1: the plan is the standing approval of its author; the order starts approved for the window.
    order = ServiceOrder(
        ticket=ticket, status=OrderStatus.APPROVED, problem=problem, contact=context.contact,
        site_address=onsite_services.default_site_address(ticket), offered_by=visit.visit_on,
        agreed_start=start, agreed_end=end, requested_by=actor, requested_at=now, approved_by=actor, approved_at=now,
    )  # fmt: skip
    order.full_clean()
    order.save()
    data = {"order": order.pk, "plan": plan.pk, "planned_on": visit.planned_on.isoformat(), "visit_on": visit.visit_on.isoformat()}
    ticket_event_record(ticket=ticket, kind=MaintenanceEventKind.GENERATED, actor=actor, at=now, body=plan.name, data=data)
    ticket_event_record(
        ticket=ticket, kind=OnsiteEventKind.APPROVED, actor=actor, at=now,
        body=_("Approved by the maintenance plan."), data={"order": order.pk, "status": order.status},
    )  # fmt: skip
    visit.order, visit.status = order, VisitStatus.GENERATED
    if not _dispatch(order, actor=actor, now=now):
        ticket_event_record(
            ticket=ticket, kind=MaintenanceEventKind.UNASSIGNED, actor=actor, at=now,
            body=_("No engineer could be dispatched; the visit waits for a dispatcher."), data=data,
        )  # fmt: skip
    # The row's values come from the date rules and the database constraints check them (unique
    # date, status, generated => order, moved forward only); full_clean would add a lookup per
    # foreign key and constraint for every visit (docs/performance.md).
    visit.save(update_fields=["order", "status"])
    return visit


def _planned_clocks_cancel(ticket, *, now: datetime.datetime) -> None:
    """OS-8/HL-6: a planned visit runs no response clocks (see the module docstring)."""
    kinds = SLAClock.objects.filter(ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True).values_list("kind", flat=True)
    for kind in list(kinds):
        sla.clock_cancel(ticket=ticket, kind=kind, at=now, reason=PLANNED_CLOCK_REASON)


def _dispatch(order: ServiceOrder, *, actor, now: datetime.datetime) -> bool:
    """GN-3: the best ranked engineer, through the ordinary dispatch; False when nobody can go."""
    ranked, _excluded = onsite_selectors.dispatch_candidates(order=order)
    for candidate in ranked[:3]:
        engineer = User.objects.get(pk=candidate.candidate.user_id)
        try:
            with transaction.atomic():
                onsite_services.service_order_assign(order=order, engineer=engineer, actor=actor, now=now)
        except ValidationError as exc:
            logger.info("maintenance: order %s not dispatched to %s: %s", order.pk, engineer.pk, exc.messages)
            continue
        order.refresh_from_db()
        return True
    return False


@dataclass
class GenerateSummary:
    plans: int = 0
    visits: int = 0
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"plans": self.plans, "visits": self.visits, "failed": self.failed}


def plans_generate_all(*, now: datetime.datetime) -> GenerateSummary:
    """The daily run: every active plan of a contract still in force, each in its own transaction;
    a failing plan is logged and the others go on. Running it twice creates nothing new."""
    summary = GenerateSummary()
    today = timezone.localdate(now)
    calendar = calendar_load()  # one office calendar for the whole run
    plan_ids = list(
        MaintenancePlan.objects.filter(is_active=True, contract__end_date__gte=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in plan_ids:
        summary.plans += 1
        try:
            visits = plan_generate(plan=MaintenancePlan(pk=pk), now=now, calendar=calendar)
        except Exception:  # one broken plan must not stop the rest; it is logged with its traceback
            logger.exception("maintenance: generating plan %s failed", pk)
            summary.failed.append(pk)
            continue
        summary.visits += len(visits)
    return summary
