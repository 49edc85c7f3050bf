from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeChatConfig(AppConfig):
    """The WeChat official account channel (issue 14, GN-1): the server callback, binding a WeChat
    user to a contact by phone verification, messages that open or continue tickets."""

    name = "tickets.wechat"
    label = "wechat"
    verbose_name = _("WeChat")
