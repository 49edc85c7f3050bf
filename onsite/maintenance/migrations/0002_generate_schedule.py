"""Issue 16: generate the preventive visits of the maintenance plans every morning (editable in admin).

Idempotent (get_or_create): the test suite replays data migrations after each flush.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Preventive maintenance: generate visits"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 05:40: before the working day, so dispatchers see today's horizon when they start.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="5", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={"task": "maintenance.generate", "crontab": crontab})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
