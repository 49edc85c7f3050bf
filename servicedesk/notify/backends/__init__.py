"""Delivery backends, one per channel, chosen by ``NOTIFY_EMAIL_BACKEND``, ``NOTIFY_SMS_BACKEND``
and ``NOTIFY_WECHAT_BACKEND`` (dotted paths). A backend has ``send(message) -> provider_id`` and
raises on any failure (the outbox retries)."""

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tickets.models import ContactChannel

_SETTINGS = {
    ContactChannel.EMAIL: ("NOTIFY_EMAIL_BACKEND", "servicedesk.notify.backends.email.DjangoEmailBackend"),
    ContactChannel.SMS: ("NOTIFY_SMS_BACKEND", "servicedesk.notify.backends.console.ConsoleBackend"),
    ContactChannel.WECHAT: ("NOTIFY_WECHAT_BACKEND", "servicedesk.notify.backends.console.ConsoleBackend"),
}


class Backend(Protocol):
    def send(self, message) -> str: ...


class DeliveryError(Exception):
    """The provider refused the message (its code and message are in the text)."""


def backend_for(channel: str) -> Backend:
    name, default = _SETTINGS[channel]
    return import_string(getattr(settings, name, "") or default)()
