from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

BOARD_ROLES = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})
REMINDER_ROLES = frozenset({Role.CALLBACK_SPECIALIST, Role.SERVICE_MANAGER, Role.ADMIN})


class SLAConfig(AppConfig):
    """SLA clocks enforced by Celery (OS-8, HL-6, HL-7, CB-1) and contract-expiry reminders (CT-2, CT-3)."""

    name = "tickets.sla"
    label = "sla"
    verbose_name = _("SLA and contract reminders")
    nav_items = (
        NavItem(_("SLA board"), "sla:board", BOARD_ROLES, order=15, section="/sla/board/", group="desk"),
        NavItem(_("Contract reminders"), "sla:reminders", REMINDER_ROLES, order=25, section="/sla/contract-reminders/", group="care"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import SLAEventKind

        register_event_kinds(SLAEventKind)
