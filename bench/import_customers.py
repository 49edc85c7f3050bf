"""Benchmark: a 10,000-row customer sheet through ``tickets.imports.import_sheet`` (issue 15).

Usage (from the project root):
    .venv/bin/python bench/import_customers.py                     # SQLite file var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sd_import_bench .venv/bin/python bench/import_customers.py
Options: --rows N (default 10000), --no-trace (skip the tracemalloc run), --keep (keep the rows).

It uses the bench database of bench/tickets_pages.py (and its functions to set up Django and
migrate), writes an .xlsx of N realistic customers (full name, region, address, phone, notes) into
a temporary directory, then times, in process:

1. the dry run (what the admin preview does: every row validated, everything rolled back);
2. the import (dry_run=False): one transaction, rows saved one by one with full_clean and a
   simple_history row each;
3. the same import again under tracemalloc, for the peak Python memory (slower; --no-trace skips it).

The imports run inside an outer transaction that is rolled back, so the bench database (its 100k
tickets are used by the other benchmarks) is left as it was; --keep commits instead. The customer
names carry a run tag, so they never match the bench data's customers. Prints a Markdown table.
"""

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from tickets_pages import migrate, setup_django  # noqa: E402  (sets sys.path and DATABASE_URL too)

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "天津", "重庆", "苏州"]
TRADES = ["远航科技", "星辰软件", "海纳信息", "恒通电子", "华信数据", "金桥网络", "瑞丰系统", "天成智能"]
KINDS = ["有限公司", "股份有限公司", "集团有限公司"]
STREETS = ["中关村大街", "南京西路", "天河路", "深南大道", "文三路", "中山路", "人民南路", "解放大道"]
REGIONS = [("华北分公司", "bench-north"), ("华东分公司", "bench-east"), ("华南分公司", "bench-south"), ("西南分公司", "bench-southwest")]


class Rollback(Exception):
    pass


def write_sheet(path: Path, rows: int, tag: str, seed: int = 15) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("customers")
    sheet.append(["name", "region", "address", "phone", "notes"])
    for n in range(rows):
        city = rng.choice(CITIES)
        name = f"{city}{rng.choice(TRADES)}{rng.choice(KINDS)} {tag}-{n:05d}"
        if rng.random() < 0.6:
            phone = f"0{rng.randint(10, 29)}-{rng.randint(6000, 8999)} {rng.randint(0, 9999):04d}"
        else:
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)} {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"
        address = f"{city}市{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}层"
        notes = "重点客户" if rng.random() < 0.1 else ""
        sheet.append([name, rng.choice(REGIONS)[0], address, phone, notes])
    book.save(path)


def importer():
    from staff.models import User

    user, _ = User.objects.get_or_create(username="bench_importer", defaults={"full_name": "Bench Importer"})
    if not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


def ensure_regions() -> None:
    from tickets.models import Region

    for name, code in REGIONS:
        Region.objects.get_or_create(name=name, defaults={"code": code})


def run(path: Path, *, dry_run: bool, user, keep: bool, trace: bool = False):
    from django.db import reset_queries, transaction

    from tickets.imports import import_sheet
    from tickets.resources import CustomerResource

    reset_queries()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = import_sheet(resource=CustomerResource, file=path, format="xlsx", dry_run=dry_run, user=user)
            elapsed = time.perf_counter() - started
            if not keep:
                raise Rollback
    except Rollback:
        pass
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-trace", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    setup_django()
    migrate(fresh=False)
    from django.conf import settings
    from django.db import connection

    from tickets.models import Customer

    ensure_regions()
    user = importer()
    tag = f"IMP{int(time.time()) % 100000:05d}"
    before = Customer.objects.count()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.xlsx"
        started = time.perf_counter()
        write_sheet(path, args.rows, tag)
        generated = time.perf_counter() - started
        size_kb = path.stat().st_size / 1024

        dry, dry_s, _ = run(path, dry_run=True, user=user, keep=False)
        assert not dry.errors, dry.errors[:3]
        real, real_s, _ = run(path, dry_run=False, user=user, keep=args.keep)
        assert not real.errors and real.created == args.rows, (real.created, real.errors[:3])
        peak = None
        if not args.no_trace and not args.keep:
            _, _, peak = run(path, dry_run=False, user=user, keep=False, trace=True)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    after = Customer.objects.count()

    vendor = connection.vendor
    print(f"\n{args.rows} customer rows, {vendor} ({settings.DATABASES['default']['NAME']}), sheet {size_kb:.0f} kB written in {generated:.1f} s")
    print("\n| step | wall s | rows/s |")
    print("| --- | ---: | ---: |")
    print(f"| dry run (admin preview) | {dry_s:.1f} | {args.rows / dry_s:.0f} |")
    print(f"| import, dry_run=False | {real_s:.1f} | {args.rows / real_s:.0f} |")
    if peak is not None:
        print(f"\npeak Python memory of one import (tracemalloc): {peak / 1024 / 1024:.0f} MB")
    print(f"process max RSS (getrusage): {maxrss_mb:.0f} MB")
    print(f"customers before {before}, after {after} ({'kept' if args.keep else 'rolled back'})")


if __name__ == "__main__":
    main()
