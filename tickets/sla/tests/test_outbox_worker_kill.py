"""Issue 12, "nothing lost, nothing doubled": a worker SIGKILLed while it delivers 5,000 SLA breaches.

A real ``celery worker`` (prefork, two children) sweeps 5,000 past-due clocks and 200 clocks in their
warning window and starts delivering the outbox. Once the first escalations are sent, the whole
worker process group is SIGKILLed while a delivery holds its row: the relay (and the sweep, if it
is still running) die mid-transaction, their Celery messages unacknowledged (Redis hands those back
only after ``visibility_timeout``, ten minutes, so they do not come back during this test). A fresh
worker plus beat, with the sweep and the relay scheduled every ``PERIOD_SECONDS``, must finish the
job from the database alone: every clock breached once, every breach escalated once, every warning
notified once, within the bound of ``_recovery_bound``.

Runs with PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); skips on the embedded default. The
subprocesses use the pytest test database and the same Redis database as this process.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from servicedesk.celery import app
from servicedesk.core.models import Notification, OutboxMessage
from servicedesk.core.services import EMAIL_TOPIC
from staff.calendars import always_open
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models import Ticket, TicketEvent
from tickets.sla import policies
from tickets.sla.models import ClockKind, SLABreach, SLAClock, SLAEventKind
from tickets.sla.services import BREACH_TOPIC, WARNING_TOPIC
from tickets.tests.factories import CustomerFactory

from .factories import SLAPolicyFactory
from .test_integration import PROJECT, _database_url, _stop

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # Decided before any database is set up: the embedded default would build one just to skip.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); the embedded default has neither",
    ),
]

DUE_CLOCKS = 5000  # respond clocks an hour past due
WARNING_CLOCKS = 200  # resolve clocks past their warning share, due hours after this test
# Every 20th ticket has an assignee with a manager: its breach notifies three people, two of them by
# e-mail too. The others escalate to the duty manager alone, who has no address on file, so the
# e-mail path is covered without dominating the run (each e-mail copy is published over a broker
# connection of its own, 15-20 ms, more than the escalation itself).
ASSIGNED_EVERY = 20
CONCURRENCY = 2
PERIOD_SECONDS = 3  # sweep and relay interval of the restarted beat
KILL_AFTER_SENT = 300  # escalations delivered before the kill
DRAIN_WAIT_SECONDS = 120  # at least; up to MAX_WAIT_SECONDS when the bound (a slow machine) is longer
MAX_WAIT_SECONDS = 600
SLACK_SECONDS = 1.5  # polling granularity (0.25 s) and scheduling jitter on two busy cores
# Schedules seeded by the data migrations (core 0003, sla 0002).
RELAY_TASK = "Outbox relay"
SWEEP_TASK = "SLA sweep: warn and breach clocks (every minute)"
STATUS = OutboxMessage.Status
ROUND_THE_CLOCK = always_open(ZoneInfo("UTC"))  # the seeded policy has no business calendar


@dataclass
class Fixture:
    due_ids: list[int]
    warning_ids: list[int]
    breach_recipients: dict[str, int]  # notification key -> how many people it goes to
    warning_recipients: dict[str, int]
    emails: int  # notifications to someone with an e-mail address: one e-mail copy each

    @property
    def deliveries(self) -> int:
        return len(self.breach_recipients) + len(self.warning_recipients) + self.emails


def _clocks_create(*, now: datetime.datetime) -> Fixture:
    """5,000 tickets with a past-due respond clock, 200 of them also with a resolve clock in its
    warning window, written with bulk_create (a few seconds) as ``clock_start`` leaves them."""
    policy = SLAPolicyFactory()  # the seeded OS-8 policy (any level, any priority, 24x7)
    UserFactory(username="duty-kill", email="", roles=[Role.DUTY_MANAGER])
    boss = UserFactory(username="boss-kill", roles=[Role.SERVICE_MANAGER])
    agent = UserFactory(username="agent-kill", roles=[Role.AGENT], manager=boss)
    customer = CustomerFactory()
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(
                number=f"KILL-{i:06d}",
                subject="Printer stops",
                description="After one page",
                customer=customer,
                created_by=agent,
                assignee=agent if i % ASSIGNED_EVERY == 0 else None,
                created_at=now - datetime.timedelta(hours=40),
            )
            for i in range(DUE_CLOCKS)
        ],
        batch_size=1000,
    )
    due, warning = [], []
    for i, ticket in enumerate(tickets):
        # Respond, 2 h, started 3 h ago (a second apart, so the sweep order is defined).
        due.append(_clock(ticket, ClockKind.RESPOND, policy, now - datetime.timedelta(hours=3, seconds=i), hours=2))
        if i < WARNING_CLOCKS:
            # Resolve, 48 h, started 40 h ago: warned at 38.4 h, due 8 h from now.
            started = now - datetime.timedelta(hours=40, seconds=i)
            warning.append(_clock(ticket, ClockKind.RESOLVE, policy, started, hours=48))
    SLAClock.objects.bulk_create(due + warning, batch_size=2000)
    assigned = {t.pk for t in tickets if t.assignee_id is not None}
    return Fixture(
        due_ids=[c.pk for c in due],
        warning_ids=[c.pk for c in warning],
        # A breach goes to the duty manager, and to the responsible assignee and their manager.
        breach_recipients={f"sla-breach:{c.pk}": 3 if c.ticket_id in assigned else 1 for c in due},
        # A warning goes to the responsible assignee, else to the duty manager.
        warning_recipients={f"sla-warning:{c.pk}": 1 for c in warning},
        emails=sum(2 for c in due if c.ticket_id in assigned) + sum(1 for c in warning if c.ticket_id in assigned),
    )


def _clock(ticket, kind, policy, started, *, hours) -> SLAClock:
    target = datetime.timedelta(hours=hours)
    deadlines = policies.clock_deadlines(
        calendar=ROUND_THE_CLOCK, started_at=started, target=target, working_days=None, warn_percent=80
    )
    return SLAClock(
        ticket=ticket,
        kind=kind,
        policy=policy,
        target=target,
        warn_percent=80,
        started_at=started,
        warn_at=deadlines.warn_at,
        due_at=deadlines.due_at,
        next_check_at=policies.next_check_at(
            warn_at=deadlines.warn_at, due_at=deadlines.due_at, warned_at=None, breached_at=None, stopped_at=None
        ),
    )


# --- Processes ------------------------------------------------------------------------------------


def _env(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.local",
        "DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # One file per e-mail connection: the e-mails really sent can be counted afterwards.
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # django-environ drops one leading slash
        "OUTBOX_RELAY_SECONDS": str(PERIOD_SECONDS),
        "PYTHONPATH": str(PROJECT),
    }


def _start_group(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    """The integration test's ``_start``, in a session of its own: the prefork parent and its
    children form one process group that can be SIGKILLed at once."""
    celery = str(Path(sys.executable).with_name("celery"))
    return subprocess.Popen(
        [celery, "-A", "servicedesk", *args],
        cwd=log.parent,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _worker(tmp_path: Path, env: dict, name: str) -> subprocess.Popen:
    args = ["worker", "--pool=prefork", f"--concurrency={CONCURRENCY}", "--loglevel=INFO"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"]
    return _start_group(args, tmp_path / f"{name}.log", env)


def _beat(tmp_path: Path, env: dict) -> subprocess.Popen:
    args = ["beat", "--loglevel=INFO", "--max-interval=1", "-s", str(tmp_path / "beat-schedule")]
    return _start_group(args, tmp_path / "beat.log", env)


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _forget_broker_messages() -> None:
    """Drop queued and unacknowledged Celery messages in this test's Redis database: the killed
    worker leaves unacknowledged ones behind, which kombu would hand to a later run's worker."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("celery", "unacked", "unacked_index", "unacked_mutex")


