from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

# Who takes calls (HL-1); who works the duty-manager queue and reads the statistics.
CALL_ROLES = frozenset({Role.AGENT, Role.DUTY_MANAGER, Role.ADMIN})
MANAGER_ROLES = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})
# Who reads the call records (the call list and a call's page).
CALL_LIST_ROLES = CALL_ROLES | MANAGER_ROLES


class HotlineConfig(AppConfig):
    """Hotline calls: the call-logging screen, outcomes, CTI webhook, queues, statistics (HL-1, HL-5..HL-14)."""

    name = "hotline"
    verbose_name = _("Hotline")
    nav_items = (
        NavItem(_("Log a call"), "hotline:call", CALL_ROLES, order=20, section="/hotline/call/", group="hotline"),
        NavItem(
            _("My call-backs"), "hotline:my_callbacks", CALL_ROLES, order=21, section="/hotline/callbacks/", group="hotline"
        ),
        NavItem(
            _("Duty-manager queue"), "hotline:queue", MANAGER_ROLES, order=22, section="/hotline/queue/", group="hotline"
        ),
        NavItem(
            _("Calls"), "hotline:call_list", CALL_LIST_ROLES, order=23, section="/hotline/calls/", group="hotline"
        ),
        NavItem(_("Hotline statistics"), "hotline:stats", MANAGER_ROLES, order=24, section="/hotline/stats/", group="hotline"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import HotlineEventKind

        register_event_kinds(HotlineEventKind)
