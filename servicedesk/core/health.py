"""Health checks for /healthz.

``database`` and ``broker`` are readiness: when either fails the answer is 503 and a load balancer
takes the instance out. ``outbox`` and ``sweep`` are warnings (still 200, ``status: "warn"``): a
growing outbox backlog or an SLA sweep that stopped running needs an operator, not a restart of the
web process (docs/operations.md says what to do for each).
"""

from django.conf import settings
from django.db import connection
from django.utils import timezone

from servicedesk.celery import app as celery_app

SWEEP_HEARTBEAT = "sla.sweep"
RELAY_HEARTBEAT = "core.outbox_relay"


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message is for operators
        return False, type(exc).__name__
    return True, connection.vendor


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises many types for "cannot connect"
        return False, type(exc).__name__
    return True, str(transport)


def check_outbox(*, now=None) -> dict:
    """Pending and failed outbox messages; a warning when the oldest pending one is older than
    ``HEALTH_OUTBOX_MAX_AGE_SECONDS`` or any message failed for good."""
    from . import outbox

    now = now or timezone.now()
    try:
        backlog = outbox.backlog()
    except Exception as exc:  # the database check reports the cause
        return {"ok": False, "detail": type(exc).__name__}
    age = round(backlog.oldest_age_seconds(now))
    limit = settings.SERVICEDESK["HEALTH_OUTBOX_MAX_AGE_SECONDS"]
    return {
        "ok": age <= limit and backlog.failed == 0,
        "pending": backlog.pending,
        "failed": backlog.failed,
        "oldest_pending_seconds": age,
    }


def check_sweep(*, now=None) -> dict:
    """Seconds since the SLA sweep last finished; a warning past ``HEALTH_SWEEP_MAX_AGE_SECONDS``."""
    from .models import Heartbeat

    now = now or timezone.now()
    try:
        beats = dict(Heartbeat.objects.filter(name__in=[SWEEP_HEARTBEAT, RELAY_HEARTBEAT]).values_list("name", "at"))
    except Exception as exc:
        return {"ok": False, "detail": type(exc).__name__}
    limit = settings.SERVICEDESK["HEALTH_SWEEP_MAX_AGE_SECONDS"]

    def age(name):
        return round((now - beats[name]).total_seconds()) if name in beats else None

    sweep_age = age(SWEEP_HEARTBEAT)
    return {
        "ok": sweep_age is not None and sweep_age <= limit,
        "last_sweep_seconds": sweep_age,
        "last_relay_seconds": age(RELAY_HEARTBEAT),
    }
