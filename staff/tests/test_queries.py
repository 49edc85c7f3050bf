"""Every staff list page runs a fixed number of queries, whatever the amount of data."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from staff import services
from staff.models import SignIn
from staff.roles import Role
from tickets.tests.factories import TicketFactory

from .factories import EmployeeFactory, SkillFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 19, 0, tzinfo=TZ)
SIZES = [2, 7]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def boss():
    # A service manager who is also HR sees and decides everything: the widest queries.
    return EmployeeFactory(username="boss", roles=[Role.SERVICE_MANAGER, Role.HR])


def staff_with_records(boss, rows: int):
    """``rows`` employees, each with a sign-in, a classified day, leave, a trip with a claim,
    two proposals (one confirmed), an assessment and a skill."""
    skill = SkillFactory(name="ERP Suite")
    people = []
    for index in range(rows):
        person = EmployeeFactory(manager=boss, roles=[Role.ENGINEER])
        people.append(person)
        day = datetime.date(2026, 3, 2 + index % 5)
        SignIn.objects.create(
            employee=person, day=day, signed_in_at=datetime.datetime.combine(day, datetime.time(9, 5), TZ)
        )
        services.leave_request_submit(
            employee=person,
            kind="annual",
            start_date=datetime.date(2026, 4, 1),
            end_date=datetime.date(2026, 4, 6),
            reason="rest",
            now=NOW,
        )
        travel = services.travel_request_submit(
            employee=person,
            destination="Chengdu",
            purpose="install",
            departs_at=datetime.datetime(2026, 3, 16, 8, tzinfo=TZ),
            returns_at=datetime.datetime(2026, 3, 17, 18, tzinfo=TZ),
            now=NOW,
        )
        services.travel_request_decide(travel=travel, actor=boss, approve=True, now=NOW)
        services.expense_claim_submit(
            travel=travel,
            employee=person,
            departed_at=travel.departs_at,
            returned_at=travel.returns_at,
            lodging_invoiced=Decimal("100"),
            transport_amount=Decimal("300"),
            now=NOW,
        )
        for code in ("st8-late-service-form", "st3-unreachable"):
            services.penalty_propose(rule_code=code, employee=person, source=TicketFactory(), occurred_at=NOW)
        services.penalty_confirm(
            proposal=person.penalty_proposals.get(rule__code="st8-late-service-form"),
            amount=Decimal("30"),
            actor=boss,
            now=NOW,
        )
        services.assessment_record(
            employee=person,
            kind="skill",
            assessed_on=NOW.date(),
            score=Decimal("80"),
            outcome="passed",
            skill=skill,
            skill_level=2,
            assessor=boss,
            now=NOW,
        )
    for day in range(2, 7):
        services.attendance_classify_day(day=datetime.date(2026, 3, day), now=NOW)
    run = services.deduction_run_prepare(month=datetime.date(2026, 3, 1), actor=boss, now=NOW)
    services.deduction_run_export(run=run, actor=boss, now=NOW)
    services.fund_spend(amount=Decimal("10"), booked_on=NOW.date(), description="tea", actor=boss, now=NOW)
    return people, run


# name: (url args from the data, queries). Every count includes session, user, roles and the
# unread-notifications badge.
MANAGER_PAGES = {
    "team": (lambda people, run: [], 7),
    "approvals": (lambda people, run: [], 8),
    "penalty_queue": (lambda people, run: [], 6),
    "assessments": (lambda people, run: [], 6),
    "payroll": (lambda people, run: [], 6),
    "payroll_run": (lambda people, run: [run.pk], 7),
    "fund": (lambda people, run: [], 7),
}
# The employee's own pages; attendance also loads the work calendar (profile + three queries).
OWN_PAGES = {"attendance": 12, "leave_list": 6, "travel_list": 6, "penalty_list": 6}


@pytest.mark.parametrize("rows", SIZES)
def test_staff_list_pages_have_a_constant_query_count(client, django_assert_num_queries, boss, rows):
    people, run = staff_with_records(boss, rows)
    client.force_login(boss)
    for name, (args, queries) in MANAGER_PAGES.items():
        with django_assert_num_queries(queries):
            response = client.get(reverse(f"staff:{name}", args=args(people, run)), {"day": "2026-03-02"})
        assert response.status_code == 200, name
    person = people[0]
    for _ in range(rows):  # more of the person's own records
        services.penalty_propose(
            rule_code="st5-windows-power", employee=person, source=TicketFactory(), occurred_at=NOW
        )
    client.force_login(person)
    for name, queries in OWN_PAGES.items():
        with django_assert_num_queries(queries):
            response = client.get(reverse(f"staff:{name}"), {"month": "2026-03"})
        assert response.status_code == 200, name
