"""Helpers for contract tests: people per role, a contract with covered installations, and renewals
walked to any status through the real services."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.contracts import services
from tickets.contracts.models import RenewalStatus
from tickets.tests.factories import InstallationFactory, ServiceContractFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 1 December 2026, 10:00 local; the factory contract's period ends on 31 December 2026.
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
PRICE = Decimal("36000.00")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def manager(**kwargs):
    return UserFactory(roles=[Role.SERVICE_MANAGER], **kwargs)


def specialist(**kwargs):
    return UserFactory(roles=[Role.CALLBACK_SPECIALIST], **kwargs)


def contract_with_installations(*, installations=1, **kwargs):
    contract = ServiceContractFactory(**kwargs)
    contract.installations.set(
        [
            InstallationFactory(customer=contract.customer, serial_number=f"{contract.number}-SN{n}")
            for n in range(installations)
        ]
    )
    return contract


def renewal_at(
    status: str,
    *,
    contract=None,
    actor=None,
    now: datetime.datetime = NOW,
    signed_on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    price: Decimal = PRICE,
    serials: dict | None = None,
    reason: str = "客户预算不足",
):
    """A renewal of ``contract`` (default: a new one ending 2026-12-31) moved to ``status``."""
    contract = contract or contract_with_installations()
    actor = actor or manager()
    renewal = services.renewal_offer(
        contract=contract,
        offered_by=actor,
        new_start=contract.end_date + datetime.timedelta(days=1),
        new_end=contract.end_date + datetime.timedelta(days=365),
        level=contract.level,
        price=price,
        serials=serials,
        now=now,
    )
    if status == RenewalStatus.OFFERED:
        return renewal
    if status == RenewalStatus.CANCELLED:
        return services.renewal_cancel(renewal=renewal, actor=actor, reason=reason, now=now)
    renewal = services.renewal_sign(
        renewal=renewal, actor=actor, signed_on=signed_on or now.date(), now=max(now, _end_of(signed_on))
    )
    if status == RenewalStatus.SIGNED:
        return renewal
    if status == RenewalStatus.DECLINED:
        return services.renewal_decline(renewal=renewal, actor=actor, reason=reason, now=now)
    paid_on = paid_on or renewal.signed_on
    return services.renewal_payment_record(
        renewal=renewal,
        actor=actor,
        paid_on=paid_on,
        amount=price,
        apply=status == RenewalStatus.APPLIED,
        now=max(now, _end_of(paid_on)),
    )


def _end_of(day: datetime.date | None) -> datetime.datetime:
    if day is None:
        return datetime.datetime.min.replace(tzinfo=SHANGHAI)
    return datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=SHANGHAI)
