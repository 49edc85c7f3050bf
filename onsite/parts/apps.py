from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

# Who sees the catalogue and the stock of every location (engineers read the catalogue too).
STOCK_READER_ROLES = frozenset({Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})
CATALOGUE_ROLES = STOCK_READER_ROLES | {Role.ENGINEER}
# Warehouse keepers: receive, transfer and count stock.
KEEPER_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMIN})
# OS-11: who sends parts to the factory and books them back (onsite.policies.DISPATCH_ROLES, the
# roles the factory services check).
FACTORY_ROLES = frozenset({Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.ADMIN})


class PartsConfig(AppConfig):
    """Spare parts: the catalogue, the warehouse and the engineers' vans, and the append-only stock
    ledger behind every balance (OS-11, issue 16)."""

    name = "onsite.parts"
    label = "parts"
    verbose_name = _("Spare parts")
    nav_items = (
        NavItem(_("My van"), "parts:my_van", frozenset({Role.ENGINEER}), order=13, section="/onsite/parts/my-van/", group="onsite"),
        NavItem(_("Spare parts"), "parts:catalogue", CATALOGUE_ROLES, order=19, section="/onsite/parts/catalogue/", group="onsite"),
        NavItem(_("Stock"), "parts:locations", STOCK_READER_ROLES, order=20, section="/onsite/parts/locations/", group="onsite"),
        NavItem(_("Factory repairs"), "parts:factory", FACTORY_ROLES, order=21, section="/onsite/parts/factory/", group="onsite"),
    )

    def ready(self) -> None:
        from tickets.models.tickets import register_event_kinds

        from .models import PartsEventKind

        register_event_kinds(PartsEventKind)
