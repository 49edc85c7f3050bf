"""Monthly deduction runs and the department fund (ST-13)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staff import selectors, services
from staff.models import DeductionRun, FundEntry, PenaltyProposal
from staff.roles import Role
from tickets.tests.factories import TicketFactory

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=TZ)


@pytest.fixture
def boss():
    return UserFactory(username="boss", roles=[Role.SERVICE_MANAGER])


@pytest.fixture
def hr():
    return UserFactory(username="hr", roles=[Role.HR])


def fine(employee, boss, *, code="st8-late-service-form", amount="30", decided_at):
    proposal, _ = services.penalty_propose(
        rule_code=code, employee=employee, source=TicketFactory(), occurred_at=decided_at
    )
    return services.penalty_confirm(proposal=proposal, amount=Decimal(amount), actor=boss, now=decided_at)


def test_st13_run_has_one_line_per_employee_with_the_confirmed_fines_of_the_month(boss, hr):
    liu, zhao = EmployeeFactory(username="liu"), EmployeeFactory(username="zhao")
    fine(liu, boss, decided_at=at(3, 5))
    fine(liu, boss, code="st9-lost-customer-form", amount="50", decided_at=at(3, 31, 23))
    fine(zhao, boss, decided_at=at(3, 20))
    fine(zhao, boss, decided_at=at(4, 1, 0))  # confirmed in April: next month's run
    services.penalty_propose(
        rule_code="st10-trip-not-recorded", employee=zhao, source=TicketFactory(), occurred_at=at(3, 2)
    )

    run = services.deduction_run_prepare(month=datetime.date(2026, 3, 17), actor=hr, now=at(4, 2))
    assert run.month == MARCH
    lines = {line.employee.username: (line.fines, line.amount) for line in run.lines.all()}
    assert lines == {"liu": (2, Decimal("80")), "zhao": (1, Decimal("30"))}
    assert PenaltyProposal.objects.filter(deduction_run=run).count() == 3


def test_st13_nothing_is_deducted_without_confirmation(boss, hr):
    liu = EmployeeFactory(username="liu")
    services.penalty_propose(
        rule_code="st8-late-service-form", employee=liu, source=TicketFactory(), occurred_at=at(3, 3)
    )
    run = services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 2))
    assert run.lines.count() == 0


def test_st13_preparing_again_picks_up_late_confirmations(boss, hr):
    liu = EmployeeFactory(username="liu")
    fine(liu, boss, decided_at=at(3, 5))
    run = services.deduction_run_prepare(month=MARCH, actor=hr, now=at(3, 28))
    fine(liu, boss, decided_at=at(3, 30))
    again = services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 1))
    assert again.pk == run.pk
    assert [(line.fines, line.amount) for line in again.lines.all()] == [(2, Decimal("60"))]


def test_st13_deduction_lock_exported_run_cannot_change(boss, hr):
    liu = EmployeeFactory(username="liu")
    fine(liu, boss, decided_at=at(3, 5))
    run = services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 1))
    run = services.deduction_run_export(run=run, actor=hr, now=at(4, 2))
    assert run.is_locked and run.exported_by == hr
    late = fine(liu, boss, decided_at=at(3, 30))  # confirmed after the export, backdated
    with pytest.raises(ValidationError):
        services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 3))
    with pytest.raises(ValidationError):
        services.deduction_run_export(run=run, actor=hr, now=at(4, 3))
    assert [(line.fines, line.amount) for line in run.lines.all()] == [(1, Decimal("30"))]
    april = services.deduction_run_prepare(month=datetime.date(2026, 4, 1), actor=hr, now=at(5, 1))
    late.refresh_from_db()
    assert late.deduction_run == april  # deducted next month, never twice
    assert FundEntry.objects.count() == 1


def test_st13_export_pays_the_total_into_the_fund_once(boss, hr):
    liu = EmployeeFactory(username="liu")
    fine(liu, boss, code="st6-attitude-complaint", amount="200", decided_at=at(3, 5))
    run = services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 1))
    services.deduction_run_export(run=run, actor=hr, now=at(4, 2))
    entry = FundEntry.objects.get()
    assert (entry.kind, entry.amount, entry.deduction_run, entry.booked_on) == (
        "fines",
        Decimal("200"),
        run,
        datetime.date(2026, 4, 2),
    )
    assert selectors.fund_balance() == Decimal("200")


def test_st13_fund_spending_keeps_a_running_balance_and_cannot_overdraw(boss, hr):
    liu = EmployeeFactory(username="liu")
    fine(liu, boss, code="st12-implementation-form", amount="500", decided_at=at(3, 5))
    services.deduction_run_export(
        run=services.deduction_run_prepare(month=MARCH, actor=hr, now=at(4, 1)), actor=hr, now=at(4, 1)
    )
    services.fund_spend(
        amount=Decimal("120.50"), booked_on=datetime.date(2026, 4, 3), description="Team dinner", actor=hr, now=at(4, 3)
    )
    with pytest.raises(ValidationError):
        services.fund_spend(
            amount=Decimal("400"), booked_on=datetime.date(2026, 4, 4), description="Too much", actor=hr, now=at(4, 4)
        )
    services.fund_spend(
        amount=Decimal("79.50"), booked_on=datetime.date(2026, 4, 5), description="Books", actor=hr, now=at(4, 5)
    )
    ledger = [(entry.description, entry.balance) for entry in selectors.fund_ledger()]
    assert ledger == [
        ("Books", Decimal("300")),
        ("Team dinner", Decimal("379.50")),
        ("Fines deducted in 2026-03", Decimal("500")),
    ]
    assert selectors.fund_balance() == Decimal("300")


def test_st13_run_for_a_month_is_unique_and_starts_on_the_first():
    hr = UserFactory(roles=[Role.HR])
    services.deduction_run_prepare(month=datetime.date(2026, 3, 31), actor=hr, now=at(4, 1))
    services.deduction_run_prepare(month=datetime.date(2026, 3, 2), actor=hr, now=at(4, 1))
    assert list(DeductionRun.objects.values_list("month", flat=True)) == [MARCH]
