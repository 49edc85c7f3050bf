from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

_DESK = frozenset({Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.CALLBACK_SPECIALIST, Role.ADMIN})


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets and customers")
    nav_items = (
        NavItem(_("Tickets"), "tickets:list", _DESK | {Role.ENGINEER}, order=10, section="/tickets/", group="desk"),
        NavItem(_("Customers"), "customers:list", _DESK, order=20, section="/customers/", group="desk"),
        NavItem(
            _("Monthly statistics"),
            "tickets:statistics",
            frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN}),
            order=90,
            section="/tickets/statistics/",
            group="desk",
        ),
        NavItem(
            _("Service KPIs"),
            "tickets:kpi",
            frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN}),
            order=89,
            section="/tickets/kpi/",
            group="desk",
        ),
    )
