"""Breaches and warnings whose escalation had not run yet become outbox messages (issue 12), so the
relay delivers them; before the outbox, a sweep re-queued lost escalations itself."""

from django.db import migrations


def forwards(apps, schema_editor):
    SLABreach = apps.get_model("sla", "SLABreach")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    pending = SLABreach.objects.filter(escalated_at__isnull=True).values_list("clock_id", "detected_at")
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                key=f"sla.breach_escalate:{clock_id}",
                topic="sla.breach_escalate",
                payload={"clock_id": clock_id},
                created_at=detected_at,
                available_at=detected_at,
            )
            for clock_id, detected_at in pending.iterator()
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_seed_policy_and_schedules"),
        ("core", "0002_outbox_idempotency"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
