"""Celery tasks of training and implementation: thin, idempotent, safe to run twice or late."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import selectors, services


@shared_task(acks_late=True)
def implementation_forms_overdue_check() -> int:
    """ST-12, daily: propose the penalty for every implementation form not collected in time."""
    now = timezone.now()
    ids = selectors.projects_form_overdue_ids(
        today=timezone.localdate(now), days=settings.SERVICEDESK["IMPLEMENTATION_FORM_DAYS"]
    )
    return sum(services.implementation_form_overdue_report(project_id=pk, now=now) for pk in ids)
