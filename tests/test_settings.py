"""The embedded default, the environment switches, and production hardening."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'broker': settings.CELERY_BROKER_URL, 'tz': settings.TIME_ZONE,"
    " 'languages': [c for c, _ in settings.LANGUAGES]}))"
)


IGNORED = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TIME_ZONE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _clean_env(**overrides) -> dict:
    """This process's environment without what the test run itself sets."""
    env = {k: v for k, v in os.environ.items() if k not in IGNORED}
    env.update(overrides)
    return env


def _settings_with(env_overrides: dict, module="servicedesk.settings.local") -> dict:
    env = _clean_env(**env_overrides, DJANGO_SETTINGS_MODULE=module)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_server():
    probe = _settings_with({})
    assert probe["engine"] == "django.db.backends.sqlite3"
    assert probe["broker"] == "filesystem://"
    assert probe["tz"] == "Asia/Shanghai"
    assert probe["languages"] == ["en", "zh-hans"]


def test_environment_switches_to_postgres_and_redis():
    probe = _settings_with(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/servicedesk",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "TIME_ZONE": "Europe/Berlin",
        }
    )
    assert probe["engine"] == "django.db.backends.postgresql"
    assert probe["broker"] == "redis://127.0.0.1:6379/0"
    assert probe["tz"] == "Europe/Berlin"


def test_production_settings_pass_check_deploy():
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="servicedesk.settings.production",
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="servicedesk.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_missing_migrations():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings.test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_get_the_seeded_reference_data_back():
    from django.contrib.auth.models import Group

    from conftest import replay_data_migrations
    from staff.models import PenaltyRule, WorkCalendar

    PenaltyRule.objects.all().delete()
    WorkCalendar.objects.all().delete()
    Group.objects.all().delete()
    replay_data_migrations()
    replay_data_migrations()  # idempotent
    assert Group.objects.filter(name="agent").count() == 1
    assert PenaltyRule.objects.filter(code="st8-late-service-form").exists()
    assert WorkCalendar.objects.filter(is_default=True).exists()
