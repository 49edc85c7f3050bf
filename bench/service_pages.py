"""Benchmark: hotline, roster, callback, complaint, renewal and statistics pages at realistic volume.

Usage (from the project root):
    .venv/bin/python bench/service_pages.py                     # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_bench .venv/bin/python bench/service_pages.py
Options: --tickets N (default 100000), --repeat R (default 30), --fresh (drop and regenerate).

It uses the same bench database as bench/tickets_pages.py (and its functions to set up Django,
migrate and generate the 100k tickets), then bulk-generates, once, a year of hotline calls with
promised call-backs and duty-manager requests, callbacks with survey answers, complaints,
contract renewals, sales targets and an 8-week duty roster. It then requests each page R times
in process through Django's test client as a user holding the roles service_manager,
duty_manager, agent and callback_specialist, and prints the median and 95th percentile server
time and the number of SQL queries per page as a Markdown table.
Never point DATABASE_URL at a real database: --fresh drops every table.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, time as dtime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from tickets_pages import generate, migrate, setup_django  # noqa: E402  (sets sys.path and DATABASE_URL too)

MANAGER = "bench_manager"
CALLS = 100_000
CALLBACKS = 50_000
COMPLAINTS = 1_000


def _manager():
    from django.contrib.auth.models import Group

    from staff.models import User
    from staff.roles import Role

    user, _ = User.objects.get_or_create(username=MANAGER, defaults={"full_name": "值班经理 Bench Manager"})
    user.groups.add(
        *Group.objects.filter(name__in=[Role.SERVICE_MANAGER, Role.DUTY_MANAGER, Role.AGENT, Role.CALLBACK_SPECIALIST])
    )
    return user


def generate_service(seed: int = 11) -> None:
    """Bulk rows for the newer apps; no per-row services (volume, not behaviour). Once per database."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hotline.models import CallbackPromise, CallLog, DutyRequest
    from hotline.roster.models import RosterPublication, Seat, Shift, ShiftAssignment, ShiftTemplate
    from staff.models import User
    from tickets.care.models import (
        Answer,
        Callback,
        CallbackAttempt,
        Complaint,
        Question,
        SurveyResponse,
        SurveyTemplate,
    )
    from tickets.contracts.models import ContractEvent, Renewal, SalesTarget
    from tickets.models import Customer, ServiceContract, Ticket

    manager = _manager()
    if CallLog.objects.exists():
        return
    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    agents = list(User.objects.filter(username__startswith="bench").exclude(username=MANAGER).order_by("pk"))
    customers = {c["id"]: c for c in Customer.objects.values("id", "name", "address", "region_id")}
    tickets = list(
        Ticket.objects.values_list("id", "customer_id", "contact_id", "installation_id", "created_at", "resolved_at", "assignee_id")
    )
    from tickets.models import Contact

    mobiles = dict(Contact.objects.values_list("id", "mobile"))
    year_minutes = 60 * 24 * 365

    with transaction.atomic():
        # --- Roster: 20 seats, three shift kinds, 8 weeks (4 back, 4 ahead) ------------------------------
        seats = Seat.objects.bulk_create([Seat(number=str(8001 + i), label=f"Seat {i + 1}") for i in range(20)])
        seats = list(Seat.objects.order_by("number"))
        day_t = ShiftTemplate.objects.create(code="bench-day", name="Day 白班", start=dtime(8, 30), end=dtime(17, 30), position=1)
        eve_t = ShiftTemplate.objects.create(
            code="bench-evening", name="Evening 晚班", start=dtime(17, 30), end=dtime(22, 0), days="every", position=2
        )
        wkd_t = ShiftTemplate.objects.create(
            code="bench-weekend", name="Weekend 周末班", start=dtime(9, 0), end=dtime(17, 30), days="non_working", position=1
        )
        monday = today - timedelta(days=today.weekday())
        first_day, last_day = monday - timedelta(weeks=4), monday + timedelta(weeks=4) - timedelta(days=1)
        publication = RosterPublication.objects.create(
            first_day=first_day, last_day=monday + timedelta(days=6), published_at=now - timedelta(weeks=5), published_by=manager
        )
        shifts = []
        day = first_day
        while day <= last_day:
            templates = [day_t, eve_t] if day.weekday() < 5 else [wkd_t, eve_t]
            for tpl in templates:
                starts = datetime.combine(day, tpl.start, tzinfo=tz)
                ends = datetime.combine(day, tpl.end, tzinfo=tz)
                published = day <= monday + timedelta(days=6)
                shifts.append(
                    Shift(
                        date=day,
                        template=tpl,
                        starts_at=starts,
                        ends_at=ends,
                        duty_manager=manager if rng.random() < 0.3 else agents[rng.randrange(len(agents))],
                        published_at=publication.published_at if published else None,
                        publication=publication if published else None,
                    )
                )
            day += timedelta(days=1)
        Shift.objects.bulk_create(shifts)
        assignments = []
        for shift in Shift.objects.select_related("template"):
            staffed = {"bench-day": 12, "bench-evening": 6, "bench-weekend": 4}[shift.template.code]
            for seat, engineer in zip(seats[:staffed], rng.sample(agents, staffed)):
                past = shift.starts_at < now
                assignments.append(
                    ShiftAssignment(
                        shift=shift,
                        engineer=engineer,
                        seat=seat,
                        starts_at=shift.starts_at,
                        ends_at=shift.ends_at,
                        assigned_at=shift.starts_at - timedelta(days=10),
                        assigned_by=manager,
                        seat_checked_at=shift.starts_at + timedelta(minutes=5) if past else None,
                        seat_ready=(rng.random() > 0.03) if past else None,
                    )
                )
        ShiftAssignment.objects.bulk_create(assignments, batch_size=2000)

        # --- Hotline: 100k calls over 12 months, each with its ticket ---------------------------------
        outcomes = ["solved", "callback", "onsite", "urgent_visit", "rejected_time", "complaint", ""]
        weights = [58, 10, 18, 3, 2, 2, 7]
        calls = []
        for i in range(CALLS):
            ticket_id, customer_id, contact_id, installation_id, *_ = tickets[rng.randrange(len(tickets))]
            customer = customers[customer_id]
            started_at = now - timedelta(minutes=rng.randrange(0, year_minutes))
            ring = rng.choice([3, 5, 8, 10, 12, 15, 20, 25, 40])
            outcome = rng.choices(outcomes, weights)[0]
            phone = mobiles[contact_id]
            calls.append(
                CallLog(
                    pbx_call_id=f"BENCH-{i:07d}",
                    started_at=started_at,
                    answered_at=started_at + timedelta(seconds=ring),
                    ended_at=started_at + timedelta(seconds=ring + rng.randrange(60, 900)),
                    ring_seconds=ring,
                    seat=seats[rng.randrange(len(seats))].number,
                    agent=agents[rng.randrange(len(agents))],
                    caller_phone=phone,
                    caller_phone_normalized=phone,
                    customer_id=customer_id,
                    organisation=customer["name"],
                    address=customer["address"],
                    contact_id=contact_id,
                    contact_name=f"联系人 {contact_id}",
                    region_id=customer["region_id"],
                    installation_id=installation_id,
                    problem="打印第一页后停止。The invoice printer stops after the first page.",
                    handling="Restarted the spooler, checked the driver version." if outcome else "",
                    outcome=outcome,
                    contract_state="active",
                    contract_end_date=today + timedelta(days=rng.randrange(-30, 300)),
                    ticket_id=ticket_id if outcome else None,
                    logged_at=started_at + timedelta(minutes=15) if outcome else None,
                )
            )
            if len(calls) == 5000:
                CallLog.objects.bulk_create(calls)
                calls = []
        if calls:
            CallLog.objects.bulk_create(calls)
        promises, duties = [], []
        for call_id, ticket_id, outcome, started_at, agent_id in CallLog.objects.filter(
            outcome__in=["callback", "urgent_visit", "rejected_time"]
        ).values_list("id", "ticket_id", "outcome", "started_at", "agent_id"):
            age = now - started_at
            if outcome == "callback":
                open_ = age < timedelta(days=10)
                promises.append(
                    CallbackPromise(
                        call_id=call_id,
                        ticket_id=ticket_id,
                        owner=manager if open_ and rng.random() < 0.2 else agents[rng.randrange(len(agents))],
                        due_at=started_at + timedelta(hours=4),
                        note="Reproduce the fault on the test installation.",
                        created_at=started_at + timedelta(minutes=15),
                        done_at=None if open_ else started_at + timedelta(hours=3),
                        done_by_id=None if open_ else agent_id,
                        result="" if open_ else "Reproduced; a patch is on its way.",
                    )
                )
            else:
                open_ = age < timedelta(days=20)
                duties.append(
                    DutyRequest(
                        kind=outcome,
                        call_id=call_id,
                        ticket_id=ticket_id,
                        demands="工程师今天上门。An engineer on site today.",
                        due_at=started_at + timedelta(hours=1) if outcome == "urgent_visit" else None,
                        created_at=started_at + timedelta(minutes=15),
                        done_at=None if open_ else started_at + timedelta(minutes=50),
                        done_by=None if open_ else manager,
                        result="" if open_ else "Visit arranged for tomorrow 9:00.",
                    )
                )
        CallbackPromise.objects.bulk_create(promises, batch_size=2000)
        DutyRequest.objects.bulk_create(duties, batch_size=2000)

        # --- Care: 50k callbacks on resolved tickets of the last 12 months, answers, complaints ---------
        template = SurveyTemplate.objects.get(code="service-callback")
        questions = list(Question.objects.filter(template=template).order_by("position"))
        resolved = [t for t in tickets if t[5] is not None and t[5] <= now]
        rng.shuffle(resolved)
        complaint_tickets, callback_tickets = resolved[:COMPLAINTS], resolved[COMPLAINTS : COMPLAINTS + CALLBACKS]
        channels, channel_weights = ["hotline", "onsite", "remote"], [55, 30, 15]
        callbacks = []
        for ticket_id, customer_id, contact_id, _inst, _created, resolved_at, assignee_id in callback_tickets:
            open_ = now - resolved_at < timedelta(days=21)
            arrived = resolved_at + timedelta(hours=2)
            callbacks.append(
                Callback(
                    source="ticket",
                    channel=rng.choices(channels, channel_weights)[0],
                    status="open" if open_ else "done",
                    ticket_id=ticket_id,
                    customer_id=customer_id,
                    contact_id=contact_id,
                    engineer_id=assignee_id,
                    template=template,
                    arrived_at=arrived,
                    due_date=timezone.localdate(arrived) + timedelta(days=1),
                    attempts=0 if open_ else 1,
                    last_attempt_at=None if open_ else arrived + timedelta(days=1),
                    done_at=None if open_ else arrived + timedelta(days=1, hours=rng.choice([0, 1, 2, 30])),
                )
            )
        Callback.objects.bulk_create(callbacks, batch_size=2000)
        responses, attempts = [], []
        for cb_id, channel, engineer_id, done_at in Callback.objects.filter(status="done").values_list(
            "id", "channel", "engineer_id", "done_at"
        ):
            if rng.random() < 0.1:
                attempts.append(CallbackAttempt(callback_id=cb_id, at=done_at - timedelta(hours=3), by=manager, outcome="unreachable"))
            attempts.append(CallbackAttempt(callback_id=cb_id, at=done_at, by=manager, outcome="reached"))
            responses.append(
                SurveyResponse(
                    callback_id=cb_id,
                    via="phone" if rng.random() < 0.8 else "online",
                    answered_at=done_at,
                    answered_by=manager,
                    satisfied=rng.random() < 0.92,
                    resolved=rng.random() < 0.95,
                    channel=channel,
                    engineer_id=engineer_id,
                )
            )
        CallbackAttempt.objects.bulk_create(attempts, batch_size=5000)
        SurveyResponse.objects.bulk_create(responses, batch_size=5000)
        answers = []
        for response_id, satisfied, resolved_ in SurveyResponse.objects.values_list("id", "satisfied", "resolved").iterator():
            for q in questions:
                if q.kind == "scale":
                    rating = (rng.choice([4, 5]) if satisfied else rng.choice([1, 2, 3])) if q.is_overall else rng.choice([3, 4, 5, 5])
                    answers.append(Answer(response_id=response_id, question=q, rating=rating))
                elif q.kind == "yes_no":
                    answers.append(Answer(response_id=response_id, question=q, yes=resolved_))
            if len(answers) >= 20000:
                Answer.objects.bulk_create(answers)
                answers = []
        if answers:
            Answer.objects.bulk_create(answers)

        complaints = []
        steps = ["received", "verified", "decided", "answered", "closed"]
        for n, (ticket_id, *_rest) in enumerate(complaint_tickets):
            status = rng.choices(steps, [8, 8, 6, 8, 70])[0]
            received = now - timedelta(minutes=rng.randrange(*((0, 60 * 24 * 30) if status != "closed" else (60 * 24 * 6, year_minutes))))
            level = steps.index(status)
            complaints.append(
                Complaint(
                    ticket_id=ticket_id,
                    status=status,
                    received_at=received,
                    due_date=timezone.localdate(received) + timedelta(days=7),
                    route=rng.choice(["partner", "product", "employee", "other"]) if level >= 1 else "",
                    employee=agents[n % len(agents)] if level >= 1 and n % 4 == 0 else None,
                    verification="Checked the call recording and the order." if level >= 1 else "",
                    verified_at=received + timedelta(days=1) if level >= 1 else None,
                    verified_by=manager if level >= 1 else None,
                    decision=rng.choice(["confirmed", "not_confirmed"]) if level >= 2 else "",
                    reasons="The engineer arrived two hours late." if level >= 2 else "",
                    decided_at=received + timedelta(days=2) if level >= 2 else None,
                    decided_by=manager if level >= 2 else None,
                    answer="We apologise; the engineer was reminded of the rules." if level >= 3 else "",
                    plan="Follow-up visit next week." if level >= 3 else "",
                    answered_at=received + timedelta(days=3) if level >= 3 else None,
                    answered_by=manager if level >= 3 else None,
                    closed_at=received + timedelta(days=5) if level >= 4 else None,
                )
            )
        Complaint.objects.bulk_create(complaints, batch_size=1000)
        Callback.objects.bulk_create(
            [
                Callback(
                    source="complaint",
                    channel="complaint",
                    status="done" if c.status == "closed" else "open",
                    ticket_id=c.ticket_id,
                    complaint_id=c.pk,
                    customer_id=c.ticket.customer_id,
                    contact_id=c.ticket.contact_id,
                    template=template,
                    arrived_at=c.answered_at,
                    due_date=timezone.localdate(c.answered_at) + timedelta(days=1),
                    done_at=c.closed_at,
                )
                for c in Complaint.objects.select_related("ticket").filter(status__in=["answered", "closed"])
            ],
            batch_size=1000,
        )

        # --- Contracts: a renewal for 40 % of the contracts, 12 months of sales targets ------------------
        r_statuses = ["offered", "signed", "paid", "applied", "declined", "cancelled"]
        renewals = []
        for contract in ServiceContract.objects.order_by("pk"):
            if rng.random() >= 0.4:
                continue
            status = rng.choices(r_statuses, [25, 10, 5, 45, 10, 5])[0]
            offered_at = now - timedelta(minutes=rng.randrange(0, year_minutes))
            signed_on = timezone.localdate(offered_at) + timedelta(days=rng.randrange(3, 20))
            signed = status in ("signed", "paid", "applied")
            paid = status in ("paid", "applied")
            price = Decimal(rng.randrange(5_000, 80_000)).quantize(Decimal("1.00"))
            renewals.append(
                Renewal(
                    contract=contract,
                    status=status,
                    new_start=contract.end_date + timedelta(days=1),
                    new_end=contract.end_date + timedelta(days=365),
                    level=contract.level,
                    price=price,
                    offered_by=manager,
                    offered_at=offered_at,
                    signed_on=signed_on if signed else None,
                    signed_recorded_by=manager if signed else None,
                    payment_due_on=signed_on + timedelta(days=30) if signed else None,
                    paid_on=signed_on + timedelta(days=10) if paid else None,
                    paid_amount=price if paid else None,
                    payment_recorded_by=manager if paid else None,
                    applied_at=offered_at + timedelta(days=40) if status == "applied" else None,
                    applied_by=manager if status == "applied" else None,
                    previous_start=contract.start_date if status == "applied" else None,
                    previous_end=contract.end_date if status == "applied" else None,
                    closed_at=offered_at + timedelta(days=15) if status in ("declined", "cancelled") else None,
                    closed_by=manager if status in ("declined", "cancelled") else None,
                    close_reason="Customer moved to another vendor." if status in ("declined", "cancelled") else "",
                )
            )
        Renewal.objects.bulk_create(renewals, batch_size=1000)
        events = []
        for r in Renewal.objects.all():
            events.append(ContractEvent(contract_id=r.contract_id, renewal=r, kind="renewal_offered", actor=manager, at=r.offered_at))
            if r.signed_on:
                events.append(
                    ContractEvent(
                        contract_id=r.contract_id, renewal=r, kind="renewal_signed", actor=manager,
                        at=datetime.combine(r.signed_on, dtime(10), tzinfo=tz),
                    )
                )
            if r.paid_on:
                events.append(
                    ContractEvent(
                        contract_id=r.contract_id, renewal=r, kind="payment_received", actor=manager,
                        at=datetime.combine(r.paid_on, dtime(10), tzinfo=tz),
                    )
                )
            if r.applied_at:
                events.append(ContractEvent(contract_id=r.contract_id, renewal=r, kind="period_extended", actor=manager, at=r.applied_at))
            if r.closed_at:
                kind = "renewal_declined" if r.status == "declined" else "renewal_cancelled"
                events.append(ContractEvent(contract_id=r.contract_id, renewal=r, kind=kind, actor=manager, at=r.closed_at))
        ContractEvent.objects.bulk_create(events, batch_size=2000)
        month = today.replace(day=1)
        for _ in range(13):
            SalesTarget.objects.get_or_create(
                month=month, defaults={"amount": Decimal("600000.00"), "count": 30, "updated_by": manager}
            )
            month = (month - timedelta(days=1)).replace(day=1)
        for m in range(1, 13):
            SalesTarget.objects.get_or_create(
                month=date(today.year, m, 1), defaults={"amount": Decimal("600000.00"), "count": 30, "updated_by": manager}
            )

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"generated hotline, care, contracts and roster rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def pages() -> list[tuple[str, str]]:
    from django.utils import timezone

    from hotline.models import CallLog
    from tickets.care.models import Complaint
    from tickets.contracts.models import Renewal

    call = CallLog.objects.exclude(outcome="").order_by("-started_at").values_list("pk", flat=True).first()
    complaint = Complaint.objects.filter(status="decided").order_by("-received_at").values_list("pk", flat=True).first()
    contract = Renewal.objects.filter(status="applied").order_by("-offered_at").values_list("contract_id", flat=True).first()
    year = timezone.localdate().year
    return [
        ("hotline call list", "/hotline/calls/"),
        ("hotline call list, page 100", "/hotline/calls/?page=100"),
        ("hotline call detail", f"/hotline/calls/{call}/"),
        ("hotline statistics (last 14 days)", "/hotline/stats/"),
        ("duty-manager queue", "/hotline/queue/"),
        ("my promised call-backs", "/hotline/callbacks/"),
        ("care callback queue", "/care/callbacks/"),
        ("complaint list", "/care/complaints/"),
        ("complaint detail", f"/care/complaints/{complaint}/"),
        ("satisfaction (CB-5)", "/care/satisfaction/"),
        ("monthly callback report (CB-4)", "/care/report/"),
        ("renewals list", "/contracts/renewals/"),
        ("contract detail", f"/contracts/list/{contract}/"),
        ("sales targets, year page", f"/contracts/targets/{year}/"),
        ("roster week", "/hotline/roster/"),
        ("GN-6 monthly statistics", "/tickets/statistics/"),
        ("KPI dashboard, 12 months (issue 17)", "/tickets/kpi/"),
    ]


