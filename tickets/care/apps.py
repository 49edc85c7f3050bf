from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

CALLBACK_ROLES = frozenset({Role.CALLBACK_SPECIALIST, Role.SERVICE_MANAGER, Role.ADMIN})
REPORT_ROLES = frozenset({Role.CALLBACK_SPECIALIST, Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})
COMPLAINT_READER_ROLES = frozenset({Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.CALLBACK_SPECIALIST, Role.ADMIN})


class CareConfig(AppConfig):
    """Callbacks and surveys (CB-1..CB-5, HL-9, OS-10, TR-4) and complaints (HL-10, CB-2, CB-6, ST-6, ST-7)."""

    name = "tickets.care"
    label = "care"
    verbose_name = _("Customer care")
    nav_items = (
        NavItem(_("Callback queue"), "care:queue", CALLBACK_ROLES, order=40, section="/care/callbacks/", group="care"),
        NavItem(_("Complaints"), "care:complaint_list", COMPLAINT_READER_ROLES, order=42, section="/care/complaints/", group="care"),
        NavItem(_("Satisfaction"), "care:satisfaction", REPORT_ROLES, order=44, section="/care/satisfaction/", group="care"),
        NavItem(_("Callback report"), "care:report", REPORT_ROLES, order=46, section="/care/report/", group="care"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import CareEventKind

        register_event_kinds(CareEventKind)
