from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    """Hotline seats and who is signed in at them; the duty roster (HL-2..HL-4, ST-16)."""

    name = "hotline.roster"
    label = "roster"
    verbose_name = _("Hotline seats and duty roster")
