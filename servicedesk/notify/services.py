"""Sending a message to a customer's contact (issue 14): one call for every notice.

``customer_message_send`` picks the channel, renders the admin-edited template in the customer's
language, writes the :class:`CustomerMessage` row and its outbox message in the caller's
transaction. The outbox handler ``notify.deliver`` hands the row to the channel's backend once.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from servicedesk.core import outbox
from tickets.models import ContactChannel
from tickets.sla.policies import letter_language
from tickets.wechat.policies import is_wecom

from . import backends
from .models import CustomerMessage, MessageKind, MessageTemplate
from .rendering import template_render
from .threading import ticket_subject

logger = logging.getLogger(__name__)

DELIVER_TOPIC = "notify.deliver"
FALLBACK_ORDER = (ContactChannel.EMAIL, ContactChannel.SMS, ContactChannel.WECHAT)


def wechat_configured() -> bool:
    """WeChat template messages need the official account's app id and secret."""
    return bool(settings.NOTIFY_WECHAT_APP_ID and settings.NOTIFY_WECHAT_APP_SECRET)


def contact_address(*, contact, channel: str) -> str:
    """Where ``contact`` receives messages on ``channel``; "" when they cannot."""
    if channel == ContactChannel.EMAIL:
        return contact.email or ""
    if channel == ContactChannel.SMS:
        return contact.mobile or ""
    if channel == ContactChannel.WECHAT:
        # A WeCom user (tickets.wechat) cannot get the official account's template messages.
        openid = contact.wechat_openid
        return openid if (openid and not is_wecom(openid) and wechat_configured()) else ""
    return ""


def channel_choose(*, contact, channel: str | None = None) -> str | None:
    """The explicit ``channel`` if the contact can receive it; with none given, the contact's
    preferred channel, else the first of e-mail, SMS, WeChat they can receive. None: unreachable."""
    if channel is not None:
        return channel if contact_address(contact=contact, channel=channel) else None
    order = [contact.preferred_channel, *[c for c in FALLBACK_ORDER if c != contact.preferred_channel]]
    for candidate in order:
        if contact_address(contact=contact, channel=candidate):
            return candidate
    return None


def recipient_label(message: CustomerMessage) -> str:
    """Where a message went, for staff (timelines, notice lists): the e-mail address or mobile, and
    for WeChat the contact's name (an OpenID means nothing to a person)."""
    if message.channel == ContactChannel.WECHAT:
        return message.contact.name
    return message.recipient


def template_find(*, kind: str, channel: str, language: str) -> MessageTemplate | None:
    """The active template in ``language``, else in the other language (a text beats none)."""
    templates = {
        t.language: t for t in MessageTemplate.objects.filter(kind=kind, channel=channel, is_active=True)
    }
    return templates.get(language) or next(iter(sorted(templates.values(), key=lambda t: t.language)), None)


def _params(context: dict) -> dict[str, str]:
    """SMS template parameters / WeChat data: the context's plain values as strings."""
    return {
        name: str(value)
        for name, value in context.items()
        if isinstance(value, (str, int, float, datetime.date)) and not isinstance(value, bool)
    }


