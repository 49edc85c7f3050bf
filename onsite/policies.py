"""Pure rules of the on-site service: the status table, who may act, deadlines, dispatch ranking.

No database access here; ``services.py`` applies these decisions and ``selectors.py`` feeds them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.core.workflow import Transition
from servicedesk.core.workflow import transition as _t
from staff.calendars import Calendar, add_working_days, intervals_on, next_working_day, working_time_between
from staff.roles import Role
from tickets.sla.policies import is_working_moment

from .models import OrderStatus

S = OrderStatus
# The engineer of the order (not anyone holding the engineer role).
OWN_ENGINEER = "own_engineer"
# Who dispatches, reschedules, cancels and closes: duty managers, service managers, administrators.
DISPATCH_ROLES = frozenset({Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})
# OS-1: who may ever approve a visit; which of them may approve *now* is the configured
# ``ONSITE_APPROVER_ROLES`` rule (``approver_refusal``), checked by the service and the order page.
APPROVE_ROLES = frozenset({Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})


_BEFORE_VISIT = {S.APPROVED, S.ASSIGNED, S.PRECALL_DONE, S.EN_ROUTE, S.ON_SITE, S.ESCALATED, S.RESCHEDULED}

# requested -> approved -> assigned -> pre-visit call done -> en route -> on site -> work done ->
# customer signed -> report handed in -> closed; escalated (OS-5), rescheduled (OS-9), cancelled.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("approve", gettext_lazy("Approve the visit"), {S.REQUESTED}, S.APPROVED, APPROVE_ROLES),
        _t(
            "assign",
            gettext_lazy("Dispatch an engineer"),
            {S.APPROVED, S.ASSIGNED, S.PRECALL_DONE, S.RESCHEDULED, S.ESCALATED},
            S.ASSIGNED,
            DISPATCH_ROLES,
        ),
        _t("call", gettext_lazy("Pre-visit call"), {S.ASSIGNED, S.RESCHEDULED}, S.PRECALL_DONE, {OWN_ENGINEER}),
        _t("depart", gettext_lazy("Leave for the customer"), {S.PRECALL_DONE}, S.EN_ROUTE, {OWN_ENGINEER}),
        _t("check_in", gettext_lazy("Check in on site"), {S.EN_ROUTE}, S.ON_SITE, {OWN_ENGINEER}),
        _t("report", gettext_lazy("Work report"), {S.ON_SITE}, S.WORK_DONE, {OWN_ENGINEER}),
        _t("sign", gettext_lazy("Customer sign-off"), {S.WORK_DONE}, S.SIGNED, {OWN_ENGINEER}),
        _t(
            "hand_in",
            gettext_lazy("Hand in the service form"),
            {S.SIGNED},
            S.HANDED_IN,
            {OWN_ENGINEER} | DISPATCH_ROLES,
        ),
        _t("close", gettext_lazy("Close the order"), {S.HANDED_IN}, S.CLOSED, DISPATCH_ROLES),
        _t("escalate", gettext_lazy("Ask the duty manager for support"), {S.ON_SITE}, S.ESCALATED, {OWN_ENGINEER}),
        _t(
            "resume",
            gettext_lazy("Support received: continue on site"),
            {S.ESCALATED},
            S.ON_SITE,
            {OWN_ENGINEER} | DISPATCH_ROLES,
        ),
        _t(
            "reschedule",
            gettext_lazy("Reschedule the visit"),
            _BEFORE_VISIT,
            S.RESCHEDULED,
            {OWN_ENGINEER} | DISPATCH_ROLES,
        ),
        _t("cancel", gettext_lazy("Cancel the order"), _BEFORE_VISIT | {S.REQUESTED}, S.CANCELLED, DISPATCH_ROLES),
    )
}


def may_act(*, transition: Transition, roles: frozenset[str], is_order_engineer: bool) -> bool:
    """Whether someone with ``roles`` (the order's engineer or not) may take ``transition``."""
    return (OWN_ENGINEER in transition.by and is_order_engineer) or bool(roles & transition.by)


def refusal(*, status: str, action: str, roles: frozenset[str], is_order_engineer: bool) -> str | None:
    """Why ``action`` cannot be taken on an order in ``status`` by this person (None: it can)."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        return _("An order that is “%(status)s” cannot be changed with “%(action)s”.") % {
            "status": OrderStatus(status).label,
            "action": transition.label,
        }
    if not may_act(transition=transition, roles=roles, is_order_engineer=is_order_engineer):
        if transition.by == {OWN_ENGINEER}:
            return _("Only the engineer of this order can do that.")
        if transition.by == APPROVE_ROLES:
            return _("You cannot approve on-site visits.")
        return _("You cannot do “%(action)s” on this order.") % {"action": transition.label}
    return None


# The visit is over or interrupted: the engineer checks out (escalated: may leave while waiting).
CHECK_OUT_STATUSES = frozenset({S.SIGNED, S.HANDED_IN, S.ESCALATED, S.RESCHEDULED, S.CANCELLED})
# The trip has ended: it is written into the service record (OS-7).
TRIP_ENDED_STATUSES = frozenset({S.SIGNED, S.HANDED_IN, S.RESCHEDULED, S.CANCELLED})


def check_out_refusal(*, status: str, checked_in_at, checked_out_at) -> str | None:
    if checked_in_at is None or checked_out_at is not None or status not in CHECK_OUT_STATUSES:
        return _("Check out once per visit, after the customer has signed (or when the visit is interrupted).")
    return None


def trip_record_refusal(*, status: str, departed_at, trip_recorded_at) -> str | None:
    """OS-7: a trip (the engineer left for the customer) is recorded once it has ended."""
    if departed_at is None or trip_recorded_at is not None or status not in TRIP_ENDED_STATUSES:
        return _("There is no finished trip to record on this order.")
    return None


def actions_for(*, status: str, roles: frozenset[str], is_order_engineer: bool) -> set[str]:
    return {
        t.action
        for t in TRANSITIONS.values()
        if status in t.sources and may_act(transition=t, roles=roles, is_order_engineer=is_order_engineer)
    }


# --- Request and approval (HL-6, OS-1) -----------------------------------------------------------


def offered_date_problem(*, offered_by: datetime.date | None, called_on: datetime.date, max_days: int) -> str | None:
    """HL-6: the agent offers a visit within ``max_days`` (three) days of the call."""
    if offered_by is None:
        return None
    if offered_by < called_on:
        return _("The offered date cannot be before the call.")
    if (offered_by - called_on).days > max_days:
        return _("Offer a visit within %(days)d days of the call.") % {"days": max_days}  # HL-6
    return None


def window_problem(*, start: datetime.datetime | None, end: datetime.datetime | None, required: bool) -> str | None:
    if start is None and end is None:
        return _("Agree the visit window with the customer first.") if required else None
    if start is None or end is None:
        return _("Give both the start and the end of the visit window.")
    if end <= start:
        return _("The visit window must end after it starts.")
    return None


def approval_refusal(
    *,
    approver_id: int,
    roles: frozenset[str],
    requested_by_id: int,
    engineer_id: int | None,
    rules: dict[str, str],
    calendar: Calendar,
    now: datetime.datetime,
) -> str | None:
    """OS-1: an approver by ``rules`` (``ONSITE_APPROVER_ROLES``) at ``now``; never the engineer of
    the order, and an engineer who asked for the visit themselves needs another approver."""
    refused = role_rule_refusal(roles=roles, rules=rules, calendar=calendar, now=now, what=_("approve on-site visits"))
    if refused:
        return refused
    if engineer_id is not None and approver_id == engineer_id:
        return _("You cannot approve a visit you are the engineer of.")  # OS-1
    if approver_id == requested_by_id and Role.ENGINEER in roles:
        return _("You asked for this visit yourself: another service manager approves it.")  # OS-1
    return None


# --- Who approves and dispatches, per role and time of day (ONSITE_APPROVER_ROLES, ONSITE_DISPATCHER_ROLES)

ALWAYS = "always"
IN_HOURS = "in_hours"
OUT_OF_HOURS = "out_of_hours"
ROLE_CONDITIONS = (ALWAYS, IN_HOURS, OUT_OF_HOURS)


def role_rules(spec) -> dict[str, str]:
    """Parse a per-role rule list such as ``["service_manager", "duty_manager:out_of_hours"]`` into
    ``{role: condition}``; a role without a condition may act at any time. Raises ``ValueError`` on
    an unknown role or condition, so a misspelt setting fails at start-up rather than silently."""
    rules: dict[str, str] = {}
    for item in spec:
        role, _sep, condition = str(item).strip().partition(":")
        role, condition = role.strip(), (condition.strip() or ALWAYS)
        if not role:
            continue
        if role not in Role.values:
            raise ValueError(f"unknown role {role!r} in an on-site role rule")
        if condition not in ROLE_CONDITIONS:
            raise ValueError(f"unknown condition {condition!r} for {role!r}: use one of {', '.join(ROLE_CONDITIONS)}")
        rules[role] = condition
    return rules


def role_rule_allows(*, condition: str, in_working_hours: bool) -> bool:
    return condition == ALWAYS or (condition == IN_HOURS) == in_working_hours


def role_rule_refusal(
    *, roles: frozenset[str], rules: dict[str, str], calendar: Calendar, now: datetime.datetime, what: str
) -> str | None:
    """Why someone with ``roles`` may not ``what`` at ``now`` under ``rules`` (None: they may). Working
    hours are those of ``calendar`` (the office's business calendar)."""
    held = [role for role in roles if role in rules]
    if not held:
        names = ", ".join(str(Role(role).label) for role in rules)
        return _("Only these roles may %(what)s: %(roles)s.") % {"what": what, "roles": names}
    in_hours = is_working_moment(calendar, now)
    if any(role_rule_allows(condition=rules[role], in_working_hours=in_hours) for role in held):
        return None
    if in_hours:
        return _("You may %(what)s only outside working hours; it is working time now.") % {"what": what}
    return _("You may %(what)s only during working hours; it is outside working hours now.") % {"what": what}


def early_start_warning(
    *, agreed_start: datetime.datetime | None, now: datetime.datetime, hours: int
) -> str | None:
    """A warning (not a refusal) when the engineer leaves or checks in more than ``hours`` before
    the agreed visit window (``ONSITE_EARLY_WARNING_HOURS``): probably the wrong order or day. The
    engineer may go ahead after confirming; the service records that on the timeline."""
    if agreed_start is None or hours <= 0:
        return None
    ahead = agreed_start - now
    if ahead <= datetime.timedelta(hours=hours):
        return None
    total_hours = int(ahead.total_seconds() // 3600)
    return _(
        "The agreed visit starts in %(hours)d hours (%(start)s). Is this the right order? Tick “Go ahead "
        "anyway” to continue."
    ) % {"hours": total_hours, "start": agreed_start.strftime("%Y-%m-%d %H:%M")}


def assignment_refusal(*, engineer_id: int, approved_by_id: int | None) -> str | None:
    """OS-1: the service manager who approved the visit cannot dispatch themselves on it."""
    if approved_by_id is not None and engineer_id == approved_by_id:
        return _("You approved this visit, so you cannot be its engineer.")  # OS-1
    return None


# --- Visit flow checklists (OS-2, OS-3, OS-4) ----------------------------------------------------

# OS-3: what the engineer goes through on the phone before leaving.
PRECALL_CHECKS = {
    "fault_details": gettext_lazy("Fault details understood"),
    "tools_and_parts": gettext_lazy("Tools and parts prepared"),
    "contract_valid": gettext_lazy("Service contract checked"),
    "backup_requested": gettext_lazy("Customer asked to back up important data"),
    "route_confirmed": gettext_lazy("Address, time and route confirmed"),
}
# OS-2: before leaving, the engineer confirms both (otherwise: consult the hotline first).
DEPART_CHECKS = {
    "can_solve": gettext_lazy("I can solve this problem"),
    "address_known": gettext_lazy("I know the address and the way"),
}
# OS-4: the steps on site, in order.
ONSITE_CHECKS = {
    "badge_shown": gettext_lazy("Badge shown"),
    "contact_verified": gettext_lazy("Contact person verified"),
    "problem_verified": gettext_lazy("Problem verified on site"),
    "data_backed_up": gettext_lazy("Customer data backed up before any change"),
    "fixed": gettext_lazy("Problem fixed"),
    "trial_run": gettext_lazy("Customer trial run done"),
    "cause_explained": gettext_lazy("Cause and prevention explained"),
}


def checks_missing(*, checklist: dict, ticked: dict) -> list[str]:
    """Labels of the checklist items not ticked, in checklist order."""
    return [str(label) for key, label in checklist.items() if not ticked.get(key)]


def call_retry_due(*, attempted_at: datetime.datetime, calendar: Calendar) -> datetime.datetime:
    """OS-3: an unreachable customer is tried again at other times, at the latest the next day:
    by the close of the engineer's next working day (customers are organisations, reachable in
    working hours; a call on Friday may be retried until Monday evening)."""
    day = next_working_day(calendar, attempted_at.astimezone(calendar.tz).date())
    return intervals_on(calendar, day)[-1][1].astimezone(calendar.tz)


def next_day_deadline(*, at: datetime.datetime, calendar: Calendar) -> datetime.datetime:
    """OS-6, OS-7 (ST-8, ST-10): handed in / recorded "by the next day": until the end (midnight) of
    the next working day of the office calendar after ``at``; a Friday visit is due by Monday night."""
    day = next_working_day(calendar, at.astimezone(calendar.tz).date())
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=calendar.tz)


def is_past(*, due_at: datetime.datetime | None, done_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Late: not done by ``due_at`` (done after it, or not at all and ``now`` is past it)."""
    if due_at is None:
        return False
    if done_at is not None:
        return done_at > due_at
    return now > due_at


def factory_repair_due(*, sent_on: datetime.date, calendar: Calendar, working_days: int) -> datetime.date:
    """OS-11: a return-to-factory repair takes at most ``working_days`` (five) working days."""
    return add_working_days(calendar, sent_on, working_days)


def factory_repair_overdue(*, due_on: datetime.date | None, returned_on: datetime.date | None, today: datetime.date) -> bool:
    return due_on is not None and returned_on is None and today > due_on


def off_shift(*, calendar: Calendar, start: datetime.datetime, end: datetime.datetime) -> bool:
    """GN-3: an engineer whose work calendar has no working time in the visit window is off shift."""
    return working_time_between(calendar, start, end) <= datetime.timedelta(0)


# --- Dispatch help (GN-3) ------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillHolding:
    name: str
    product_id: int | None
    ticket_type: str
    level: int
    level_label: str = ""


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    region_id: int | None
    region_name: str
    skills: tuple[SkillHolding, ...]
    open_orders: int


@dataclass(frozen=True)
class RankedCandidate:
    candidate: Candidate
    score: int
    reasons: tuple[str, ...]


SKILL_POINTS = 10  # per proficiency level (1-3) and match weight (1-3): at most 90
REGION_POINTS = 25
LOAD_POINTS = 8  # subtracted per open order


def skill_match_weight(*, skill_product_id, skill_type: str, product_id, ticket_type: str) -> int:
    """3: this product and this request type; 2: this product, any request type; 1: this request
    type, any product; 0: not relevant (another product, or another request type)."""
    product_matches = skill_product_id is not None and skill_product_id == product_id
    type_matches = skill_type == ticket_type
    if product_matches and type_matches:
        return 3
    if product_matches and not skill_type:
        return 2
    if skill_product_id is None and type_matches:
        return 1
    return 0


def rank_engineers(
    *, candidates: list[Candidate], product_id: int | None, ticket_type: str, region_id: int | None
) -> list[RankedCandidate]:
    """GN-3: best first, by skill for the product and fault type, then region, then fewest open
    orders; each with the reasons that make up its score, for the dispatcher to read."""
    ranked = []
    for candidate in candidates:
        reasons = []
        best, best_weight = None, 0
        for holding in candidate.skills:
            weight = skill_match_weight(
                skill_product_id=holding.product_id,
                skill_type=holding.ticket_type,
                product_id=product_id,
                ticket_type=ticket_type,
            )
            if weight and (best is None or weight * holding.level > best_weight * best.level):
                best, best_weight = holding, weight
        skill = SKILL_POINTS * best_weight * best.level if best else 0
        if best is None:
            reasons.append(_("No skill for this product or request type: +0"))
        else:
            scope = {
                3: _("this product and request type"),
                2: _("this product"),
                1: _("this request type"),
            }[best_weight]
            reasons.append(
                _("%(level)s in “%(skill)s” (%(scope)s): +%(points)d")
                % {"level": best.level_label or best.level, "skill": best.name, "scope": scope, "points": skill}
            )
        region = 0
        if region_id is not None and candidate.region_id == region_id:
            region = REGION_POINTS
            reasons.append(_("Same region as the customer (%(region)s): +%(points)d") % {
                "region": candidate.region_name, "points": region})  # fmt: skip
        elif candidate.region_id is None:
            reasons.append(_("No region recorded: +0"))
        else:
            reasons.append(_("Other region (%(region)s): +0") % {"region": candidate.region_name})
        load = LOAD_POINTS * candidate.open_orders
        reasons.append(
            _("%(count)d open orders: −%(points)d") % {"count": candidate.open_orders, "points": load}
            if candidate.open_orders
            else _("No open orders: −0")
        )
        ranked.append(RankedCandidate(candidate=candidate, score=skill + region - load, reasons=tuple(reasons)))
    return sorted(ranked, key=lambda r: (-r.score, r.candidate.open_orders, r.candidate.name, r.candidate.user_id))


# --- Satisfaction (OS-10) and the visit steps ------------------------------------------------------


def rating_satisfied(rating: int) -> bool:
    """OS-10: a rating of 4 or 5 (of 5) counts as satisfied."""
    return rating >= 4


def satisfaction_percent(*, satisfied: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(satisfied) * 100 / Decimal(total)).quantize(Decimal("0.1"))


# The engineer's visit flow on the phone, in order.
STEPS = (
    ("call", gettext_lazy("Call")),
    ("depart", gettext_lazy("Leave")),
    ("check_in", gettext_lazy("Check in")),
    ("report", gettext_lazy("Report")),
    ("sign", gettext_lazy("Sign")),
    ("finish", gettext_lazy("Hand in")),
)
_STEP_OF_STATUS = {
    S.ASSIGNED: 0,
    S.RESCHEDULED: 0,
    S.PRECALL_DONE: 1,
    S.EN_ROUTE: 2,
    S.ON_SITE: 3,
    S.ESCALATED: 3,
    S.WORK_DONE: 4,
    S.SIGNED: 5,
    S.HANDED_IN: 6,
    S.CLOSED: 6,
}


def current_step(status: str) -> int | None:
    """Index in ``STEPS`` of the engineer's next step (len(STEPS) when all are done, None before
    dispatch or after cancelling)."""
    return _STEP_OF_STATUS.get(status)


# --- Visit photos (issue 16) ------------------------------------------------------------------------

# The engineer adds photos while on the visit: from check-in until check-out.
PHOTO_VISIT_STATUSES = frozenset({S.ON_SITE, S.ESCALATED, S.WORK_DONE, S.SIGNED})
# Service managers (and administrators) add photos to any order that is not cancelled.
PHOTO_MANAGER_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMIN})


def photo_add_refusal(
    *, status: str, checked_out_at, roles: frozenset[str], is_order_engineer: bool, photo_count: int, max_photos: int
) -> str | None:
    """Why ``roles`` may not add a photo to an order in ``status`` now (None: they may)."""
    if status == S.CANCELLED:
        return _("This order is cancelled; no photos can be added.")
    if photo_count >= max_photos:
        return _("This order has %(count)d photos already, the most it can hold.") % {"count": photo_count}
    if roles & PHOTO_MANAGER_ROLES:
        return None
    if is_order_engineer:
        if status in PHOTO_VISIT_STATUSES and checked_out_at is None:
            return None
        return _("Photos are added on the visit: from check-in until you check out.")
    return _("Only the engineer on the visit or a service manager can add photos.")


# Issue 16: the visit steps the engineer's phone can take one after another without a connection.
# The order page renders the steps after the current one hidden; the offline queue
# (static/js/offline.js) reveals each once the one before it is queued. "finish" is the check-out
# and the trip record (handing in the paper form happens at the office, online).
OFFLINE_FLOW = ("depart", "check_in", "report", "sign", "finish")
_OFFLINE_CURRENT = {S.PRECALL_DONE: "depart", S.EN_ROUTE: "check_in", S.ON_SITE: "report", S.WORK_DONE: "sign"}


def offline_later_steps(status: str) -> tuple[str, ...]:
    """The steps after the current one that the phone may reach offline (none outside the flow)."""
    current = _OFFLINE_CURRENT.get(status)
    if current is None:
        return ()
    return OFFLINE_FLOW[OFFLINE_FLOW.index(current) + 1 :]
