"""Notifications: stored for the in-app list; the e-mail copy is an outbox message (written in the
same transaction, delivered once by a worker or the relay)."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import outbox
from .models import Notification

EMAIL_TOPIC = "notification.email"

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """An absolute link for an e-mail: the SITE_URL setting followed by the path. The settings read
    the deprecated BASE_URL variable when SITE_URL is unset; ``make run`` sets SITE_URL from HOST
    and PORT (issue 17)."""
    base = settings.SERVICEDESK["SITE_URL"]
    return base.rstrip("/") + "/" + path.lstrip("/")


def notification_send(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    key: str = "",
    email: bool = True,
    now: datetime | None = None,
) -> list[Notification]:
    """Notify each recipient once. With a ``key``, a recipient who already has a notification with
    that key gets nothing new (safe for sweeps that run twice). Returns the new notifications."""
    now = now or timezone.now()
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    if key:
        already = set(
            Notification.objects.filter(recipient_id__in=unique, key=key).values_list("recipient_id", flat=True)
        )
        unique = {pk: user for pk, user in unique.items() if pk not in already}
    created = []
    for user in unique.values():
        try:
            with transaction.atomic():  # a concurrent sweep may have stored the same key meanwhile
                created.append(
                    Notification.objects.create(
                        recipient=user, title=title[:200], body=body, url=url, kind=kind, key=key, created_at=now
                    )
                )
        except IntegrityError:
            continue
    if email:
        for notification in created:
            if notification.recipient.email:
                outbox.enqueue(
                    topic=EMAIL_TOPIC,
                    payload={"notification_id": notification.pk},
                    key=f"{EMAIL_TOPIC}:{notification.pk}",
                    now=now,
                )
    return created


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``notification_ids`` is None)."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=now or timezone.now())


@outbox.handler(EMAIL_TOPIC)
def notification_email_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send the e-mail copy once; returns False when there is nothing (more) to send."""
    from django.core.mail import send_mail

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        link = ""
        if notification.url:
            link = "\n\n" + absolute_url(notification.url)
        send_mail(
            subject=notification.title,
            message=notification.body + link,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = now or timezone.now()
        notification.save(update_fields=["emailed_at"])
    # One quiet line; a failing backend raises and the outbox logs it at WARNING/ERROR (issue 17).
    logger.debug("notification %s e-mailed (kind %s)", notification.pk, notification.kind or "-")
    return True


def heartbeat_record(*, name: str, now: datetime | None = None, detail: dict | None = None) -> None:
    """Stamp that a periodic job finished (safe when two runs finish at once)."""
    from .models import Heartbeat

    now = now or timezone.now()
    if Heartbeat.objects.filter(name=name).update(at=now, detail=detail or {}):
        return
    try:
        with transaction.atomic():
            Heartbeat.objects.create(name=name, at=now, detail=detail or {})
    except IntegrityError:  # a concurrent twin created it first
        Heartbeat.objects.filter(name=name).update(at=now, detail=detail or {})
