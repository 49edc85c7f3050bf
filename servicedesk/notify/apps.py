from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """Outbound customer messages (issue 14): admin-editable templates per kind, channel and
    language, the message log, and the outbox handler that delivers each message once by e-mail,
    SMS (Aliyun) or WeChat template message (docs/channels.md)."""

    name = "servicedesk.notify"
    label = "notify"
    verbose_name = _("Customer messages")
    default_auto_field = "django.db.models.BigAutoField"
