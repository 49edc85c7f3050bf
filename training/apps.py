from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from servicedesk.core.navigation import NavItem
from staff.roles import Role

_TRAINING = frozenset({Role.ENGINEER, Role.SERVICE_MANAGER, Role.ADMIN})


class TrainingConfig(AppConfig):
    """Training plans with exams and sign-off (TR-1..TR-6); implementation projects (TR-7, ST-12)."""

    name = "training"
    verbose_name = _("Training and implementation")
    nav_items = (
        NavItem(_("Training"), "training:plan_list", _TRAINING, order=50, section="/training/plans/", group="training"),
        NavItem(_("Implementation"), "training:project_list", _TRAINING, order=55, section="/training/projects/", group="training"),
    )
