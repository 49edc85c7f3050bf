"""Roles of the service centre (domain.md "Roles"). A role is a Django group with a fixed name.

One person may hold several roles. Views check roles through ``staff.permissions``; the groups are
created by migration ``0002_role_groups`` and kept complete by :func:`ensure_role_groups`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Hotline agent")
    DUTY_MANAGER = "duty_manager", _("Duty manager")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    ENGINEER = "engineer", _("Engineer")
    CALLBACK_SPECIALIST = "callback_specialist", _("Callback specialist")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")


MANAGER_ROLES = frozenset({Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN})


def ensure_role_groups(group_model=None) -> None:
    """Create any missing role group (idempotent; used by the data migration and by tests)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
    for role in Role:
        group_model.objects.get_or_create(name=role.value)


def grant_admin_group_permissions(**kwargs) -> None:
    """post_migrate: the admin role may do everything in Django admin."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.filter(name=Role.ADMIN).first()
    if group is not None:
        group.permissions.set(Permission.objects.all())


# Who uses the staff pages (see docs/staff.md). Everyone with a role has their own records.
STAFF_ROLES = tuple(Role.values)
# Managers decide for their reports (the service manager for everyone); HR takes the second step.
APPROVER_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.HR, Role.ADMIN)
MANAGER_DECISION_ROLES = (Role.DUTY_MANAGER, Role.SERVICE_MANAGER, Role.ADMIN)
# ST-13: HR runs the monthly deductions; the fund is kept by HR and the service manager.
PAYROLL_ROLES = (Role.HR, Role.ADMIN)
FUND_ROLES = (Role.HR, Role.SERVICE_MANAGER, Role.ADMIN)
