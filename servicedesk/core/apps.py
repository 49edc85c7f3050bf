from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Cross-cutting pieces without models: health check, navigation, template tags, demo data."""

    name = "servicedesk.core"
    label = "core"
    verbose_name = _("Service desk core")

    def ready(self) -> None:
        from servicedesk.celery import ensure_filesystem_broker_folders

        ensure_filesystem_broker_folders()
        from . import checks  # noqa: F401  (registers the system checks)
