"""Celery tasks of the duty roster: thin, idempotent, safe to run twice or late.

Beat runs ``roster.seat_check`` every 5 minutes (seeded by migration ``0003``): every duty whose
seat-ready moment has passed is checked once (HL-4); after downtime the next run catches up on the
shifts of the look-back window (``ROSTER_SEAT_CHECK_LOOKBACK_HOURS``).
"""

import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import selectors, services

RETRY = {"acks_late": True, "autoretry_for": (DatabaseError, OSError), "retry_backoff": 5, "max_retries": 3}


@shared_task(name="roster.seat_check", **RETRY)
def seat_check(now: str | None = None) -> int:
    """HL-4: record the duty engineers not signed in at their seat in time; returns how many."""
    moment = datetime.datetime.fromisoformat(now) if now else timezone.now()
    return sum(
        services.assignment_seat_check(assignment_id=pk, now=moment) for pk in selectors.seat_check_due_ids(now=moment)
    )
