"""Celery tasks of contract renewals: thin, idempotent, safe to run twice or late."""

import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import services

RETRY = {"acks_late": True, "autoretry_for": (DatabaseError,), "retry_backoff": 5, "max_retries": 3}


@shared_task(name="contracts.payment_overdue_notify", **RETRY)
def payment_overdue_notify(now: str | None = None) -> int:
    """CT-3, daily: tell the service managers once per renewal whose payment is overdue."""
    moment = datetime.datetime.fromisoformat(now) if now else timezone.now()
    return len(services.renewals_overdue_notify(now=moment))
