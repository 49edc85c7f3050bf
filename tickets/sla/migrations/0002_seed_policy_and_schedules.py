"""Seed the default SLA policy with the numbers of the rule documents, the CT-2 reminder steps, and
the Celery beat schedules. All are edited in admin afterwards; these are only the starting point.

- OS-8 (001 篇二): respond 2 h, engineer dispatched 8 h, on site 24 h, solved 48 h, round the clock
  (the documents promise a 24-hour hotline and 7x24 repair service);
- HL-6: on-site visit arranged within 24 h of the call; HL-7: duty-manager call-back within 1 h;
- CB-1: satisfaction callback by the close of the working day after the feedback form;
- CT-2: reminders 30, 14 and 7 days before the service period ends.
"""

from django.conf import settings
from django.db import migrations

POLICY_NAME = "OS-8 service commitment (all contracts)"
TARGETS = [
    # kind, minutes, working days
    ("respond", 2 * 60, None),
    ("dispatch", 8 * 60, None),
    ("onsite_arrangement", 24 * 60, None),
    ("arrive", 24 * 60, None),
    ("resolve", 48 * 60, None),
    ("dm_callback", 60, None),
    ("callback", None, 1),
]
REMINDER_DAYS = [30, 14, 7]
SWEEP_TASK = "SLA sweep: warn and breach clocks (every minute)"
REMINDER_TASK = "CT-2 contract-expiry reminders (daily)"


def seed(apps, schema_editor):
    SLAPolicy = apps.get_model("sla", "SLAPolicy")
    SLATarget = apps.get_model("sla", "SLATarget")
    ContractReminderStep = apps.get_model("sla", "ContractReminderStep")
    policy, created = SLAPolicy.objects.get_or_create(
        name=POLICY_NAME,
        defaults={
            "contract_level": "",
            "priority": 0,
            "pause_statuses": ["waiting"],
            "warn_percent": 80,
            "notes": "OS-8, HL-6, HL-7, CB-1 defaults from the rule documents; 24x7.",
        },
    )
    if created:
        for kind, minutes, days in TARGETS:
            SLATarget.objects.create(policy=policy, kind=kind, minutes=minutes, working_days=days)
    for days in REMINDER_DAYS:
        ContractReminderStep.objects.get_or_create(days_before=days)

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(
        name=SWEEP_TASK,
        defaults={
            "task": "sla.sweep",
            "interval": every_minute,
            # A sweep queued while the workers were down is dropped: the next one catches up anyway.
            "expire_seconds": 55,
            "description": "Warns clocks past their warning share and breaches clocks past due, exactly once.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=REMINDER_TASK,
        defaults={
            "task": "sla.contract_reminders",
            "crontab": daily,
            "description": "Creates the renewal reminders due today and e-mails the expiry notice letters.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SWEEP_TASK, REMINDER_TASK]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
