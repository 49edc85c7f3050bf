"""Load realistic demo data. Idempotent: running it again adds nothing that is already there.

Each app may ship ``<app>/demo.py`` with ``seed_demo(*, now, log)``; they run in INSTALLED_APPS
order, so users and customers exist before the apps that build on them.

A module may also have ``settle_demo(*, now, log)``: it runs after every app has seeded, in
SETTLE_ORDER, and makes the centre look like a normal day (issue 17): callbacks made on their day,
waiting tickets assigned, one SLA sweep at ``now``, older notifications read. Each settle step only
touches what is still undone, so a second run changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone


# Callbacks are answered before the sweep (or it breaches them), tickets assigned before it (or
# their respond clocks breach), and notifications read last (the steps before send some).
SETTLE_ORDER = ["tickets.care.demo", "tickets.demo", "tickets.sla.demo", "servicedesk.core.demo"]


class Command(BaseCommand):
    help = "Load demo users, customers, contracts and tickets (safe to run repeatedly)."

    def handle(self, *args, **options):
        now = timezone.now()
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed_demo(now=now, log=self.stdout.write)
        for module_name in SETTLE_ORDER:
            with transaction.atomic():
                import_module(module_name).settle_demo(now=now, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
