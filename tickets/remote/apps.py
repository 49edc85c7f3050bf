from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

_DESK = frozenset({Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.CALLBACK_SPECIALIST, Role.ADMIN})


class RemoteConfig(AppConfig):
    """Remote maintenance (RM-1..RM-7): typed service records on tickets, change requests, bugs,
    the customer-form archive, and the knowledge base (GN-5)."""

    name = "tickets.remote"
    label = "remote"
    verbose_name = _("Remote maintenance and requests")
    nav_items = (
        NavItem(_("Change requests"), "remote:change_list", _DESK | {Role.ENGINEER}, order=40, section="/remote/changes/", group="knowledge"),
        NavItem(_("Knowledge base"), "remote:faq_list", _DESK | {Role.ENGINEER}, order=45, section="/remote/faq/", group="knowledge"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import RemoteEventKind

        register_event_kinds(RemoteEventKind)
