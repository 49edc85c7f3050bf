"""Reads for the hotline."""

from django.db.models import QuerySet

from staff.models import User
from staff.roles import Role


def duty_managers_on_shift(*, at) -> QuerySet[User]:
    """The duty managers (值班经理) who receive escalations at ``at`` (SLA breaches, HL-7 call-backs).

    For now every active user with the duty-manager role: the hotline duty roster does not exist
    yet. The hotline roster issue will narrow this to the managers on the roster's shift covering
    ``at`` and keep this fallback for moments no published shift covers, so an escalation always
    reaches someone.
    """
    return User.objects.filter(is_active=True, groups__name=Role.DUTY_MANAGER).distinct().order_by("pk")
