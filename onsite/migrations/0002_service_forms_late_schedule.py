"""OS-6/ST-8, OS-7/ST-10: check every night for late service forms and trip records (editable in admin).

Idempotent (get_or_create): the test suite replays data migrations after each flush.
"""

from django.conf import settings
from django.db import migrations

TASK_NAME = "ST-8/ST-10 late service forms and trip records"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 00:20: just after midnight, when yesterday's "by the end of the next day" deadlines have passed.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="20", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "onsite.service_forms_late_check", "crontab": crontab},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("onsite", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