def _logged(log: Path, text: str) -> bool:
    return log.exists() and text in log.read_text()


def _logs(tmp_path: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(tmp_path.glob("*.log")))


def _schedule_every(seconds: int) -> None:
    """Beat of the restart: only the sweep and the relay, both every ``seconds``."""
    every = IntervalSchedule.objects.create(every=seconds, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.exclude(name__in=[RELAY_TASK, SWEEP_TASK]).update(enabled=False)
    for name in (RELAY_TASK, SWEEP_TASK):
        task = PeriodicTask.objects.get(name=name)
        task.interval, task.expire_seconds, task.last_run_at, task.enabled = every, 2 * seconds, None, True
        task.save()


# --- Observing ------------------------------------------------------------------------------------


def _sent(topic: str | None = None) -> int:
    rows = OutboxMessage.objects.filter(status=STATUS.SENT)
    return rows.filter(topic=topic).count() if topic else rows.count()


def _backlog() -> dict:
    """What is left: pending outbox rows, and clocks the sweep has not yet breached or warned (the
    only clocks in the database are the test's)."""
    return {
        "pending": OutboxMessage.objects.filter(status=STATUS.PENDING).count(),
        "unbreached": SLAClock.objects.filter(kind=ClockKind.RESPOND, breached_at__isnull=True).count(),
        "unwarned": SLAClock.objects.filter(kind=ClockKind.RESOLVE, warned_at__isnull=True).count(),
    }


def _lock_idle_pending() -> set[int]:
    """Lock every pending row nobody is delivering; return the ones somebody is (``deliver`` holds
    the row lock until the handler's writes and ``sent_at`` commit together). Call it in a
    transaction: until that ends, the worker cannot start another delivery."""
    table = OutboxMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE status = %s EXCEPT "  # noqa: S608 (our own table name)
            f"SELECT id FROM (SELECT id FROM {table} WHERE status = %s FOR UPDATE SKIP LOCKED) AS idle",
            [STATUS.PENDING, STATUS.PENDING],
        )
        return {row[0] for row in cursor.fetchall()}


