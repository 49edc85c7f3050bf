"""Benchmark: ticket and customer pages at realistic volume (default 100k tickets).

Usage (from the project root):
    .venv/bin/python bench/tickets_pages.py                     # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_bench .venv/bin/python bench/tickets_pages.py
Options: --tickets N (default 100000), --repeat R (default 30), --fresh (drop and regenerate).

It migrates the bench database, bulk-generates customers, contacts, installations, contracts,
tickets and timeline events (once; later runs reuse them), then requests each page R times in
process through Django's test client as a logged-in agent, and prints the median and 95th
percentile server time and the number of SQL queries per page as a Markdown table.
Never point DATABASE_URL at a real database: --fresh drops every table.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")


def ensure_postgres_database():
    """Create the bench database on PostgreSQL when it does not exist yet."""
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    params = {k: v for k, v in {"host": config.get("HOST"), "port": config.get("PORT"),
                                  "user": config.get("USER"), "password": config.get("PASSWORD")}.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django():
    import django

    ensure_postgres_database()
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False


def migrate(fresh: bool):
    from django.core.management import call_command

    if fresh:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def generate(total_tickets: int, seed: int = 7) -> None:
    """Bulk rows; no per-row services (the point is volume, not behaviour)."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from staff.models import User
    from staff.roles import Role, ensure_role_groups
    from tickets.models import (
        Contact,
        Customer,
        Installation,
        Product,
        Region,
        ServiceContract,
        Ticket,
        TicketEvent,
        TicketSequence,
    )
    from tickets.models.tickets import Channel, Priority, Status, TicketType
    from tickets.phones import normalize_phone

    if Ticket.objects.count() >= total_tickets:
        return
    rng = random.Random(seed)
    ensure_role_groups()
    started = time.perf_counter()
    with transaction.atomic():
        agents = []
        for i in range(40):
            user, _ = User.objects.get_or_create(username=f"bench{i}", defaults={"full_name": f"坐席 Agent {i}"})
            user.groups.add(*Group.objects.filter(name__in=[Role.AGENT, Role.ENGINEER] if i % 4 else [Role.AGENT]))
            agents.append(user)
        regions = [Region.objects.get_or_create(code=f"r{i}", defaults={"name": f"Region {i} 分公司"})[0] for i in range(12)]
        products = [Product.objects.get_or_create(code=f"p{i}", defaults={"name": f"Product {i}"})[0] for i in range(20)]
        n_customers = max(200, total_tickets // 40)
        Customer.objects.bulk_create(
            [
                Customer(
                    name=f"客户 {i:05d} Trading Co., Ltd.",
                    region=regions[i % len(regions)],
                    address=f"{i} Example Road",
                    phone=f"010-{6000_0000 + i}",
                    phone_normalized=normalize_phone(f"010-{6000_0000 + i}"),
                )
                for i in range(n_customers)
            ],
            batch_size=2000,
        )
        customers = list(Customer.objects.order_by("pk"))
        Contact.objects.bulk_create(
            [
                Contact(
                    customer=customer,
                    name=f"联系人 {i}",
                    mobile=f"139{i:08d}",
                    mobile_normalized=f"139{i:08d}",
                    email=f"c{i}@example.com",
                )
                for i, customer in enumerate(customers)
            ],
            batch_size=2000,
        )
        contacts = {c.customer_id: c for c in Contact.objects.all()}
        Installation.objects.bulk_create(
            [
                Installation(
                    customer=customer,
                    product=products[i % len(products)],
                    serial_number=f"BENCH-{i:07d}",
                    installed_on=date(2024, 1, 1) + timedelta(days=i % 600),
                )
                for i, customer in enumerate(customers)
            ],
            batch_size=2000,
        )
        installations = {inst.customer_id: inst for inst in Installation.objects.all()}
        ServiceContract.objects.bulk_create(
            [
                ServiceContract(
                    number=f"SC-B-{i:06d}",
                    customer=customer,
                    signed_on=date(2026, 1, 1),
                    start_date=date(2026, 1, 1),
                    end_date=date(2026, 1, 1) + timedelta(days=200 + i % 400),
                    active_users=100 + i % 900,
                )
                for i, customer in enumerate(customers)
            ],
            batch_size=2000,
        )
        now = timezone.now()
        statuses = [Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED]
        weights = [5, 10, 5, 20, 60]
        year = timezone.localtime(now).year
        batch = []
        for i in range(total_tickets):
            customer = customers[rng.randrange(len(customers))]
            status = rng.choices(statuses, weights)[0]
            created = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
            done = status in (Status.RESOLVED, Status.CLOSED)
            batch.append(
                Ticket(
                    number=f"SD-{year}-{i + 1:06d}",
                    channel=rng.choice(Channel.values),
                    type=rng.choice(TicketType.values),
                    priority=rng.choice(Priority.values),
                    status=status,
                    subject=f"故障 Fault report {i}: device {rng.randrange(1000)} stops",
                    description="The invoice printer stops after the first page. 打印第一页后停止。" * 3,
                    resolution="Replaced the driver." if done else "",
                    customer=customer,
                    contact=contacts[customer.pk],
                    installation=installations[customer.pk],
                    assignee=agents[rng.randrange(len(agents))] if status != Status.NEW else None,
                    created_by=agents[rng.randrange(len(agents))],
                    created_at=created,
                    resolved_at=created + timedelta(hours=5) if done else None,
                    closed_at=created + timedelta(days=1) if status == Status.CLOSED else None,
                )
            )
            if len(batch) == 5000:
                Ticket.objects.bulk_create(batch)
                batch = []
        if batch:
            Ticket.objects.bulk_create(batch)
        TicketSequence.objects.update_or_create(year=year, defaults={"last_number": total_tickets})
        events = []
        for ticket_id, created, status, assignee_id in Ticket.objects.values_list("id", "created_at", "status", "assignee_id").iterator():
            events.append(TicketEvent(ticket_id=ticket_id, kind="created", created_at=created, to_status="new"))
            if assignee_id:
                events.append(TicketEvent(ticket_id=ticket_id, kind="assigned", created_at=created + timedelta(minutes=5), data={"to": assignee_id}))
            if status != "new":
                events.append(TicketEvent(ticket_id=ticket_id, kind="status", created_at=created + timedelta(minutes=30), from_status="new", to_status=status))
            if len(events) >= 10000:
                TicketEvent.objects.bulk_create(events)
                events = []
        if events:
            TicketEvent.objects.bulk_create(events)
    from django.db import connection

    # What autovacuum would have done by now on a live database.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"generated {total_tickets} tickets in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def measure(repeat: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from staff.models import User
    from tickets.models import Contact, Customer, Ticket

    agent = User.objects.get(username="bench0")
    client = Client()
    client.force_login(agent)
    sample = Ticket.objects.order_by("-id").values_list("number", flat=True).first()
    contact = Contact.objects.order_by("pk")[1234 % Contact.objects.count()]
    customer = Customer.objects.order_by("pk").first()
    pages = [
        ("ticket list (newest first)", "/tickets/"),
        ("ticket list, open tickets", "/tickets/?status=open"),
        ("ticket list, my open tickets", f"/tickets/?status=open&assignee={agent.pk}"),
        ("ticket list, page 200", "/tickets/?page=200"),
        ("ticket search by number", f"/tickets/?q={sample}"),
        ("ticket search by contact phone", f"/tickets/?q=%2B86%20{contact.mobile}"),
        ("ticket search by words", "/tickets/?q=device%20999%20stops"),
        ("ticket detail", f"/tickets/{sample}/"),
        ("customer list", "/customers/"),
        ("customer detail", f"/customers/{customer.pk}/"),
        ("start page", "/start/"),
    ]
    rows = []
    for label, url in pages:
        timings, queries = [], None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            timings.append(elapsed)
            queries = len(captured.captured_queries)
        timings.sort()
        rows.append(
            {
                "page": label,
                "median_ms": statistics.median(timings),
                "p95_ms": timings[int(0.95 * (len(timings) - 1))],
                "queries": queries,
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    setup_django()
    migrate(args.fresh)
    generate(args.tickets)
    from django.db import connection

    from tickets.models import Ticket, TicketEvent

    rows = measure(args.repeat)
    print(
        f"\n{connection.vendor}, {Ticket.objects.count():,} tickets, {TicketEvent.objects.count():,} events, "
        f"{args.repeat} requests per page\n"
    )
    print("| page | median ms | p95 ms | queries |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['page']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} |")


if __name__ == "__main__":
    main()
