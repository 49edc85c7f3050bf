from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Signed outgoing webhooks: subscriptions, their delivery log, and the outbox handler that
    POSTs each event (docs/webhooks.md)."""

    name = "servicedesk.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"
