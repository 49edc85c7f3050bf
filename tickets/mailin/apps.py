from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

# Who works the unknown-contact queue: the desk that opens tickets (not engineers, not HR).
MAILIN_ROLES = frozenset({Role.AGENT, Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})


class MailinConfig(AppConfig):
    """E-mail intake over IMAP (issue 14, GN-1): mailboxes, received messages, unknown senders."""

    name = "tickets.mailin"
    label = "mailin"
    verbose_name = _("E-mail intake")
    nav_items = (
        NavItem(_("Unknown senders"), "mailin:unknown_queue", MAILIN_ROLES, order=48, section="/mail/", group="care"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import MailinEventKind

        register_event_kinds(MailinEventKind)
