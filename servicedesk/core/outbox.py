"""The transactional outbox: every side effect that must happen after a write.

A service that changes data and must also send something (an e-mail, a notice, an escalation, a
webhook, a recompute) calls :func:`enqueue` inside its transaction. That writes an
:class:`~servicedesk.core.models.OutboxMessage` row, so the message exists exactly when the change
does. After commit a Celery task is published as a fast path; a broker error there is logged and
never reaches the user. The relay (:func:`relay`, run by beat every ``OUTBOX_RELAY_SECONDS``)
delivers whatever is still pending, oldest first, until the backlog is empty or its time budget is
spent, so a broker outage or a killed worker delays messages but loses none.

Delivery (:func:`deliver`) locks the row, runs the topic's handler in a savepoint, and stamps
``sent_at`` only after the handler returned. Handlers must be idempotent (they check their own
"already done" stamp), because a crash between the side effect and the commit repeats them once.

Handlers are registered per topic with :func:`handler`; modules that define them are listed in
``HANDLER_MODULES`` and imported on first use, so the web process, the worker and the relay all
know every topic.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

Handler = Callable[..., object]
_HANDLERS: dict[str, Handler] = {}
# Modules whose import registers handlers. Kept explicit: a topic without a handler is a bug that
# the relay reports (the row fails with "no handler") instead of silently dropping the message.
HANDLER_MODULES = (
    "servicedesk.core.services",
    "onsite.services",
    "tickets.sla.services",
    "servicedesk.webhooks.services",
    "servicedesk.notify.services",
    "tickets.wechat.services",
)
_loaded = False


def _conf(name: str, default):
    return settings.SERVICEDESK.get(name, default)


class AttemptFailed(Exception):
    """Raised by a handler whose attempt failed but must leave a record (an HTTP status, a failure
    count) that the rollback of its savepoint would otherwise erase.

    The delivery rolls the handler's writes back as for any error, then calls
    ``record(final=...)`` in its own transaction, next to the row's attempt count and back-off:
    both are committed together, or neither is. ``final`` is True when this was the last attempt
    (the row is marked failed). A ``record`` that raises is logged and does not stop the retry."""

    def __init__(self, message: str, *, record: Callable[..., object]):
        super().__init__(message)
        self.record = record


def handler(topic: str) -> Callable[[Handler], Handler]:
    """Register ``fn(*, now, **payload)`` as the delivery of ``topic``."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[topic] = fn
        return fn

    return register


def _handler_for(topic: str) -> Handler | None:
    global _loaded
    if not _loaded:
        for module in HANDLER_MODULES:
            import_module(module)
        _loaded = True
    return _HANDLERS.get(topic)


# --- Writing ----------------------------------------------------------------------------------------


def enqueue(
    *, topic: str, payload: dict | None = None, key: str = "", now: datetime.datetime | None = None
) -> OutboxMessage:
    """Store a message in the current transaction and publish it after commit.

    ``key`` makes the message idempotent: a second enqueue with the same key (a sweep that runs
    twice, a concurrent twin) returns the stored row and publishes nothing new.
    """
    now = now or timezone.now()
    key = key or f"{topic}:{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key, topic=topic, payload=payload or {}, created_at=now, available_at=now
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)
    transaction.on_commit(lambda pk=message.pk: publish(pk))
    return message


def enqueue_many(*, topic: str, items: list[tuple[str, dict]], now: datetime.datetime | None = None) -> int:
    """Store many messages of one topic at once (the SLA sweep's warnings and breaches).

    ``items`` are ``(key, payload)`` pairs; keys already stored are skipped. After commit one relay
    run is requested instead of one task per message. Returns how many rows were new."""
    if not items:
        return 0
    now = now or timezone.now()
    keys = [key for key, _payload in items]
    existing = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    rows = [
        OutboxMessage(key=key, topic=topic, payload=payload, created_at=now, available_at=now)
        for key, payload in items
        if key not in existing
    ]
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        transaction.on_commit(publish_relay)
    return len(rows)


# --- Publishing (the fast path) -----------------------------------------------------------------------


def _publish_safely(task, what: str, **options) -> bool:
    """Publish ``task`` to the broker; any broker error is logged and left to the relay.

    The connection is opened here with one bounded attempt: kombu would otherwise retry a refused
    connection forever inside ``apply_async`` (its default channel ignores ``retry=False``), and a
    web request would hang on a dead Redis instead of answering."""
    app = task.app
    try:
        if app.conf.task_always_eager:
            task.apply_async(**options)
        else:
            with app.connection_for_write() as conn:
                conn.ensure_connection(
                    max_retries=1,
                    interval_start=0,
                    interval_step=0.2,
                    interval_max=0.2,
                    timeout=_conf("OUTBOX_PUBLISH_TIMEOUT_SECONDS", 3),
                )
                task.apply_async(connection=conn, retry=False, **options)
    except Exception as exc:  # kombu/redis raise many types for "broker unavailable"
        logger.warning("outbox: could not publish %s (%s: %s); the relay will deliver it", what, type(exc).__name__, exc)
        return False
    return True


def publish(message_id: int) -> bool:
    from .tasks import outbox_deliver

    return _publish_safely(outbox_deliver, f"outbox message {message_id}", args=[message_id])


