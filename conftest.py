"""Project-wide pytest fixtures: users per role, logged-in clients, reference data."""

from functools import cache
from pathlib import Path

import pytest

from staff.roles import Role
from staff.tests.factories import UserFactory


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, username="agent", full_name="王芳")


@pytest.fixture
def engineer(make_user):
    return make_user(Role.ENGINEER, username="engineer", full_name="刘洋")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


PROJECT_ROOT = Path(__file__).resolve().parent


@cache
def _data_migrations() -> tuple:
    """RunPython operations of the project's own apps, in migration order."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    ours = {c.label for c in apps.get_app_configs() if PROJECT_ROOT in Path(c.path).parents}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = [node for node in loader.graph.leaf_nodes() if node[0] in ours]
    plan = []
    for leaf in leaves:
        for key in loader.graph.forwards_plan(leaf):
            if key[0] in ours and key not in plan:
                plan.append(key)
    return tuple(
        operation.code
        for key in plan
        for operation in loader.graph.nodes[key].operations
        if isinstance(operation, RunPython)
    )


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (browser tests, live server) start from a flushed database, which also
    wipes what data migrations seeded (role groups, penalty catalogue, default calendar, SLA
    policies, schedules, ...). Replay those data migrations so every test sees the same reference
    data. Data migrations must therefore be idempotent (get_or_create)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    replay_data_migrations()


def replay_data_migrations() -> None:
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for code in _data_migrations():
            code(apps, editor)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (the KPI dashboard's closed months) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A view test that asked for zh-hans leaves the language active in this thread; every test
    starts (and ends) in the default language so messages compare as written."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
