"""PostgreSQL only: trigram indexes so the ticket search (icontains on subject, description and
customer name) uses an index instead of scanning every ticket. SQLite has no equivalent and scans."""

from django.db import migrations

INDEXES = [
    ("tickets_ticket_subject_trgm", "tickets_ticket", "subject"),
    ("tickets_ticket_description_trgm", "tickets_ticket", "description"),
    ("tickets_customer_name_trgm", "tickets_customer", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_ticket_is_open")]

    operations = [migrations.RunPython(create, drop)]
