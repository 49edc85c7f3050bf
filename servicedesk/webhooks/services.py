"""Signed outgoing webhooks (issue 15, docs/webhooks.md).

Writing: the domain services call one ``*_emit`` function per event, inside their transaction.
:func:`webhook_event_emit` stores one :class:`WebhookDelivery` per active subscription that listens
to the event (unique per subscription and event key, so a service or sweep that runs twice
delivers once) and one outbox message per new delivery. Nothing goes over the network there: the
HTTP request is made by the outbox handler :func:`webhook_deliver`, after commit, by a worker or
the relay. With no subscription an event costs one small query.

Delivering: the handler POSTs the JSON body signed with the subscription's secret. A 2xx marks the
delivery delivered; anything else raises :class:`~servicedesk.core.outbox.AttemptFailed`, so the
outbox retries with its back-off, and the attempt (status code, error, failure count) is written
after the rollback of the handler's savepoint, in the same transaction as the outbox row's attempt
count. ``WEBHOOK_DISABLE_AFTER_FAILURES`` failures in a row disable the subscription, give up its
waiting deliveries and notify the administrators.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core import outbox
from servicedesk.core.models import OutboxMessage
from servicedesk.core.services import notification_send
from staff.roles import Role

from .models import PING, EventType, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVER_TOPIC = "webhook.deliver"
USER_AGENT = "servicedesk-webhooks"
SIGNATURE_PREFIX = "sha256="
# How much of a failing receiver's answer is kept in the delivery log.
_ERROR_BODY_CHARS = 500
# A receiver's answer is read (so the connection closes cleanly) up to this many bytes, then dropped.
_MAX_RESPONSE_BYTES = 64 * 1024


def _conf(name: str, default):
    return settings.SERVICEDESK.get(name, default)


# --- Signatures (pure; docs/webhooks.md shows the receiver's side) ------------------------------------


def sign(*, secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Servicedesk-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of
    ``f"{timestamp}.{body}"`` keyed with the subscription's secret."""
    message = f"{timestamp}.".encode() + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    *,
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    now: datetime.datetime | None = None,
    tolerance: int = 300,
) -> bool:
    """True when ``signature`` was made with ``secret`` over this timestamp and body, and the
    timestamp is within ``tolerance`` seconds of ``now`` (a replayed old request is refused).
    Compares in constant time."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = (now or timezone.now()).timestamp()
    if abs(current - sent_at) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=sent_at, body=body)
    return hmac.compare_digest(expected.encode(), (signature or "").encode())


def body_bytes(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed (and signed) for a delivery: compact JSON, UTF-8."""
    return json.dumps(delivery.body(), ensure_ascii=False, separators=(",", ":")).encode()


# --- Writing: events become deliveries in the business transaction ------------------------------------


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Dates, decimals and UUIDs as JSON strings, so the stored payload is what is sent."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def webhook_event_emit(
    *, event_type: str, key: str, data: dict[str, Any], now: datetime.datetime | None = None
) -> list[WebhookDelivery]:
    """Queue ``event_type`` for every active subscription that listens to it; call it inside the
    transaction of the change. ``key`` is the event's deterministic source (``ticket.created:42``):
    the same key is delivered once per subscription, however often it is emitted. Returns the new
    deliveries. One query when nobody listens."""
    if event_type not in EventType.values:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    # Active subscriptions are few; their event lists are filtered here (JSON "contains" is not
    # available on SQLite). No cache: a subscription added in admin counts from the next event.
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True).only("pk", "event_types")
        if subscription.listens_to(event_type)
    ]
    if not subscriptions:
        return []
    return _deliveries_create(subscriptions=subscriptions, event_type=event_type, key=key, data=data, now=now)


def _deliveries_create(
    *, subscriptions, event_type: str, key: str, data: dict[str, Any], now: datetime.datetime | None
) -> list[WebhookDelivery]:
    now = now or timezone.now()
    payload = _json_safe(data)
    rows = [
        WebhookDelivery(subscription_id=s.pk, event_type=event_type, event_key=key, payload=payload, created_at=now)
        for s in subscriptions
    ]
    # A delivery already stored for (subscription, key) - a second run, a concurrent twin - is
    # skipped by the unique constraint; the new rows are the ones carrying our fresh delivery ids.
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ours = {row.delivery_id for row in rows}
    created = [
        delivery
        for delivery in WebhookDelivery.objects.filter(event_key=key, subscription_id__in=[s.pk for s in subscriptions])
        if delivery.delivery_id in ours
    ]
    for delivery in created:
        _enqueue(delivery, key=f"webhook:{delivery.pk}", now=now)
    return created


def _enqueue(delivery: WebhookDelivery, *, key: str, now: datetime.datetime) -> OutboxMessage:
    return outbox.enqueue(topic=DELIVER_TOPIC, payload={"delivery_id": str(delivery.delivery_id)}, key=key, now=now)


