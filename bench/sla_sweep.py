"""Benchmark the SLA sweep: 100 000 open clocks, 1 % of them due.

    .venv/bin/python bench/sla_sweep.py                                   # SQLite scratch file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_sla_bench .venv/bin/python bench/sla_sweep.py

The benchmark database is dropped and rebuilt on every run, so its name must end in ``_bench``
(SQLite: ``var/bench/sla_sweep_bench.sqlite3`` unless DATABASE_URL says otherwise). Reports the
time and the number of queries of one sweep that breaches the due clocks, of one sweep with
nothing due, and of the per-breach escalation task (run by the workers, outside the sweep).
"""

import datetime
import os
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'sla_sweep_bench.sqlite3'}")

OPEN_CLOCKS = int(os.environ.get("BENCH_CLOCKS", 100_000))
# 1 % due by default; BENCH_DUE fixes the number instead (to compare different open-clock counts).
DUE_CLOCKS = int(os.environ.get("BENCH_DUE", OPEN_CLOCKS // 100))
KINDS = ("respond", "dispatch", "onsite_arrangement", "arrive", "resolve")


def recreate_database() -> None:
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = config["NAME"]
    if not Path(name).stem.endswith("_bench"):
        sys.exit(f"refusing to rebuild {name!r}: the benchmark database name must end in _bench")
    if config["ENGINE"].endswith("sqlite3"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def populate(now: datetime.datetime) -> None:
    from staff.models import User
    from tickets.models import Customer, Ticket
    from tickets.sla.models import SLAClock, SLAPolicy

    policy = SLAPolicy.objects.get(contract_level="", priority=0)
    agent = User.objects.create(username="bench-agent")
    customer = Customer.objects.create(name="Bench Customer Co., Ltd.")
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(number=f"SD-2026-{n:06d}", subject="bench", description="bench", customer=customer, created_by=agent)
            for n in range(OPEN_CLOCKS // len(KINDS))
        ],
        batch_size=5000,
    )
    due_every = OPEN_CLOCKS // DUE_CLOCKS
    clocks = []
    for index in range(OPEN_CLOCKS):
        ticket, kind = tickets[index // len(KINDS)], KINDS[index % len(KINDS)]
        # DUE_CLOCKS fell due a few minutes ago; the rest are due between 1 and 48 hours from now.
        due = (
            now - datetime.timedelta(minutes=1 + index % 30)
            if index % due_every == 0
            else now + datetime.timedelta(minutes=60 + index % 2820)
        )
        started = due - datetime.timedelta(hours=2)
        warn = started + datetime.timedelta(minutes=96)
        clocks.append(
            SLAClock(
                ticket=ticket,
                kind=kind,
                policy=policy,
                target=datetime.timedelta(hours=2),
                started_at=started,
                warn_at=warn,
                due_at=due,
                warned_at=warn if warn <= now else None,
                next_check_at=due,
            )
        )
    SLAClock.objects.bulk_create(clocks, batch_size=5000)


def measure(label: str, function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed * 1000:8.1f} ms {len(queries):5d} queries")
    return result, elapsed, len(queries)


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tickets.sla import services
    from tickets.sla.models import SLABreach, SLAClock

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    populate(now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {SLAClock.objects.count()} open clocks, built in {time.perf_counter() - started:.1f} s"
    )

    queued = []
    with mock.patch.object(services, "_enqueue_escalations", lambda warned, breached: queued.extend(breached)):
        result, _, _ = measure(f"sweep ({DUE_CLOCKS} due: breach them)", lambda: services.sla_sweep(now=now))
        measure("sweep again (nothing due)", lambda: services.sla_sweep(now=now))
    assert len(result.breached) == SLABreach.objects.count() == DUE_CLOCKS
    print(f"{'':<44} {len(result.breached)} breaches, {len(queued)} escalation tasks queued")
    sample = queued[:20]
    _, elapsed, count = measure(
        f"escalate {len(sample)} breaches (worker tasks)",
        lambda: [services.clock_breach_escalate(clock_id=clock_id, now=now) for clock_id in sample],
    )
    print(f"{'':<44} {elapsed * 1000 / len(sample):8.1f} ms {count / len(sample):5.1f} queries per breach")


if __name__ == "__main__":
    main()
