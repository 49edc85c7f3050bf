"""Celery tasks of the core: the outbox's delivery and relay, thin and safe to run twice or late."""

from celery import shared_task

from . import outbox
from .services import heartbeat_record


@shared_task(name="core.outbox_deliver", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def outbox_deliver(message_id: int) -> bool:
    """The fast path: deliver one message right after its transaction committed. A failure is
    recorded on the row and retried by the relay, so this task never retries itself."""
    return outbox.deliver(message_id=message_id)


@shared_task(
    name="core.outbox_relay",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=55,
    time_limit=60,
)
def outbox_relay() -> dict:
    """Beat, every ``OUTBOX_RELAY_SECONDS``: deliver everything still pending, oldest first."""
    result = outbox.relay()
    summary = {"delivered": result.delivered, "not_delivered": result.not_delivered, "exhausted": result.exhausted}
    heartbeat_record(name="core.outbox_relay", detail=summary)
    return summary


@shared_task(name="core.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    """Daily: forget sent messages older than ``OUTBOX_KEEP_DAYS`` and idempotency keys older
    than ``IDEMPOTENCY_KEEP_DAYS``."""
    from . import idempotency

    return outbox.purge_sent() + idempotency.purge()


# Kept for messages published before the outbox existed (a queue drained after an upgrade).
@shared_task(acks_late=True, ignore_result=True)
def notification_email_send(notification_id: int) -> bool:
    from .services import notification_email_deliver

    return notification_email_deliver(notification_id=notification_id)