# --- The events: one call each from the domain services ----------------------------------------------


def _iso(value) -> str | None:
    """Dates as ``YYYY-MM-DD``, moments in UTC (``...+00:00``) whatever zone they were made in."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def _ticket(ticket) -> dict[str, Any]:
    """A ticket in a payload: ids, number, codes. No names, phones or texts (GN-7)."""
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "type": ticket.type,
        "status": ticket.status,
        "priority": ticket.priority,
        "customer_id": ticket.customer_id,
        "assignee_id": ticket.assignee_id,
        "created_at": _iso(ticket.created_at),
    }


def _order(order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "status": order.status,
        "ticket_id": order.ticket_id,
        "engineer_id": order.engineer_id,
        "agreed_start": _iso(order.agreed_start),
        "agreed_end": _iso(order.agreed_end),
    }


def ticket_created_emit(*, ticket, now: datetime.datetime) -> list[WebhookDelivery]:
    """GN-1: a numbered ticket was opened."""
    return webhook_event_emit(
        event_type=EventType.TICKET_CREATED, key=f"ticket.created:{ticket.pk}", data={"ticket": _ticket(ticket)}, now=now
    )


def ticket_status_changed_emit(*, ticket, event, now: datetime.datetime) -> list[WebhookDelivery]:
    """A ticket moved through the transition table; ``event`` is its timeline line (one per move)."""
    return webhook_event_emit(
        event_type=EventType.TICKET_STATUS_CHANGED,
        key=f"ticket.status_changed:{event.pk}",
        data={
            "ticket": _ticket(ticket),
            "from_status": event.from_status,
            "to_status": event.to_status,
            "action": (event.data or {}).get("action", ""),
            "changed_at": _iso(event.created_at),
        },
        now=now,
    )


def _clock(clock) -> dict[str, Any]:
    return {
        "id": clock.pk,
        "kind": clock.kind,
        "due_at": _iso(clock.due_at),
        "warn_at": _iso(clock.warn_at),
        "owner_id": clock.owner_id,
    }


def sla_warning_emit(*, clock, now: datetime.datetime) -> list[WebhookDelivery]:
    """OS-8: a clock passed its warning share (once per clock, as its notification)."""
    return webhook_event_emit(
        event_type=EventType.SLA_WARNING,
        key=f"sla.warning:{clock.pk}",
        data={"clock": _clock(clock), "ticket": _ticket(clock.ticket), "warned_at": _iso(clock.warned_at)},
        now=now,
    )


def sla_breached_emit(*, breach, now: datetime.datetime) -> list[WebhookDelivery]:
    """OS-8: a clock passed its due time (``SLABreach`` is unique per clock)."""
    return webhook_event_emit(
        event_type=EventType.SLA_BREACHED,
        key=f"sla.breached:{breach.clock_id}",
        data={
            "clock": _clock(breach.clock),
            "ticket": _ticket(breach.ticket),
            "breach": {"id": breach.pk, "due_at": _iso(breach.due_at), "detected_at": _iso(breach.detected_at)},
            "responsible_id": breach.responsible_id,
        },
        now=now,
    )


def order_dispatched_emit(*, order, now: datetime.datetime) -> list[WebhookDelivery]:
    """GN-3, OS-8: an engineer was dispatched; once per engineer and agreed window (a second
    dispatch of the same engineer for the same window is no news)."""
    return webhook_event_emit(
        event_type=EventType.ORDER_DISPATCHED,
        key=f"order.dispatched:{order.pk}:{order.engineer_id}:{_iso(order.agreed_start)}",
        data={"order": _order(order), "ticket": _ticket(order.ticket), "dispatched_at": _iso(order.assigned_at)},
        now=now,
    )


def order_completed_emit(*, order, sign_off, now: datetime.datetime) -> list[WebhookDelivery]:
    """OS-4, OS-8: the customer signed the service form - the visit's work is complete (the
    ``resolve`` clock is met then). Once per order: an order is signed once."""
    return webhook_event_emit(
        event_type=EventType.ORDER_COMPLETED,
        key=f"order.completed:{order.pk}",
        data={
            "order": _order(order),
            "ticket": _ticket(order.ticket),
            "signed_at": _iso(sign_off.signed_at),
            "rating": sign_off.rating,  # OS-10
        },
        now=now,
    )


def callback_answered_emit(*, callback, response, now: datetime.datetime) -> list[WebhookDelivery]:
    """CB-1, CB-5: a callback's survey was answered (one answer per callback)."""
    return webhook_event_emit(
        event_type=EventType.CALLBACK_ANSWERED,
        key=f"callback.answered:{callback.pk}",
        data={
            "callback": {
                "id": callback.pk,
                "source": callback.source,
                "channel": callback.channel,
                "customer_id": callback.customer_id,
                "ticket_id": callback.ticket_id,
                "service_order_id": callback.service_order_id,
                "complaint_id": callback.complaint_id,
            },
            "response": {
                "via": response.via,
                "satisfied": response.satisfied,
                "resolved": response.resolved,
                "answered_at": _iso(response.answered_at),
            },
        },
        now=now,
    )


