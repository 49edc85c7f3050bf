"""Celery tasks of remote maintenance: thin, idempotent, safe to run twice or late."""

from celery import shared_task
from django.utils import timezone

from . import selectors, services


@shared_task(acks_late=True)
def change_requests_overdue_check() -> int:
    """RM-5, daily: flag change requests whose expected date passed without an announced delay."""
    now = timezone.now()
    return sum(
        services.change_request_flag_overdue(change_id=pk, now=now)
        for pk in selectors.change_requests_overdue_ids(today=timezone.localdate(now))
    )
