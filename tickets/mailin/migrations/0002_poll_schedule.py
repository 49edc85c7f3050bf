"""Beat schedule of the e-mail intake: every active mailbox polled every MAILIN_POLL_SECONDS.

Idempotent (get_or_create): the test suite replays data migrations after flushing the database.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "E-mail intake: poll mailboxes"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    seconds = settings.SERVICEDESK.get("MAILIN_POLL_SECONDS", 60)
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "mailin.poll_mailboxes",
            "interval": every,
            # A poll queued while the workers were down is dropped: the next one catches up.
            "expire_seconds": max(seconds - 5, 5),
            "description": "Reads new messages of every active mailbox (tickets, replies, unknown senders).",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mailin", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
