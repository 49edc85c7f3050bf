"""Helpers for maintenance plan tests: a contract with an installation, a plan through the service,
the Chinese holidays of 2027 in the default calendar."""

import datetime
from zoneinfo import ZoneInfo

from onsite.tests.factories import engineer, service_manager
from staff.models import CalendarDay, WorkCalendar
from tickets.tests.factories import ContactFactory, CustomerFactory, InstallationFactory, RegionFactory, ServiceContractFactory

from .. import services

SH = ZoneInfo("Asia/Shanghai")
D = datetime.date
# Monday 4 January 2027, 09:00 in Shanghai.
NOW = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=SH)
# 2027: New Year's Day, Spring Festival 6-12 February (Sunday 14 February a make-up working day),
# Qingming 5 April, Labour Day 1-5 May, National Day 1-7 October.
HOLIDAYS = (
    [D(2027, 1, 1), D(2027, 4, 5)]
    + [D(2027, 2, day) for day in range(6, 13)]
    + [D(2027, 5, day) for day in range(1, 6)]
    + [D(2027, 10, day) for day in range(1, 8)]
)
WORKDAYS = [D(2027, 2, 14)]

__all__ = ["NOW", "SH", "contract", "engineer", "holidays_2027", "plan", "service_manager"]


def holidays_2027() -> None:
    calendar = WorkCalendar.objects.get(is_default=True)
    for day in HOLIDAYS:
        CalendarDay.objects.update_or_create(calendar=calendar, date=day, defaults={"kind": CalendarDay.Kind.HOLIDAY})
    for day in WORKDAYS:
        CalendarDay.objects.update_or_create(calendar=calendar, date=day, defaults={"kind": CalendarDay.Kind.WORKDAY})


def contract(*, start=D(2027, 1, 1), end=D(2027, 12, 31), customer=None):
    customer = customer or CustomerFactory(region=RegionFactory(code="beijing", name="北京分公司"))
    ContactFactory(customer=customer, name="李明", email="liming@customer.example")
    installation = InstallationFactory(customer=customer, site_address="北京市海淀区中关村大街1号")
    row = ServiceContractFactory(customer=customer, signed_on=start, start_date=start, end_date=end)
    row.installations.add(installation)
    return row


def plan(*, contract_row=None, manager=None, now=NOW, **fields):
    defaults = {"name": "季度巡检", "interval_months": 3, "first_visit_on": D(2027, 1, 31)}
    return services.plan_create(
        contract=contract_row or contract(), created_by=manager or service_manager(), now=now, **{**defaults, **fields}
    )
