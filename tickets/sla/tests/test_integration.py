"""A real Celery worker and beat (django-celery-beat) enforce an SLA clock against PostgreSQL + Redis.

Runs in CI's second pass (DATABASE_URL = PostgreSQL, REDIS_URL set); skips on the embedded default.
The subprocesses use the pytest test database and the same Redis database as this process.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from servicedesk.core.models import Notification
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.sla.models import SLABreach, SLAClock

from .factories import SLAPolicyFactory, ticket_open

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PROJECT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    celery = str(Path(sys.executable).with_name("celery"))
    return subprocess.Popen(
        [celery, "-A", "servicedesk", *args],
        cwd=log.parent,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_os8_real_worker_and_beat_breach_a_clock_and_escalate_it(tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); the embedded default has neither")
    SLAPolicyFactory(name="integration", targets={"respond": 1})
    UserFactory(username="duty-it", roles=[Role.DUTY_MANAGER])
    agent = UserFactory(roles=[Role.AGENT])
    # A 1-minute respond target, opened 50 seconds ago: due in about ten seconds.
    ticket = ticket_open(agent, now=timezone.now() - datetime.timedelta(seconds=50))
    clock = SLAClock.objects.get(ticket=ticket, kind="respond")
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="SLA sweep (integration test)", task="sla.sweep", interval=every_second)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.local",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": "consolemail://",
        "PYTHONPATH": str(PROJECT),
    }
    worker = _start(
        [
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"sla-it-{os.getpid()}@%h",
        ],
        tmp_path / "worker.log",
        env,
    )
    beat = _start(
        ["beat", "--loglevel=INFO", "--max-interval=1", "-s", str(tmp_path / "beat-schedule")],
        tmp_path / "beat.log",
        env,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        breach = None
        while time.monotonic() < deadline:
            breach = SLABreach.objects.filter(clock=clock, escalated_at__isnull=False).first()
            if breach is not None or worker.poll() is not None or beat.poll() is not None:
                break
            time.sleep(0.5)
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(tmp_path.glob("*.log")))
        assert breach is not None, f"no escalated breach within {WAIT_SECONDS} s\n{logs}"
    finally:
        _stop(beat)
        _stop(worker)
    clock.refresh_from_db()
    assert clock.breached_at == clock.due_at and SLABreach.objects.filter(clock=clock).count() == 1
    assert Notification.objects.filter(key=f"sla-breach:{clock.pk}", recipient__username="duty-it").exists()
    assert ticket.events.filter(kind="sla_breached").count() == 1
