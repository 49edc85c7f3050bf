"""Celery task of preventive maintenance plans: thin, idempotent, safe to run twice or late.

Beat runs ``maintenance.generate`` every morning (admin → Periodic tasks, seeded by migration
``0002``): each active plan generates the visits inside the horizon (``MAINTENANCE_HORIZON_DAYS``)
that do not exist yet; the unique ``(plan, planned_on)`` makes a second run a no-op.
"""

import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from servicedesk.core.services import heartbeat_record

from . import services

RETRY = {"acks_late": True, "autoretry_for": (DatabaseError,), "retry_backoff": 30, "max_retries": 3}
HEARTBEAT = "maintenance.generate"


def task_now(now: str | None = None) -> datetime.datetime:
    return datetime.datetime.fromisoformat(now) if now else timezone.now()


@shared_task(name="maintenance.generate", soft_time_limit=1800, time_limit=1900, **RETRY)
def maintenance_generate(now: str | None = None) -> dict:
    """Generate the visits of every active plan; one failing plan is logged and skipped."""
    summary = services.plans_generate_all(now=task_now(now)).as_dict()
    heartbeat_record(name=HEARTBEAT, detail=summary)  # admin → Heartbeats: when the plans last ran
    return summary
