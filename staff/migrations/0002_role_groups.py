"""Create the role groups of the service centre (see staff.roles.Role)."""

from django.db import migrations

ROLE_NAMES = ["agent", "duty_manager", "service_manager", "engineer", "callback_specialist", "hr", "admin"]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
