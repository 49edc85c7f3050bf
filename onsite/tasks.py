"""Celery tasks of the on-site service: thin, idempotent, safe to run twice or late.

Beat runs ``onsite.service_forms_late_check`` every night (admin → Periodic tasks, seeded by
migration ``0002``): it proposes the ST-8 and ST-10 penalties for every order whose signed service
form or trip record missed its deadline, exactly once per order.
"""

import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import selectors, services

# Database hiccups and SMTP errors (OSError) are retried with backoff; anything else is a bug to see.
RETRY = {"acks_late": True, "autoretry_for": (DatabaseError, OSError), "retry_backoff": 5, "max_retries": 3}


def task_now(now: str | None = None) -> datetime.datetime:
    return datetime.datetime.fromisoformat(now) if now else timezone.now()


@shared_task(name="onsite.visit_window_email", **RETRY)
def visit_window_notice(order_id: int, now: str | None = None) -> bool:
    """OS-3: tell the customer the agreed visit window (once per window). The task keeps its old
    name: tasks already queued under it must still run."""
    return services.visit_window_notice_send(order_id=order_id, now=task_now(now))


@shared_task(name="onsite.service_forms_late_check", **RETRY)
def service_forms_late_check(now: str | None = None) -> dict:
    """OS-6/ST-8 and OS-7/ST-10, nightly: propose the fines for forms and trip records that are late."""
    moment = task_now(now)
    forms = sum(services.service_form_late_report(order_id=pk, now=moment) for pk in selectors.forms_late_ids(now=moment))
    trips = sum(services.trip_record_late_report(order_id=pk, now=moment) for pk in selectors.trips_late_ids(now=moment))
    return {"forms": forms, "trips": trips}
