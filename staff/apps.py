from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem

from .roles import APPROVER_ROLES, PAYROLL_ROLES, STAFF_ROLES


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff")
    # Every member of staff has their own attendance, leave, travel and penalties.
    nav_items = (
        NavItem(_("Attendance"), "staff:attendance", frozenset(STAFF_ROLES), order=60, section="/staff/attendance/", group="staff"),
        NavItem(_("Leave"), "staff:leave_list", frozenset(STAFF_ROLES), order=61, section="/staff/leave/", group="staff"),
        NavItem(_("Travel"), "staff:travel_list", frozenset(STAFF_ROLES), order=62, section="/staff/travel/", group="staff"),
        NavItem(_("Penalties"), "staff:penalty_list", frozenset(STAFF_ROLES), order=63, section="/staff/penalties/", group="staff"),
        NavItem(_("Approvals"), "staff:approvals", frozenset(APPROVER_ROLES), order=64, section="/staff/approvals/", group="staff"),
        NavItem(_("Payroll"), "staff:payroll", frozenset(PAYROLL_ROLES), order=65, section="/staff/payroll/", group="staff"),
    )

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles

        # Permissions only exist after migrate has run, so the admin group is topped up then.
        post_migrate.connect(roles.grant_admin_group_permissions, sender=self)
