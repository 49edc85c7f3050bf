"""Demo notifications (issue 17): people on a normal day have read most of what the demo sent them."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .models import Notification
from .services import notification_mark_read

# Unread notifications each person keeps after the demo: a handful, the newest ones.
UNREAD_KEPT = 5


def seed_demo(*, now, log) -> None:
    """Nothing to create: notifications come from the other apps' services."""


def settle_demo(*, now, log) -> None:
    """Runs last: everyone has read all but their UNREAD_KEPT newest notifications."""
    users = get_user_model().objects.filter(
        Exists(Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True))
    )
    marked = 0
    for user in users:
        older = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-id")[UNREAD_KEPT:]
        marked += notification_mark_read(user=user, notification_ids=list(older.values_list("pk", flat=True)), now=now)
    log(f"core: {marked} older notifications marked read, at most {UNREAD_KEPT} unread per person")