def _mails_sent(tmp_path: Path) -> int:
    """Messages written by the file e-mail backend (each one ends with a line of 79 dashes)."""
    separator = "\n" + "-" * 79 + "\n"
    return sum(p.read_text().count(separator) for p in (tmp_path / "mail").glob("*.log"))


@dataclass
class Kill:
    in_flight: set[int]  # rows being delivered when the worker died
    sent: int  # deliveries done before the kill
    escalated: int
    rate: float  # deliveries per second before the kill
    backlog: dict


@dataclass
class Recovery:
    booted: float | None = None  # seconds after the restart: worker ready and beat started
    first_escalation: float | None = None
    emptied: float | None = None
    longest_stall: float = 0.0  # longest time without a delivery while work was left, once booted
    progress: list[str] = field(default_factory=list)


def _run_until_killed(worker: subprocess.Popen, tmp_path: Path) -> Kill:
    """Sweep with a real worker; SIGKILL its process group once KILL_AFTER_SENT escalations are
    sent, at a moment when a delivery holds its row."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AlwaysEagerIgnored)  # this process runs .delay() eagerly
        app.send_task("sla.sweep")
    first_seen = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        sent = _sent()
        if first_seen is None and sent:
            first_seen = (time.monotonic(), sent)
        if _sent(BREACH_TOPIC) >= KILL_AFTER_SENT:
            for _attempt in range(200):  # a delivery takes milliseconds; so does the gap between two
                with transaction.atomic():
                    in_flight = _lock_idle_pending()
                    if in_flight:
                        os.killpg(worker.pid, signal.SIGKILL)
                        killed_at = time.monotonic()
                        break
                time.sleep(0.005)  # let the relay take its next row
            else:
                pytest.fail(f"no delivery in flight to kill\n{_logs(tmp_path)}")
            worker.wait(timeout=10)
            sent = _sent()
            rate = (sent - first_seen[1]) / max(killed_at - first_seen[0], 0.1)
            return Kill(in_flight=in_flight, sent=sent, escalated=_sent(BREACH_TOPIC), rate=rate, backlog=_backlog())
        time.sleep(0.1)
    pytest.fail(f"no {KILL_AFTER_SENT} escalations within 60 s\n{_logs(tmp_path)}")


def _recovery_bound(*, kill: Kill, fixture: Fixture, booted: float) -> float:
    """How long the restarted worker and beat may take, from the restart, to empty the backlog.

    ``booted``: until the new worker says "ready" and beat "Starting" (measured, 4-10 s). Then two
    periods: beat sends its first relay and sweep one period after it starts, and a second period
    covers a run beat queued while both children were busy, or one that expired in the queue. Then
    the processing: the deliveries left at the kill at the rate the killed worker managed, twice
    over, for a machine whose load changes between the phases (the restarted worker runs two relays
    side by side from the start, so it is usually faster). What the bound rules out is recovery
    that waits for anything but the schedule: the broker's ``visibility_timeout`` (600 s) for the
    killed tasks, or the outbox's retry back-off (30 s and up) after a delivery recorded as failed.
    """
    return booted + 2 * PERIOD_SECONDS + 2 * (fixture.deliveries - kill.sent) / kill.rate + SLACK_SECONDS


def _wait_for_empty_backlog(kill: Kill, fixture: Fixture, tmp_path: Path, processes, restarted: float) -> Recovery:
    recovery = Recovery()
    worker_log, beat_log = tmp_path / "worker-restarted.log", tmp_path / "beat.log"
    deadline = restarted + DRAIN_WAIT_SECONDS
    last_sent, last_progress = kill.sent, None
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        elapsed = time.monotonic() - restarted
        if recovery.booted is None and _logged(worker_log, " ready.") and _logged(beat_log, "beat: Starting"):
            recovery.booted = last_progress = elapsed
            bound = _recovery_bound(kill=kill, fixture=fixture, booted=elapsed)
            deadline = restarted + min(max(DRAIN_WAIT_SECONDS, bound + 10), MAX_WAIT_SECONDS)
        backlog, sent = _backlog(), _sent()
        if recovery.first_escalation is None and _sent(BREACH_TOPIC) > kill.escalated:
            recovery.first_escalation = elapsed
        if sent > last_sent:
            last_sent = sent
            if last_progress is not None:
                recovery.longest_stall = max(recovery.longest_stall, elapsed - last_progress)
            last_progress = elapsed
        if not any(backlog.values()):
            recovery.emptied = elapsed
            return recovery
        if len(recovery.progress) < elapsed // 5:
            recovery.progress.append(f"{elapsed:.0f} s: {sent} sent, {backlog}")
        time.sleep(0.25)
    pytest.fail(
        f"backlog not empty {time.monotonic() - restarted:.0f} s after the restart: {_backlog()}\n"
        + "\n".join(recovery.progress)
        + f"\n{_logs(tmp_path)}"
    )


def _notification_counts(kind: str) -> dict[str, int]:
    rows = Notification.objects.filter(kind=kind).values("key").annotate(n=Count("pk"))
    return {row["key"]: row["n"] for row in rows}


def _outbox_counts(topic: str) -> dict[str, int]:
    rows = OutboxMessage.objects.filter(topic=topic).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


# --- The test -------------------------------------------------------------------------------------


def test_worker_killed_mid_delivery_restart_escalates_each_breach_exactly_once(tmp_path):
    _forget_broker_messages()
    started = time.monotonic()
    fixture = _clocks_create(now=timezone.now())
    created_in = time.monotonic() - started
    assert created_in < 15, f"bulk-creating {DUE_CLOCKS} clocks took {created_in:.1f} s"
    env = _env(tmp_path)
    (tmp_path / "mail").mkdir()
    killed = _worker(tmp_path, env, "worker-killed")
    restarted_processes: list[subprocess.Popen] = []
    try:
        kill = _run_until_killed(killed, tmp_path)
        assert DUE_CLOCKS - kill.escalated >= 1000, f"killed too late to leave much to do: {kill.backlog}"

        _schedule_every(PERIOD_SECONDS)
        restarted = time.monotonic()
        restarted_processes += [_worker(tmp_path, env, "worker-restarted"), _beat(tmp_path, env)]
        recovery = _wait_for_empty_backlog(kill, fixture, tmp_path, restarted_processes, restarted)
    finally:
        for process in restarted_processes:
            _stop(process)
        for process in [killed, *restarted_processes]:
            _kill_group(process)
        _forget_broker_messages()
    bound = _recovery_bound(kill=kill, fixture=fixture, booted=recovery.booted)
    print(
        f"\n{DUE_CLOCKS} due + {WARNING_CLOCKS} warning clocks created in {created_in:.1f} s; "
        f"killed after {kill.escalated} escalations ({kill.sent} deliveries at {kill.rate:.0f}/s, "
        f"{len(kill.in_flight)} in flight, left {kill.backlog}); restart: ready after {recovery.booted:.1f} s, "
        f"first escalation after {recovery.first_escalation:.1f} s, longest stall {recovery.longest_stall:.1f} s, "
        f"backlog empty after {recovery.emptied:.1f} s (bound {bound:.1f} s, "
        f"{fixture.deliveries - kill.sent} deliveries left)"
    )

    # Every due clock breached exactly once, at its deadline, with one timeline line.
    assert SLAClock.objects.filter(pk__in=fixture.due_ids, breached_at=F("due_at")).count() == DUE_CLOCKS
    breaches = SLABreach.objects.all()
    assert breaches.count() == DUE_CLOCKS == breaches.filter(clock__in=fixture.due_ids).count()
    events = TicketEvent.objects.filter(kind=SLAEventKind.BREACHED)
    assert events.count() == DUE_CLOCKS == events.values("data__clock").distinct().count()

    # Every breach escalated exactly once: stamped, one notification per recipient, nothing more.
    assert not breaches.filter(escalated_at__isnull=True).exists()
    assert _notification_counts("sla_breach") == fixture.breach_recipients
    assert _outbox_counts(BREACH_TOPIC) == {STATUS.SENT: DUE_CLOCKS}

    # Every warning notified exactly once (and none of those clocks breached).
    assert SLAClock.objects.filter(pk__in=fixture.warning_ids, warned_at__isnull=False).count() == WARNING_CLOCKS
    assert TicketEvent.objects.filter(kind=SLAEventKind.WARNING).count() == WARNING_CLOCKS
    assert _notification_counts("sla_warning") == fixture.warning_recipients
    assert _outbox_counts(WARNING_TOPIC) == {STATUS.SENT: WARNING_CLOCKS}

    # The rows being delivered at the kill: rolled back with their handler's writes, then done once.
    dying = OutboxMessage.objects.filter(pk__in=kill.in_flight)
    assert dying.count() == len(kill.in_flight) and not dying.exclude(status=STATUS.SENT).exists()
    for message in dying.filter(topic=BREACH_TOPIC):
        key = f"sla-breach:{message.payload['clock_id']}"
        assert Notification.objects.filter(key=key).count() == fixture.breach_recipients[key]

    # E-mail copies: one outbox row per notification to an address, all sent. An e-mail is not
    # transactional: one that left just before the kill, in the instant before its row committed,
    # goes again (at-least-once, as outbox.py says), so at most one per killed child is doubled.
    emailed = Notification.objects.filter(kind__in=["sla_breach", "sla_warning"]).exclude(recipient__email="")
    assert emailed.count() == fixture.emails and not emailed.filter(emailed_at__isnull=True).exists()
    assert _outbox_counts(EMAIL_TOPIC) == {STATUS.SENT: fixture.emails}
    assert fixture.emails <= _mails_sent(tmp_path) <= fixture.emails + CONCURRENCY

    # No delivery failed or was cut short by a task time limit (the killed rows simply rolled back).
    assert not OutboxMessage.objects.exclude(last_error="").exists()
    assert "time limit" not in (tmp_path / "worker-restarted.log").read_text().lower()

    # Recovery waits for the schedule only (see _recovery_bound).
    assert recovery.first_escalation <= recovery.booted + 2 * PERIOD_SECONDS + SLACK_SECONDS, (
        f"first escalation {recovery.first_escalation:.1f} s after the restart, ready after {recovery.booted:.1f} s"
    )
    assert recovery.longest_stall <= 2 * PERIOD_SECONDS + SLACK_SECONDS, (
        f"no delivery for {recovery.longest_stall:.1f} s while work was left"
    )
    assert recovery.emptied <= bound, (
        f"the backlog took {recovery.emptied:.1f} s to empty after the restart, more than {bound:.1f} s: "
        f"ready {recovery.booted:.1f} s + 2 x {PERIOD_SECONDS} s + 2 x {fixture.deliveries - kill.sent} "
        f"deliveries at {kill.rate:.0f}/s + {SLACK_SECONDS} s"
    )
