"""Business travel (ST-15): manager approval, allowances with the 12:00 half-day rule, the deadline."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staff import services
from staff.models import TravelAllowanceRate
from staff.roles import Role

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def boss():
    return UserFactory(username="boss", roles=[Role.DUTY_MANAGER])


@pytest.fixture
def employee(boss):
    return EmployeeFactory(username="liu", roles=[Role.ENGINEER], manager=boss)


@pytest.fixture
def trip(employee, boss):
    travel = services.travel_request_submit(
        employee=employee,
        destination="成都 Chengdu",
        purpose="Install ERP Suite at the Chengdu branch",
        departs_at=at(9, 8),
        returns_at=at(11, 18),
        estimated_cost=Decimal("1500"),
        now=at(5, 10),
    )
    return services.travel_request_decide(travel=travel, actor=boss, approve=True, now=at(5, 11))


def claim(trip, employee, *, departed, returned, now, **extra):
    values = {"lodging_invoiced": Decimal("300"), "transport_amount": Decimal("560")}
    values.update(extra)
    return services.expense_claim_submit(
        travel=trip, employee=employee, departed_at=departed, returned_at=returned, now=now, **values
    )


def test_st15_ordinary_employee_grade_is_seeded():
    rate = TravelAllowanceRate.objects.get(is_default=True)
    assert (rate.lodging_per_day, rate.meals_per_day, rate.claim_within_days) == (Decimal("120"), Decimal("30"), 7)


def test_st15_trip_needs_the_managers_approval_before_a_claim(employee, boss):
    travel = services.travel_request_submit(
        employee=employee,
        destination="Shanghai",
        purpose="visit",
        departs_at=at(9, 8),
        returns_at=at(9, 20),
        now=at(5, 9),
    )
    assert boss.notifications.filter(url=travel.get_absolute_url()).exists()
    with pytest.raises(ValidationError):
        claim(travel, employee, departed=at(9, 8), returned=at(9, 20), now=at(10, 9))
    with pytest.raises(PermissionDenied):
        services.travel_request_decide(travel=travel, actor=employee, approve=True, now=at(5, 10))
    travel = services.travel_request_decide(travel=travel, actor=boss, approve=True, now=at(5, 10))
    assert travel.status == "approved" and employee.notifications.filter(url=travel.get_absolute_url()).exists()


@pytest.mark.parametrize(
    ("departed", "returned", "days", "meals"),
    [
        (at(9, 11, 59), at(11, 12, 1), "3.0", "90.00"),
        (at(9, 12, 0), at(11, 12, 1), "2.5", "75.00"),
        (at(9, 11, 59), at(11, 12, 0), "2.5", "75.00"),
        (at(9, 12, 1), at(11, 11, 59), "2.0", "60.00"),
    ],
)
def test_st15_half_day_edges_at_noon(trip, employee, departed, returned, days, meals):
    result = claim(trip, employee, departed=departed, returned=returned, now=at(12, 9))
    assert result.days == Decimal(days) and result.meals_allowance == Decimal(meals)
    assert result.nights == 2 and result.lodging_allowed == Decimal("240")  # 300 invoiced, 2 x 120 paid
    assert result.total == Decimal("240") + Decimal(meals) + Decimal("560")


def test_st15_lodging_below_the_standard_is_not_topped_up(trip, employee):
    result = claim(
        trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(12, 9), lodging_invoiced=Decimal("150")
    )
    assert result.lodging_allowed == Decimal("150")


def test_st15_claim_on_the_seventh_day_after_return_is_on_time(trip, employee):
    on_time = claim(trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(18, 17))
    assert (on_time.due_on, on_time.is_late) == (datetime.date(2026, 3, 18), False)


def test_st15_late_claim_needs_a_reason_and_is_marked(trip, employee, boss):
    with pytest.raises(ValidationError) as error:
        claim(trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(19, 9))
    assert "late_reason" in error.value.error_dict
    late = claim(
        trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(19, 9), late_reason="invoices came late"
    )
    assert late.is_late and late.late_reason == "invoices came late"
    decided = services.expense_claim_decide(claim=late, actor=boss, approve=True, now=at(19, 10))
    assert decided.status == "approved"


def test_st15_only_the_traveller_claims_and_only_once(trip, employee, boss):
    with pytest.raises(PermissionDenied):
        claim(trip, boss, departed=at(9, 8), returned=at(11, 18), now=at(12, 9))
    claim(trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(12, 9))
    with pytest.raises(ValidationError):
        claim(trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(12, 10))


def test_st15_employee_grade_overrides_the_default(trip, employee):
    senior = TravelAllowanceRate.objects.create(
        name="Manager 经理", lodging_per_day=Decimal("200"), meals_per_day=Decimal("50"), claim_within_days=7
    )
    employee.profile.travel_rate = senior
    employee.profile.save()
    result = claim(trip, employee, departed=at(9, 8), returned=at(11, 18), now=at(12, 9))
    assert (result.lodging_allowed, result.meals_allowance) == (Decimal("300"), Decimal("150.00"))
