"""Reads for the hotline."""

from django.db.models import QuerySet

from staff.models import User
from staff.roles import Role


def duty_managers_on_shift(*, at) -> QuerySet[User]:
    """The duty managers (值班经理) who receive escalations at ``at`` (SLA breaches, HL-7 call-backs).

    The active duty manager(s) of the published roster shift(s) covering ``at`` (HL-3); when no
    published shift covers ``at`` (or it has no active duty manager, or ``at`` is None), every
    active user with the duty-manager role, so an escalation always reaches someone.
    """
    if at is not None:
        on_shift = User.objects.filter(
            is_active=True,
            managed_shifts__published_at__isnull=False,
            managed_shifts__starts_at__lte=at,
            managed_shifts__ends_at__gt=at,
        )
        if on_shift.exists():
            return on_shift.distinct().order_by("pk")
    return User.objects.filter(is_active=True, groups__name=Role.DUTY_MANAGER).distinct().order_by("pk")
