from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

_MANAGERS = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})


class OnsiteConfig(AppConfig):
    """On-site service orders and the field engineer's mobile web (OS-1..OS-11, HL-6, ST-8, ST-10, GN-3)."""

    name = "onsite"
    verbose_name = _("On-site service")
    nav_items = (
        NavItem(_("My visits"), "onsite:mine", frozenset({Role.ENGINEER}), order=12, section="/onsite/mine/", group="onsite"),
        NavItem(_("On-site orders"), "onsite:order_list", _MANAGERS, order=14, section="/onsite/orders/", group="onsite"),
        NavItem(
            _("Visit calendar"), "onsite:calendar", _MANAGERS | {Role.ENGINEER}, order=16, section="/onsite/calendar/", group="onsite"
        ),
        NavItem(_("On-site reports"), "onsite:reports", _MANAGERS, order=18, section="/onsite/reports/", group="onsite"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import OnsiteEventKind

        register_event_kinds(OnsiteEventKind)
