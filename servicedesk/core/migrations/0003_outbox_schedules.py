"""Beat schedules of the outbox: the relay every OUTBOX_RELAY_SECONDS, the purge of sent rows daily.

Idempotent (get_or_create): the test suite replays data migrations after flushing the database.
"""

from django.conf import settings
from django.db import migrations

RELAY_TASK = "Outbox relay"
PURGE_TASK = "Outbox purge of sent messages"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    seconds = settings.SERVICEDESK.get("OUTBOX_RELAY_SECONDS", 30)
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=RELAY_TASK,
        defaults={
            "task": "core.outbox_relay",
            "interval": every,
            # A relay run queued while the workers were down is dropped: the next one catches up.
            "expire_seconds": max(seconds - 5, 5),
            "description": "Delivers pending outbox messages (e-mails, notices, escalations), oldest first.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=PURGE_TASK,
        defaults={
            "task": "core.outbox_purge",
            "crontab": nightly,
            "description": "Deletes sent outbox messages older than OUTBOX_KEEP_DAYS.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[RELAY_TASK, PURGE_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_idempotency"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