def measure(repeat: int, only: str = "") -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from staff.models import User

    client = Client()
    client.force_login(User.objects.get(username=MANAGER))
    rows = []
    for label, url in pages():
        if only and only not in label:
            continue
        timings, sql_times, queries = [], [], None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            timings.append(elapsed)
            sql_times.append(1000 * sum(float(q["time"] or 0) for q in captured.captured_queries))
            queries = len(captured.captured_queries)
        timings.sort()
        rows.append(
            {
                "page": label,
                "url": url,
                "sql_ms": statistics.median(sql_times),
                "median_ms": statistics.median(timings),
                "p95_ms": timings[int(0.95 * (len(timings) - 1))],
                "queries": queries,
                "slowest_sql": sorted(captured.captured_queries, key=lambda q: -float(q["time"] or 0))[:3],
            }
        )
    return rows


def volumes() -> str:
    from hotline.models import CallbackPromise, CallLog, DutyRequest
    from hotline.roster.models import Shift, ShiftAssignment
    from tickets.care.models import Answer, Callback, Complaint, SurveyResponse
    from tickets.contracts.models import Renewal, SalesTarget
    from tickets.models import Ticket

    parts = [
        f"{Ticket.objects.count():,} tickets",
        f"{CallLog.objects.count():,} calls",
        f"{CallbackPromise.objects.count():,} promised call-backs ({CallbackPromise.objects.filter(done_at=None).count():,} open)",
        f"{DutyRequest.objects.count():,} duty requests ({DutyRequest.objects.filter(done_at=None).count():,} open)",
        f"{Callback.objects.count():,} callbacks ({Callback.objects.filter(status='open').count():,} open)",
        f"{SurveyResponse.objects.count():,} survey responses",
        f"{Answer.objects.count():,} answers",
        f"{Complaint.objects.count():,} complaints ({Complaint.objects.exclude(status='closed').count():,} open)",
        f"{Renewal.objects.count():,} renewals",
        f"{SalesTarget.objects.count():,} sales targets",
        f"{Shift.objects.count():,} shifts",
        f"{ShiftAssignment.objects.count():,} assignments",
    ]
    return ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this text")
    parser.add_argument("--sql", action="store_true", help="also print the three slowest queries of each page")
    args = parser.parse_args()
    setup_django()
    migrate(args.fresh)
    generate(args.tickets)
    generate_service()
    from django.db import connection

    rows = measure(args.repeat, args.only)
    print(f"\n{connection.vendor}, {volumes()}; {args.repeat} requests per page\n")
    print("| page | median ms | p95 ms | queries |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['page']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} |")
    if args.sql:
        for row in rows:
            print(f"\n## {row['page']} {row['url']}: median {row['median_ms']:.1f} ms, of which SQL {row['sql_ms']:.1f} ms")
            for q in row["slowest_sql"]:
                print(f"  {q['time']} s  {q['sql'][:600]}")


if __name__ == "__main__":
    main()
