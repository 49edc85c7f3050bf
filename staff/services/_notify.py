"""Who hears about staff events; a thin layer over ``servicedesk.core.services.notification_send``."""

from django.db.models import Q

from servicedesk.core.services import notification_send

from ..models import User
from ..roles import Role


def approvers_of(employee) -> list:
    """The employee's manager, or every service manager when nobody is set (never the employee)."""
    if employee.manager_id and employee.manager.is_active:
        return [employee.manager]
    return list(_with_role(Role.SERVICE_MANAGER).exclude(pk=employee.pk))


def hr_staff(*, exclude=None) -> list:
    queryset = _with_role(Role.HR)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return list(queryset)


def _with_role(role):
    return User.objects.filter(Q(groups__name=role), is_active=True).distinct()


def notify(recipients, *, title: str, url: str, key: str, kind: str = "staff", body: str = "", now=None) -> None:
    notification_send(recipients=recipients, title=title, body=body, url=url, kind=kind, key=key, now=now)
