"""Seed the default work calendar and the penalty catalogue with the amounts of the rule documents.

Both are edited in admin afterwards; the numbers here are only the starting point (domain.md ST-*).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import migrations

# code, rule, title, min, max, consequence
CATALOGUE = [
    ("st1-absence", "ST-1", "Absence without notice (旷工)", "0", "0", "deduction set by HR"),
    ("st1-late", "ST-1", "Late: site-visit notice given after work started", "0", "0", ""),
    ("st2-unapproved-leave", "ST-2", "Leave without prior approval counts as absence", "0", "0", "deduction set by HR"),
    ("st3-unreachable", "ST-3", "Repeatedly unreachable by phone", "20", "50", "or a warning"),
    ("st4-meeting-late", "ST-4", "Late for a meeting or training", "20", "20", ""),
    ("st4-meeting-absent", "ST-4", "Absent from a meeting or training", "100", "100", "written warning"),
    ("st5-windows-power", "ST-5", "Last one out did not check windows and power", "20", "20", ""),
    ("st6-attitude-complaint", "ST-6", "Confirmed complaint about service attitude", "200", "200", ""),
    ("st6-attitude-repeat", "ST-6", "Repeated confirmed attitude complaint", "0", "0", "dismissal proposal"),
    ("st7-three-complaints", "ST-7", "Three or more complaints within six months", "0", "0", "demotion or dismissal review"),
    ("st8-late-service-form", "ST-8", "Service form not handed in by the day after the service", "30", "30", ""),
    ("st9-lost-customer-form", "ST-9", "Customer request form lost", "50", "50", "per form"),
    ("st10-trip-not-recorded", "ST-10", "Field trip not written into the service record", "30", "30", ""),
    ("st11-remote-record-missing", "ST-11", "Remote service without its mandatory record", "50", "50", ""),
    ("st12-implementation-form", "ST-12", "Implementation form not collected within 3 days", "500", "500", ""),
]

# Monday-Friday 09:00-12:00 and 13:00-18:00.
HOURS = [(weekday, start, end) for weekday in range(5) for start, end in (("09:00", "12:00"), ("13:00", "18:00"))]


def seed(apps, schema_editor):
    PenaltyRule = apps.get_model("staff", "PenaltyRule")
    for code, rule_id, title, low, high, consequence in CATALOGUE:
        PenaltyRule.objects.get_or_create(
            code=code,
            defaults={
                "rule_id": rule_id,
                "title": title,
                "amount_min": Decimal(low),
                "amount_max": Decimal(high),
                "consequence": consequence,
            },
        )
    WorkCalendar = apps.get_model("staff", "WorkCalendar")
    WorkingHours = apps.get_model("staff", "WorkingHours")
    calendar, created = WorkCalendar.objects.get_or_create(
        name="Service centre office hours", defaults={"time_zone": settings.TIME_ZONE, "is_default": True}
    )
    if created:
        for weekday, start, end in HOURS:
            WorkingHours.objects.create(
                calendar=calendar,
                weekday=weekday,
                start=datetime.time.fromisoformat(start),
                end=datetime.time.fromisoformat(end),
            )


class Migration(migrations.Migration):
    dependencies = [("staff", "0003_calendars_penalties")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
