import datetime
from decimal import Decimal

import pytest

from servicedesk.core.dates import add_months
from staff.roles import Role
from tickets.contracts import policies
from tickets.contracts.models import RenewalStatus

D = datetime.date


def test_ct3_payment_is_due_three_calendar_days_after_signing():
    assert policies.payment_due_on(signed_on=D(2026, 12, 2), days=3) == D(2026, 12, 5)
    assert policies.payment_due_on(signed_on=D(2026, 12, 30), days=3) == D(2027, 1, 2)


@pytest.mark.parametrize(
    ("today", "overdue"), [(D(2026, 12, 4), False), (D(2026, 12, 5), False), (D(2026, 12, 6), True)]
)
def test_ct3_payment_is_overdue_only_after_the_due_day(today, overdue):
    assert policies.payment_overdue(due_on=D(2026, 12, 5), paid_on=None, today=today) is overdue


def test_ct3_a_paid_renewal_is_never_overdue():
    assert not policies.payment_overdue(due_on=D(2026, 12, 5), paid_on=D(2026, 12, 9), today=D(2026, 12, 10))
    assert policies.days_overdue(due_on=D(2026, 12, 5), today=D(2026, 12, 8)) == 3


def test_ct3_new_period_contiguous_or_after_a_lapse_is_fine():
    end = D(2026, 12, 31)
    assert policies.new_period_problem(current_end=end, new_start=D(2027, 1, 1), new_end=D(2027, 12, 31)) == {}
    assert policies.new_period_problem(current_end=end, new_start=D(2027, 3, 1), new_end=D(2028, 2, 29)) == {}


def test_ct3_new_period_overlapping_the_current_one_is_refused_with_the_first_possible_day():
    problems = policies.new_period_problem(
        current_end=D(2026, 12, 31), new_start=D(2026, 12, 31), new_end=D(2027, 12, 30)
    )
    assert "2027-01-01" in problems["new_start"]
    problems = policies.new_period_problem(current_end=D(2026, 12, 31), new_start=D(2027, 1, 1), new_end=D(2027, 1, 1))
    assert set(problems) == {"new_end"}


def test_ct1_ct3_period_after_renewal_keeps_the_start_when_contiguous_and_restarts_after_a_lapse():
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    assert policies.period_after_renewal(start=start, end=end, new_start=D(2027, 1, 1), new_end=D(2027, 12, 31)) == (
        start,
        D(2027, 12, 31),
    )
    assert policies.period_after_renewal(start=start, end=end, new_start=D(2027, 2, 1), new_end=D(2028, 1, 31)) == (
        D(2027, 2, 1),
        D(2028, 1, 31),
    )


def test_proposed_period_is_the_next_twelve_months_clamped_to_month_ends():
    assert policies.proposed_period(current_end=D(2026, 12, 31), months=12) == (D(2027, 1, 1), D(2027, 12, 31))
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2027, 11, 15), 3) == D(2028, 2, 15)


def test_ct3_status_table_and_who_may_act():
    seller = frozenset({Role.CALLBACK_SPECIALIST})
    boss = frozenset({Role.SERVICE_MANAGER})
    assert policies.refusal(status=RenewalStatus.OFFERED, action="sign", roles=seller) is None
    assert "service manager" in policies.refusal(status=RenewalStatus.SIGNED, action="pay", roles=seller)
    assert policies.refusal(status=RenewalStatus.SIGNED, action="pay", roles=boss) is None
    assert "cannot be changed" in policies.refusal(status=RenewalStatus.APPLIED, action="cancel", roles=boss)
    assert {t.action for t in policies.actions_for(status=RenewalStatus.OFFERED, roles=boss)} == {
        "sign",
        "decline",
        "cancel",
    }
    assert [t.action for t in policies.actions_for(status=RenewalStatus.PAID, roles=boss)] == ["apply"]
    assert policies.actions_for(status=RenewalStatus.OFFERED, roles=frozenset({Role.AGENT})) == []


def test_ct3_payment_must_cover_the_price_and_not_be_in_the_future():
    kwargs = {"price": Decimal("100"), "signed_on": D(2026, 12, 2), "today": D(2026, 12, 4)}
    assert policies.payment_problem(paid_on=D(2026, 12, 3), amount=Decimal("100"), **kwargs) == {}
    assert set(policies.payment_problem(paid_on=D(2026, 12, 5), amount=Decimal("99.99"), **kwargs)) == {
        "paid_on",
        "amount",
    }
    assert "paid_on" in policies.payment_problem(paid_on=D(2026, 12, 1), amount=Decimal("100"), **kwargs)


def test_ct4_percent_complete():
    assert policies.percent_complete(actual=Decimal("45000"), target=Decimal("60000")) == Decimal("75.0")
    assert policies.percent_complete(actual=Decimal("1"), target=Decimal("3")) == Decimal("33.3")
    assert policies.percent_complete(actual=Decimal("10"), target=None) is None