def complaint_opened_emit(*, complaint, now: datetime.datetime) -> list[WebhookDelivery]:
    """HL-10, CB-6: a complaint ticket got its complaint record and answer due date."""
    return webhook_event_emit(
        event_type=EventType.COMPLAINT_OPENED,
        key=f"complaint.opened:{complaint.pk}",
        data={
            "complaint": {
                "id": complaint.pk,
                "status": complaint.status,
                "received_at": _iso(complaint.received_at),
                "due_date": _iso(complaint.due_date),
            },
            "ticket": _ticket(complaint.ticket),
        },
        now=now,
    )


def contract_expiring_emit(*, reminder, now: datetime.datetime) -> list[WebhookDelivery]:
    """CT-2: a contract reached a reminder step before its end (once per contract, period end and
    step: one ``ContractReminder``)."""
    contract = reminder.contract
    return webhook_event_emit(
        event_type=EventType.CONTRACT_EXPIRING,
        key=f"contract.expiring:{reminder.pk}",
        data={
            "contract": {
                "id": contract.pk,
                "number": contract.number,
                "customer_id": contract.customer_id,
                "end_date": _iso(reminder.period_end),
            },
            "reminder": {"id": reminder.pk, "days_before": reminder.days_before, "due_on": _iso(reminder.due_on)},
        },
        now=now,
    )


# --- Delivering: the outbox handler ---------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: the body is never re-sent elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str
    response_ms: int

    @property
    def ok(self) -> bool:
        return not self.error and self.status_code is not None and 200 <= self.status_code < 300


def _post(delivery: WebhookDelivery, *, now: datetime.datetime) -> Attempt:
    subscription = delivery.subscription
    body = body_bytes(delivery)
    timestamp = int(now.timestamp())
    request = urllib.request.Request(
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Servicedesk-Event": delivery.event_type,
            "X-Servicedesk-Delivery": str(delivery.delivery_id),
            "X-Servicedesk-Timestamp": str(timestamp),
            "X-Servicedesk-Signature": sign(secret=subscription.secret, timestamp=timestamp, body=body),
        },
    )
    started = time.monotonic()
    status_code, error = None, ""
    try:
        with _OPENER.open(request, timeout=_conf("WEBHOOK_TIMEOUT_SECONDS", 5)) as response:
            response.read(_MAX_RESPONSE_BYTES)
            status_code = response.status
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except urllib.error.HTTPError as exc:  # 3xx, 4xx, 5xx
        status_code = exc.code
        try:
            answer = exc.read(_ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException):
            answer = ""
        error = f"HTTP {exc.code} {exc.reason}" + (f": {answer}" if answer else "")
    except urllib.error.URLError as exc:  # refused, DNS, TLS, time-out while connecting
        reason = exc.reason
        error = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else f"URLError: {reason}"
    except (OSError, http.client.HTTPException, ValueError) as exc:  # time-out reading, bad answer
        error = f"{type(exc).__name__}: {exc}"
    elapsed = int((time.monotonic() - started) * 1000)
    return Attempt(status_code=status_code, error=error[:2000], response_ms=elapsed)


