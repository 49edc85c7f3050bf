from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API under /api/v1/ (issue 15): tokens, authentication, permissions, errors, paging.

    The resources themselves live with their apps (``tickets/api.py``, ``onsite/api.py``, ...) and
    call the same selectors and services as the web views; this app only wires them together."""

    name = "servicedesk.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the schema's authentication extensions)
