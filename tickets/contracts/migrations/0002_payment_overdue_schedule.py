"""The daily Celery beat schedule of the CT-3 overdue-payment check (09:00 in the service centre's
time zone). Edited in admin → Periodic tasks afterwards. Idempotent (tests replay it)."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "CT-3 overdue renewal payments (daily)"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="9", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "contracts.payment_overdue_notify",
            "crontab": daily,
            "description": "Tells the service managers once per signed renewal whose payment is past due.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
