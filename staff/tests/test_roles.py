import importlib

import pytest
from django.contrib.auth.models import Group

from staff.roles import Role

pytestmark = pytest.mark.django_db


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert set(Role.values) == {
        "agent",
        "duty_manager",
        "service_manager",
        "engineer",
        "callback_specialist",
        "hr",
        "admin",
    }


def test_role_migration_and_role_enum_agree():
    migration = importlib.import_module("staff.migrations.0002_role_groups")
    assert set(migration.ROLE_NAMES) == set(Role.values)


def test_user_holds_several_roles(make_user):
    user = make_user(Role.AGENT, Role.DUTY_MANAGER)
    assert user.has_role(Role.DUTY_MANAGER) and user.has_role(Role.AGENT)
    assert not user.has_role(Role.HR)


def test_inactive_user_has_no_roles(make_user):
    user = make_user(Role.ADMIN, is_active=False)
    assert not user.has_role(Role.ADMIN)


def test_admin_group_gets_every_permission():
    from django.contrib.auth.models import Permission

    from staff.roles import grant_admin_group_permissions

    grant_admin_group_permissions()
    assert Group.objects.get(name=Role.ADMIN).permissions.count() == Permission.objects.count()