def publish_relay() -> bool:
    from .tasks import outbox_relay

    return _publish_safely(outbox_relay, "an outbox relay run")


# --- Delivering ---------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, ... capped at one hour."""
    return datetime.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def deliver(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Run one pending message's handler once. False when it was already sent, is not due yet,
    is being delivered by someone else right now, or failed (the failure is recorded)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        else:
            rows = rows.select_for_update()
        message = rows.first()
        if message is None:
            return False
        return _deliver_locked(message, now=now)


def _deliver_locked(message: OutboxMessage, *, now: datetime.datetime) -> bool:
    fn = _handler_for(message.topic)
    message.attempts += 1
    try:
        if fn is None:
            raise LookupError(f"no outbox handler for topic {message.topic!r}")
        with transaction.atomic():  # a failing handler leaves no half-written rows behind
            fn(now=now, **message.payload)
    except Exception as exc:  # the handler's error is recorded on the row, retried later
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        final = message.attempts >= _conf("OUTBOX_MAX_ATTEMPTS", 10)
        if isinstance(exc, AttemptFailed):
            _record_attempt(exc, message=message, final=final)
        if final:
            message.status = OutboxMessage.Status.FAILED
            logger.error("outbox: %s failed for good after %s attempts: %s", message.key, message.attempts, exc)
        else:
            message.available_at = now + retry_delay(message.attempts)
            logger.warning("outbox: %s attempt %s failed: %s", message.key, message.attempts, exc)
        message.save(update_fields=["attempts", "last_error", "status", "available_at"])
        return False
    message.status = OutboxMessage.Status.SENT
    message.sent_at = now
    message.save(update_fields=["attempts", "status", "sent_at"])
    return True


def _record_attempt(exc: AttemptFailed, *, message: OutboxMessage, final: bool) -> None:
    try:
        with transaction.atomic():
            exc.record(final=final)
    except Exception as record_exc:
        logger.exception("outbox: %s could not record its failed attempt: %s", message.key, record_exc)


@dataclass
class RelayResult:
    delivered: int = 0
    not_delivered: int = 0  # failed (recorded on the row) or taken by a concurrent delivery
    batches: int = 0
    exhausted: bool = field(default=True)  # False when the time budget ran out with work left


def relay(
    *,
    now: datetime.datetime | None = None,
    batch_size: int | None = None,
    time_budget: float | None = None,
) -> RelayResult:
    """Deliver every pending, due message, oldest first, batch by batch, until none is left or
    the time budget is spent (the next run continues). No cap starves an old backlog: each batch
    takes the oldest due rows; rows that fail move their ``available_at`` back and make room."""
    batch_size = batch_size or _conf("OUTBOX_RELAY_BATCH", 200)
    time_budget = time_budget if time_budget is not None else _conf("OUTBOX_RELAY_BUDGET_SECONDS", 40)
    started = time.monotonic()
    result = RelayResult()
    while True:
        at = now or timezone.now()
        # Ids first, then one short transaction per message: a slow handler (SMTP) never holds
        # a batch of row locks, and on SQLite never blocks the web process for long.
        batch = list(
            OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, available_at__lte=at)
            .order_by("available_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        for message_id in batch:
            # Past the budget, stop between two messages (after the first batch, so every run gets
            # somewhere): finishing the batch could outlast the task's soft time limit, which
            # interrupts a delivery halfway (an e-mail sent, its row not stamped).
            if result.batches and time.monotonic() - started > time_budget:
                result.exhausted = False
                return result
            if deliver(message_id=message_id, now=at):
                result.delivered += 1
            else:
                result.not_delivered += 1
        result.batches += 1
        if len(batch) < batch_size:
            return result
        if time.monotonic() - started > time_budget:
            result.exhausted = False
            return result


def retry(*, message_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Admin action: failed (or waiting) messages become due again with a fresh attempt count."""
    now = now or timezone.now()
    count = OutboxMessage.objects.filter(pk__in=message_ids).exclude(status=OutboxMessage.Status.SENT).update(
        status=OutboxMessage.Status.PENDING, available_at=now, attempts=0
    )
    if count:
        transaction.on_commit(publish_relay)
    return count


def purge_sent(*, now: datetime.datetime | None = None) -> int:
    """Delete sent messages older than ``OUTBOX_KEEP_DAYS`` (their keys are no longer needed)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=_conf("OUTBOX_KEEP_DAYS", 30))
    deleted, _by_model = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted


# --- Reading ------------------------------------------------------------------------------------------


@dataclass
class Backlog:
    pending: int
    failed: int
    oldest_pending_at: datetime.datetime | None

    def oldest_age_seconds(self, now: datetime.datetime) -> float:
        return (now - self.oldest_pending_at).total_seconds() if self.oldest_pending_at else 0.0


def backlog() -> Backlog:
    """Pending and failed counts and the oldest pending message, in one query (for /healthz)."""
    row = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).aggregate(
        pending=Count("pk", filter=Q(status=OutboxMessage.Status.PENDING)),
        failed=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED)),
        oldest=Min("created_at", filter=Q(status=OutboxMessage.Status.PENDING)),
    )
    return Backlog(pending=row["pending"], failed=row["failed"], oldest_pending_at=row["oldest"])
