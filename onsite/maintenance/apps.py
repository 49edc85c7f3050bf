from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from staff.roles import Role

from servicedesk.core.navigation import NavItem

PLAN_ROLES = frozenset({Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})
# Duty managers read plans; service managers (and administrators) create and change them.
PLAN_EDIT_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMIN})


class MaintenanceConfig(AppConfig):
    """Preventive maintenance plans (issue 16): visits generated ahead from a service contract's
    plan as ordinary on-site orders (OS-1, GN-3, CT-1)."""

    name = "onsite.maintenance"
    label = "maintenance"
    verbose_name = _("Preventive maintenance")
    nav_items = (
        NavItem(
            _("Maintenance plans"), "maintenance:plan_list", PLAN_ROLES, order=17, section="/onsite/maintenance/", group="onsite"
        ),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import MaintenanceEventKind

        register_event_kinds(MaintenanceEventKind)
