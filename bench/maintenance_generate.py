"""Benchmark: the preventive maintenance plan generator (issue 16) for 2,500 contracts over 12 months.

Usage (from the project root):
    .venv/bin/python bench/maintenance_generate.py                   # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_bench .venv/bin/python bench/maintenance_generate.py
Options: --contracts N (default 2500), --months M (default 12), --sample S (default 40).

Inside one transaction that is rolled back at the end (the bench database is left as it was), it
bulk-creates N customers with a contact, an installation and a 12-month contract each, six
engineers and a service manager, and one monthly plan per contract, then times:

1. ``dates``: the pure date rules (``plan_visit_days``: occurrences, contract period, holidays)
   for every plan over the M-month horizon: what the daily run reads before it writes anything;
2. ``generate``: ``plans_generate_all`` for real on S sampled plans (every visit: a ticket, an
   approved on-site order, the GN-3 ranking and the dispatch, timeline events, SLA clocks), with
   the time and queries per visit, extrapolated to N x M visits;
3. ``rerun``: ``plans_generate_all`` again over all N plans once every visit exists (what the
   task costs every day after the first): idempotent, it writes nothing.

Prints a Markdown table (time, queries) for docs/performance.md.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from tickets_pages import migrate, setup_django  # noqa: E402  (sets sys.path and DATABASE_URL too)


class Rollback(Exception):
    pass


def build(contracts: int, today: datetime.date, tag: str):
    from django.contrib.auth.models import Group

    from onsite.maintenance.models import MaintenancePlan
    from staff.models import User
    from staff.roles import Role, ensure_role_groups
    from tickets.models import Contact, Customer, Installation, Product, Region, ServiceContract

    ensure_role_groups()
    manager = User.objects.create(username=f"mb-manager-{tag}", full_name="服务经理 Bench")
    manager.groups.add(Group.objects.get(name=Role.SERVICE_MANAGER))
    for i in range(6):
        user = User.objects.create(username=f"mb-eng-{tag}-{i}", full_name=f"工程师 {i}")
        user.groups.add(Group.objects.get(name=Role.ENGINEER))
    region = Region.objects.get_or_create(code=f"mb-{tag}", defaults={"name": "华北分公司"})[0]
    product = Product.objects.get_or_create(code=f"mb-{tag}", defaults={"name": "IP-300"})[0]
    customers = Customer.objects.bulk_create(
        [Customer(name=f"客户 {tag}-{i:05d}", region=region, address=f"{i} 中关村大街", phone="010-6000 0000") for i in range(contracts)]
    )
    Contact.objects.bulk_create(
        [Contact(customer=c, name="李明", email=f"c{i}@bench.example", mobile="13900000000") for i, c in enumerate(customers)]
    )
    installations = Installation.objects.bulk_create(
        [Installation(customer=c, product=product, serial_number=f"MB-{tag}-{i:06d}", installed_on=today) for i, c in enumerate(customers)]
    )
    start, end = today, today + datetime.timedelta(days=365)
    rows = ServiceContract.objects.bulk_create(
        [
            ServiceContract(number=f"MB-{tag}-{i:05d}", customer=c, signed_on=start, start_date=start, end_date=end, active_users=100)
            for i, c in enumerate(customers)
        ]
    )
    through = ServiceContract.installations.through
    through.objects.bulk_create(
        [through(servicecontract_id=row.pk, installation_id=inst.pk) for row, inst in zip(rows, installations, strict=True)]
    )
    plans = MaintenancePlan.objects.bulk_create(
        [
            MaintenancePlan(
                contract=row, name="月度巡检", interval_months=1, first_visit_on=today + datetime.timedelta(days=1 + i % 28),
                created_by=manager,
            )  # fmt: skip
            for i, row in enumerate(rows)
        ]
    )
    return plans


def timed(label, fn):
    """Run ``fn``: its wall time and the number of SQL statements (an execute wrapper counts them
    all; CaptureQueriesContext keeps only the last 9,000)."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return {"step": label, "seconds": seconds, "queries": count[0]}, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=2500)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--sample", type=int, default=40)
    args = parser.parse_args()
    setup_django()
    migrate(fresh=False)

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from onsite.maintenance import services
    from onsite.maintenance.models import MaintenancePlan, MaintenanceVisit
    from staff.selectors import calendar_load

    settings.SERVICEDESK = {**settings.SERVICEDESK, "MAINTENANCE_HORIZON_DAYS": 30 * args.months + 5}
    now = timezone.now()
    today = timezone.localdate(now)
    tag = now.strftime("%H%M%S")
    results = []
    try:
        with transaction.atomic():
            row, plans = timed("setup (bulk rows)", lambda: build(args.contracts, today, tag))
            results.append(row)
            calendar = calendar_load()

            def dates():
                loaded = MaintenancePlan.objects.filter(pk__in=[p.pk for p in plans]).select_related("contract")
                return sum(len(services.plan_visit_days(plan=p, now=now, calendar=calendar)) for p in loaded)

            row, total_visits = timed(f"dates: {args.contracts} plans x {args.months} months", dates)
            row["visits"] = total_visits
            results.append(row)

            sample = {p.pk for p in plans[: args.sample]}
            MaintenancePlan.objects.exclude(pk__in=sample).filter(pk__in=[p.pk for p in plans]).update(is_active=False)
            row, summary = timed(f"generate: {args.sample} plans", lambda: services.plans_generate_all(now=now))
            row["visits"] = summary.visits
            per_visit = row["seconds"] / max(summary.visits, 1)
            row["per visit"] = f"{per_visit * 1000:.0f} ms, {row['queries'] / max(summary.visits, 1):.0f} queries"
            results.append(row)
            results.append(
                {"step": f"generate, extrapolated to {total_visits} visits", "seconds": per_visit * total_visits,
                 "queries": round(row["queries"] / max(summary.visits, 1) * total_visits), "visits": total_visits}
            )  # fmt: skip
            # The rerun over every plan: only the sample has visits, the others must find theirs
            # taken too, so give them rows (bulk, no orders) as the first run would have left them.
            MaintenancePlan.objects.filter(pk__in=[p.pk for p in plans]).update(is_active=True)
            loaded = MaintenancePlan.objects.filter(pk__in=[p.pk for p in plans]).exclude(pk__in=sample).select_related("contract")
            MaintenanceVisit.objects.bulk_create(
                [
                    MaintenanceVisit(plan=p, planned_on=planned, visit_on=visit, status="skipped", generated_at=now)
                    for p in loaded
                    for planned, visit in services.plan_visit_days(plan=p, now=now, calendar=calendar)
                ],
                batch_size=2000,
            )
            row, summary = timed(f"rerun: {args.contracts} plans (idempotent)", lambda: services.plans_generate_all(now=now))
            row["visits"] = summary.visits
            results.append(row)
            raise Rollback
    except Rollback:
        pass
    print(f"\n{connection.vendor}, {args.contracts} contracts, {args.months} months, sample {args.sample}\n")
    print("| step | seconds | queries | visits | per visit |")
    print("|---|---:|---:|---:|---|")
    for row in results:
        print(f"| {row['step']} | {row['seconds']:.1f} | {row['queries']} | {row.get('visits', '')} | {row.get('per visit', '')} |")


if __name__ == "__main__":
    main()
