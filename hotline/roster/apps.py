from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

_EDITORS = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})


class RosterConfig(AppConfig):
    """Hotline seats and who is signed in at them; the duty roster (HL-2..HL-4, ST-16)."""

    name = "hotline.roster"
    label = "roster"
    verbose_name = _("Hotline seats and duty roster")
    nav_items = (
        NavItem(
            _("My duty"),
            "roster:mine",
            frozenset({Role.AGENT, Role.DUTY_MANAGER}),
            order=22,
            section="/hotline/roster/mine/",
            group="hotline",
        ),
        NavItem(_("Duty roster"), "roster:week", _EDITORS, order=24, section="/hotline/roster/shifts/", group="hotline"),
        NavItem(_("Holiday duty"), "roster:holidays", _EDITORS, order=26, section="/hotline/roster/holidays/", group="hotline"),
    )
