"""Celery tasks of the SLA engine: thin, idempotent, safe to run twice or late.

Beat (django-celery-beat, schedules in admin → Periodic tasks) runs ``sla.sweep`` every minute and
``sla.contract_reminders`` daily. Each task takes ``now`` from :func:`task_now`, the one place
that reads the clock (tests freeze it with time-machine or pass ``now`` as an ISO string).
"""

import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from servicedesk.core.services import heartbeat_record

from . import services

# Database hiccups and SMTP errors (OSError) are retried with backoff; anything else is a bug to see.
RETRY = {"acks_late": True, "autoretry_for": (DatabaseError, OSError), "retry_backoff": 5, "max_retries": 3}


def task_now(now: str | None = None) -> datetime.datetime:
    return datetime.datetime.fromisoformat(now) if now else timezone.now()


@shared_task(name="sla.sweep", soft_time_limit=50, time_limit=60, **RETRY)
def sla_sweep(now: str | None = None) -> dict:
    """Warn and breach the clocks that have come due (exactly once); their notices go to the outbox."""
    moment = task_now(now)
    result = services.sla_sweep(now=moment)
    summary = {"warned": len(result.warned), "breached": len(result.breached)}
    heartbeat_record(name="sla.sweep", detail=summary)  # /healthz: the age of the last sweep
    return summary


@shared_task(name="sla.warning_notify", **RETRY)
def sla_warning_notify(clock_id: int, now: str | None = None) -> bool:
    return services.clock_warning_notify(clock_id=clock_id, now=task_now(now))


@shared_task(name="sla.breach_escalate", **RETRY)
def sla_breach_escalate(clock_id: int, now: str | None = None) -> bool:
    return services.clock_breach_escalate(clock_id=clock_id, now=task_now(now))


@shared_task(name="sla.contract_reminders", **RETRY)
def sla_contract_reminders(now: str | None = None) -> int:
    """CT-2, daily: create the contract-expiry reminders due today (once per period and step)."""
    return len(services.contract_reminders_create(now=task_now(now)))


@shared_task(name="sla.contract_notice_send", **RETRY)
def sla_contract_notice_send(reminder_id: int, now: str | None = None) -> bool:
    return services.contract_notice_send(reminder_id=reminder_id, now=task_now(now))


@shared_task(name="sla.policy_recompute", **RETRY)
def sla_policy_recompute(policy_id: int, now: str | None = None) -> int:
    """After an admin edit: the open clocks that use or now match the policy take its targets."""
    from .models import SLAPolicy

    policy = SLAPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        return 0
    return services.policy_clocks_recompute(policy=policy, at=task_now(now))