def customer_message_send(
    *,
    contact,
    kind: str,
    context: dict,
    ticket=None,
    channel: str | None = None,
    key: str,
    now: datetime.datetime | None = None,
) -> CustomerMessage | None:
    """Write the message to ``contact`` and its delivery (outbox) in the caller's transaction.

    ``key`` makes it idempotent: the same key again returns the first row and sends nothing new.
    Returns None when the contact cannot be reached on any (or the forced) channel. Without an
    active template the row is written as skipped with the reason, and nothing is delivered."""
    if kind not in MessageKind.values:
        raise ValueError(f"unknown message kind {kind!r}")
    if channel is not None and channel not in ContactChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    now = now or timezone.now()
    existing = CustomerMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    chosen = channel_choose(contact=contact, channel=channel)
    if chosen is None:
        return None
    language = letter_language(customer_name=contact.customer.name)
    message = CustomerMessage(
        key=key,
        kind=kind,
        channel=chosen,
        language=language,
        contact=contact,
        ticket=ticket,
        recipient=contact_address(contact=contact, channel=chosen),
        created_at=now,
    )
    template = template_find(kind=kind, channel=chosen, language=language)
    if template is None:
        message.status = CustomerMessage.Status.SKIPPED
        message.error = f"no active template for {kind} / {chosen}"
    else:
        full = {
            "contact": contact,
            "customer": contact.customer,
            "ticket": ticket,
            "site_name": settings.SERVICEDESK.get("SITE_NAME", "servicedesk"),
            **context,
        }
        message.language = template.language
        message.body = template_render(template.body, context=full, language=template.language)
        message.body_html = str(context.get("body_html", ""))
        if chosen == ContactChannel.EMAIL:
            subject = " ".join(template_render(template.subject, context=full, language=template.language).split())
            message.subject = ticket_subject(number=ticket.number, subject=subject) if ticket else subject
        message.params = _params(context)
        message.provider_template = (
            template.provider_template_code if chosen == ContactChannel.SMS else template.wechat_template_id
        ) if chosen != ContactChannel.EMAIL else ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:  # a concurrent twin with the same key won
            return CustomerMessage.objects.get(key=key)
        if message.status == CustomerMessage.Status.PENDING:
            outbox.enqueue(topic=DELIVER_TOPIC, payload={"message_id": message.pk}, key=f"notify:{key}", now=now)
    if message.status == CustomerMessage.Status.SKIPPED:
        logger.warning("notify: message %s skipped: %s", message.pk, message.error)
    return message


@outbox.handler(DELIVER_TOPIC)
def customer_message_deliver(*, message_id: int, now: datetime.datetime) -> bool:
    """Hand one pending message to its channel's backend, once: the row stays locked until it is
    stamped sent. A backend error is recorded on the row (attempts, error) and raised, so the outbox
    retries with its back-off; after the last attempt the row is marked failed."""
    message = (
        CustomerMessage.objects.select_for_update(of=("self",))
        .select_related("ticket", "contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != CustomerMessage.Status.PENDING:
        return False
    backend = backends.backend_for(message.channel)
    try:
        provider_id = backend.send(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        attempts = message.attempts + 1

        def record(*, final: bool) -> None:
            CustomerMessage.objects.filter(pk=message_id, status=CustomerMessage.Status.PENDING).update(
                attempts=attempts, error=error, status=CustomerMessage.Status.FAILED if final else CustomerMessage.Status.PENDING
            )

        raise outbox.AttemptFailed(error, record=record) from exc
    message.status = CustomerMessage.Status.SENT
    message.provider_id = str(provider_id or "")[:200]
    message.sent_at = now
    message.attempts += 1
    message.error = ""
    message.save(update_fields=["status", "provider_id", "sent_at", "attempts", "error"])
    return True


@transaction.atomic
def customer_message_retry(*, messages, now: datetime.datetime | None = None) -> int:
    """Admin action: failed messages are pending again and their delivery is due now."""
    now = now or timezone.now()
    from servicedesk.core.models import OutboxMessage

    retried = 0
    for message in CustomerMessage.objects.select_for_update().filter(
        pk__in=[m.pk for m in messages], status=CustomerMessage.Status.FAILED
    ):
        message.status, message.attempts = CustomerMessage.Status.PENDING, 0
        message.save(update_fields=["status", "attempts"])
        stored = OutboxMessage.objects.filter(key=f"notify:{message.key}").first()
        if stored is None:
            outbox.enqueue(topic=DELIVER_TOPIC, payload={"message_id": message.pk}, key=f"notify:{message.key}", now=now)
        else:
            outbox.retry(message_ids=[stored.pk], now=now)
        retried += 1
    return retried
