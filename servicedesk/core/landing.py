"""Where each person lands at ``/``: their work queue, not a grid of links (issue 17).

A person may hold several roles; the first role of ``LANDING`` they hold wins, so a duty manager who
also takes calls lands on the SLA board. Someone with no role (or a role without a queue) sees the
start page.
"""

from staff.roles import Role

# (role, URL name) in priority order.
LANDING: tuple[tuple[str, str], ...] = (
    (Role.DUTY_MANAGER, "sla:board"),
    (Role.SERVICE_MANAGER, "tickets:kpi"),
    (Role.ADMIN, "tickets:kpi"),
    (Role.AGENT, "hotline:call"),
    (Role.ENGINEER, "onsite:mine"),
    (Role.CALLBACK_SPECIALIST, "care:queue"),
    (Role.HR, "staff:approvals"),
)


def landing_url_name(*, roles: frozenset[str]) -> str | None:
    """The URL name of the queue a person with ``roles`` starts the day on, or None for the start page."""
    for role, url_name in LANDING:
        if role in roles:
            return url_name
    return None
