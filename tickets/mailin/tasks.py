"""Celery task of the e-mail intake: thin and idempotent (UIDs and the unique Message-ID).

Beat runs ``mailin.poll_mailboxes`` every MAILIN_POLL_SECONDS (seeded by migration ``0002``).
"""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import services


@shared_task(name="mailin.poll_mailboxes", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=5, max_retries=3)
def poll_mailboxes() -> int:
    """Poll every active mailbox; returns how many messages were taken."""
    return sum(result.fetched for result in services.mailboxes_poll(now=timezone.now()).values())
