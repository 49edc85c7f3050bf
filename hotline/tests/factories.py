"""Helpers for hotline tests: a known caller (customer, contact, installation, contract), intake
dicts for ``call_log_submit`` and calls reported by the PBX."""

import datetime
from zoneinfo import ZoneInfo

import factory

from hotline.models import CallLog, ChecklistItem, DiagnosticChecklist
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.tests.factories import (
    ContactFactory,
    CustomerFactory,
    InstallationFactory,
    ProductFactory,
    RegionFactory,
    ServiceContractFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 10 March 2026, 09:30 local: a working day.
NOW = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)


def known_caller(*, mobile="138 0013 8000", contract_end=datetime.date(2026, 12, 31)):
    region = RegionFactory(code="beijing", name="北京分公司")
    customer = CustomerFactory(name="北京华联商贸有限公司", region=region, address="北京市朝阳区建国路 88 号")
    contact = ContactFactory(customer=customer, name="李明", mobile=mobile)
    product = ProductFactory(code="ip-300", name="IP-300 票据打印机")
    installation = InstallationFactory(customer=customer, product=product)
    contract = None
    if contract_end is not None:
        contract = ServiceContractFactory(customer=customer, end_date=contract_end, start_date=datetime.date(2025, 1, 1))
        contract.installations.add(installation)
    return {"customer": customer, "contact": contact, "installation": installation, "product": product, "contract": contract}


def checklist_for(product, questions=("打印机指示灯是什么颜色？", "最近是否更换过色带？")):
    checklist = DiagnosticChecklist.objects.create(product=product, name=f"{product.name} 故障排查")
    for position, question in enumerate(questions, start=1):
        ChecklistItem.objects.create(checklist=checklist, position=position, question=question)
    return checklist


def intake_for(caller, *, started_at=NOW, problem="票据打印机卡纸，打印第一页后停止。", **overrides):
    data = {
        "started_at": started_at,
        "caller_phone": caller["contact"].mobile,
        "organisation": caller["customer"].name,
        "customer": caller["customer"],
        "contact": caller["contact"],
        "installation": caller["installation"],
        "problem": problem,
    }
    data.update(overrides)
    return data


def agent_user(**kwargs):
    return UserFactory(roles=[Role.AGENT], **kwargs)


def duty_manager(**kwargs):
    return UserFactory(roles=[Role.DUTY_MANAGER], **kwargs)


class CallLogFactory(factory.django.DjangoModelFactory):
    """A row for read-side tests (lists, statistics); behaviour goes through the services."""

    class Meta:
        model = CallLog

    started_at = NOW
    caller_phone = factory.Sequence(lambda n: f"139 {n:04d} 0000")
    organisation = factory.Sequence(lambda n: f"Customer {n}")
