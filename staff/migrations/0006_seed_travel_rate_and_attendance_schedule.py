"""Seed the ordinary employee's travel allowance (ST-15), word the ST-1 late entry for every kind of
lateness, and schedule the daily attendance classification (ST-1) in django-celery-beat.

All three are edited in admin afterwards (the schedule under "Periodic tasks").
"""

from decimal import Decimal

from django.conf import settings
from django.db import migrations

CLASSIFY_TASK_NAME = "staff: classify attendance (ST-1)"
SEED_LATE_TITLE = "Late: site-visit notice given after work started"
LATE_TITLE = "Late for work (signed in after start, late site-visit notice, duty seat not ready)"


def seed(apps, schema_editor):
    TravelAllowanceRate = apps.get_model("staff", "TravelAllowanceRate")
    TravelAllowanceRate.objects.get_or_create(
        name="Ordinary employee 一般员工",
        defaults={
            "lodging_per_day": Decimal("120"),
            "meals_per_day": Decimal("30"),
            "claim_within_days": 7,
            "is_default": not TravelAllowanceRate.objects.filter(is_default=True).exists(),
        },
    )
    PenaltyRule = apps.get_model("staff", "PenaltyRule")
    PenaltyRule.objects.filter(code="st1-late", title=SEED_LATE_TITLE).update(title=LATE_TITLE)

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 23:30 local time: every office day is over; the task also re-checks the day before.
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="23", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=CLASSIFY_TASK_NAME,
        defaults={"task": "staff.tasks.attendance_classify", "crontab": schedule, "enabled": True},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=CLASSIFY_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0005_employees_attendance_leave_payroll"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