@outbox.handler(DELIVER_TOPIC)
def webhook_deliver(*, delivery_id: str, now: datetime.datetime) -> bool:
    """POST one delivery. Idempotent: a delivered (or given-up) delivery is left alone. False when
    there was nothing to send; raises ``AttemptFailed`` (the outbox retries) when the receiver
    did not answer 2xx."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription")
        .filter(delivery_id=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.GIVEN_UP):
        return False
    subscription = delivery.subscription
    # A ping is sent to a disabled subscription too: it checks the receiver before re-enabling.
    if not subscription.is_active and delivery.event_type != PING:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.GIVEN_UP, last_error=_("The subscription is disabled.")
        )
        return False
    attempt = _post(delivery, now=now)
    if not attempt.ok:
        logger.warning("webhook %s to %s failed: %s", delivery.delivery_id, subscription.name, attempt.error)
        raise outbox.AttemptFailed(
            attempt.error,
            record=partial(
                _attempt_failed_record,
                delivery_pk=delivery.pk,
                subscription_pk=subscription.pk,
                attempt=attempt,
                now=now,
            ),
        )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.DELIVERED,
        attempts=F("attempts") + 1,
        last_status_code=attempt.status_code,
        last_error="",
        last_attempt_at=now,
        delivered_at=now,
        response_ms=attempt.response_ms,
    )
    WebhookSubscription.objects.filter(pk=subscription.pk, consecutive_failures__gt=0).update(consecutive_failures=0)
    return True


def _attempt_failed_record(
    *, delivery_pk: int, subscription_pk: int, attempt: Attempt, now: datetime.datetime, final: bool
) -> None:
    """After the handler's savepoint rolled back: the attempt in the delivery log, one more failure
    in a row for the subscription, which is disabled when that reaches the limit. ``final``: the
    outbox will not try this delivery again."""
    status = WebhookDelivery.Status.GIVEN_UP if final else WebhookDelivery.Status.FAILED
    WebhookDelivery.objects.filter(pk=delivery_pk).exclude(status=WebhookDelivery.Status.DELIVERED).update(
        status=status,
        attempts=F("attempts") + 1,
        last_status_code=attempt.status_code,
        last_error=attempt.error,
        last_attempt_at=now,
        response_ms=attempt.response_ms,
    )
    WebhookSubscription.objects.filter(pk=subscription_pk).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = _conf("WEBHOOK_DISABLE_AFTER_FAILURES", 10)
    failing = (
        WebhookSubscription.objects.select_for_update()
        .filter(pk=subscription_pk, is_active=True, consecutive_failures__gte=limit)
        .first()
    )
    if failing is not None:
        webhook_subscription_disable(
            subscription=failing,
            reason=_("%(count)d failed deliveries in a row; last: %(error)s")
            % {"count": failing.consecutive_failures, "error": attempt.error[:150]},
            now=now,
        )


# --- Subscriptions and deliveries (admin actions) ---------------------------------------------------


def admin_users():
    return get_user_model().objects.filter(is_active=True, groups__name=Role.ADMIN).distinct().order_by("pk")


@transaction.atomic
def webhook_subscription_disable(
    *, subscription: WebhookSubscription, reason: str, now: datetime.datetime | None = None
) -> WebhookSubscription:
    """Stop sending to a subscription: its waiting deliveries are given up and every
    administrator is notified (in-app and by e-mail) with a link to it in admin."""
    now = now or timezone.now()
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:300]
    subscription._change_reason = "disabled"  # django-simple-history: why this version exists
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    WebhookDelivery.objects.filter(
        subscription=subscription, status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED]
    ).update(status=WebhookDelivery.Status.GIVEN_UP)
    notification_send(
        recipients=admin_users(),
        title=_("Webhook %(name)s was disabled") % {"name": subscription.name},
        body=_("%(reason)s\nFix the receiver at %(url)s, then re-enable the subscription in admin.")
        % {"reason": subscription.disabled_reason, "url": subscription.url},
        url=reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]),
        kind="webhook_disabled",
        key=f"webhook-disabled:{subscription.pk}:{now.isoformat()}",
        now=now,
    )
    logger.error("webhook subscription %s disabled: %s", subscription.name, subscription.disabled_reason)
    return subscription


@transaction.atomic
def webhook_subscription_enable(
    *, subscription: WebhookSubscription, now: datetime.datetime | None = None
) -> WebhookSubscription:
    """Send again (admin "re-enable"); the failure count starts from zero. Given-up deliveries stay
    given up: redeliver them from the delivery log."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.disabled_reason = ""
    subscription._change_reason = "re-enabled"
    subscription.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "disabled_reason"])
    return subscription


@transaction.atomic
def webhook_ping_send(*, subscription: WebhookSubscription, now: datetime.datetime | None = None) -> WebhookDelivery:
    """Admin "send a test ping": a ``ping`` delivery to this subscription only, through the outbox
    like every event (signed, retried, logged)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=PING,
        event_key=f"ping:{uuid.uuid4().hex}",
        payload={"subscription": {"id": subscription.pk, "name": subscription.name}},
        created_at=now,
    )
    _enqueue(delivery, key=f"webhook:{delivery.pk}", now=now)
    return delivery


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, now: datetime.datetime | None = None) -> WebhookDelivery:
    """Admin "redeliver": the same delivery (same id, body and signature scheme) is due again now.
    Its waiting outbox message is made due again; when there is none (it was delivered or given
    up), a new message is queued. Deliveries of a disabled subscription are given up again."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.delivered_at = None
    delivery.save(update_fields=["status", "delivered_at"])
    waiting = list(
        OutboxMessage.objects.filter(topic=DELIVER_TOPIC)
        .filter(Q(key=f"webhook:{delivery.pk}") | Q(key__startswith=f"webhook:{delivery.pk}:"))
        .exclude(status=OutboxMessage.Status.SENT)
        .values_list("pk", flat=True)
    )
    if waiting:
        outbox.retry(message_ids=waiting, now=now)
    else:
        _enqueue(delivery, key=f"webhook:{delivery.pk}:redeliver:{uuid.uuid4().hex}", now=now)
    return delivery
