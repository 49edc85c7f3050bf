"""Celery tasks for staff: thin, idempotent, safe to run twice or late."""

import datetime

from celery import shared_task
from django.utils import timezone

from .services import attendance_classify_day


@shared_task(acks_late=True)
def attendance_classify(day: str | None = None, days_back: int = 1) -> dict[str, dict[str, int]]:
    """ST-1: classify ``day`` (ISO date; default today) and the ``days_back`` days before it.

    Scheduled daily at 23:30 by the data migration ``staff/0006`` (django-celery-beat). Re-running
    rewrites the same classification, so the re-check of the previous day catches a missed run.
    """
    now = timezone.now()
    last = datetime.date.fromisoformat(day) if day else timezone.localdate(now)
    results = {}
    for offset in range(days_back, -1, -1):
        current = last - datetime.timedelta(days=offset)
        results[current.isoformat()] = attendance_classify_day(day=current, now=now)
    return results
