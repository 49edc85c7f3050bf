import datetime

import factory
from factory.django import DjangoModelFactory

from tickets import services as ticket_services
from tickets.sla.models import ContractReminder, SLAPolicy, SLATarget
from tickets.tests.factories import CustomerFactory, ServiceContractFactory

OS8_MINUTES = {
    "respond": 120,
    "dispatch": 480,
    "onsite_arrangement": 1440,
    "arrive": 1440,
    "resolve": 2880,
    "dm_callback": 60,
}


class SLAPolicyFactory(DjangoModelFactory):
    """A policy with the OS-8 targets (``targets={"respond": 30}`` overrides minutes per kind)."""

    class Meta:
        model = SLAPolicy
        django_get_or_create = ("contract_level", "priority")
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Policy {n}")
    contract_level = ""
    priority = 0
    work_calendar = None

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if not create:
            return
        minutes = {**OS8_MINUTES, **(extracted or {})}
        for kind, value in minutes.items():
            SLATarget.objects.update_or_create(
                policy=self, kind=kind, defaults={"minutes": value, "working_days": None}
            )
        SLATarget.objects.get_or_create(policy=self, kind="callback", defaults={"working_days": 1})


class ContractReminderFactory(DjangoModelFactory):
    class Meta:
        model = ContractReminder

    contract = factory.SubFactory(ServiceContractFactory)
    period_end = factory.SelfAttribute("contract.end_date")
    days_before = 30
    due_on = factory.LazyAttribute(lambda r: r.period_end - datetime.timedelta(days=r.days_before))
    language = "en"
    created_at = factory.LazyFunction(lambda: datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC))


def ticket_open(user, *, now, customer=None, **kwargs):
    """A ticket opened through ``ticket_create``, so its SLA clocks start as they do in production."""
    return ticket_services.ticket_create(
        customer=customer or CustomerFactory(),
        subject="Printer stops",
        description="After one page",
        created_by=user,
        now=now,
        **kwargs,
    )
