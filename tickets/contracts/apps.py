from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

# Service managers and administrators do everything (CT-3, CT-4).
MANAGER_ROLES = frozenset({Role.SERVICE_MANAGER, Role.ADMIN})
# Callback specialists offer renewals and record signatures (they work the CT-2 reminders).
SELLER_ROLES = MANAGER_ROLES | {Role.CALLBACK_SPECIALIST}
# Everyone who may look at contracts and renewals (agents check contracts on calls, HL-13).
VIEWER_ROLES = SELLER_ROLES | {Role.AGENT, Role.DUTY_MANAGER}


class ContractsConfig(AppConfig):
    """Service contracts and renewals: the CT-3 renewal flow, overdue payments, CT-4 sales targets."""

    name = "tickets.contracts"
    label = "contracts"
    verbose_name = _("Contracts and renewals")
    nav_items = (
        NavItem(
            _("Service contracts"), "contracts:list", VIEWER_ROLES, order=30, section="/contracts/list/", group="care"
        ),
        NavItem(
            _("Renewals"), "contracts:renewals", VIEWER_ROLES, order=32, section="/contracts/renewals/", group="care"
        ),
        NavItem(
            _("Overdue payments"),
            "contracts:overdue",
            MANAGER_ROLES,
            order=34,
            section="/contracts/overdue/",
            group="care",
        ),
        NavItem(
            _("Sales targets"),
            "contracts:targets",
            MANAGER_ROLES,
            order=36,
            section="/contracts/targets/",
            group="care",
        ),
    )
