"""Assessments (ST-14): score and outcome, applied to the base salary, probation and skills."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staff import services
from staff.models import Assessment, EmployeeSkill
from staff.roles import Role

from .factories import EmployeeFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 15, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


@pytest.fixture
def boss():
    return UserFactory(username="boss", roles=[Role.SERVICE_MANAGER])


@pytest.fixture
def employee():
    return EmployeeFactory(username="liu", roles=[Role.ENGINEER], profile__probation_ends_on=datetime.date(2026, 3, 31))


def record(employee, assessor, **values):
    defaults = {"kind": "periodic", "assessed_on": TODAY, "score": Decimal("88"), "outcome": "passed"}
    defaults.update(values)
    return services.assessment_record(employee=employee, assessor=assessor, now=NOW, **defaults)


def test_st14_assessment_adjusts_the_base_salary(employee, boss):
    assessment = record(employee, boss, salary_after=Decimal("6800"))
    employee.profile.refresh_from_db()
    assert (assessment.salary_before, assessment.salary_after) == (Decimal("6000"), Decimal("6800"))
    assert employee.profile.base_salary == Decimal("6800")
    assert employee.notifications.filter(title__contains="Periodic").exists()


def test_st14_without_a_new_salary_it_stays(employee, boss):
    assessment = record(employee, boss)
    assert assessment.salary_after == assessment.salary_before == Decimal("6000")


def test_st14_probation_extension_moves_the_end_date(employee, boss):
    record(employee, boss, kind="probation", outcome="extended", probation_ends_on=datetime.date(2026, 6, 30))
    employee.profile.refresh_from_db()
    assert employee.profile.probation_ends_on == datetime.date(2026, 6, 30)
    with pytest.raises(ValidationError):
        record(employee, boss, kind="periodic", outcome="extended", probation_ends_on=datetime.date(2026, 9, 30))


def test_st14_passed_skill_assessment_sets_the_proficiency(employee, boss):
    skill = SkillFactory(name="POS Terminal T2 repair")
    record(employee, boss, kind="skill", skill=skill, skill_level=3)
    assert EmployeeSkill.objects.get(employee=employee, skill=skill).level == 3
    with pytest.raises(ValidationError):
        record(employee, boss, kind="skill")  # no skill named


def test_st14_score_range_is_enforced(employee, boss):
    with pytest.raises(ValidationError):
        record(employee, boss, score=Decimal("101"))
    assert not Assessment.objects.exists()


def test_st14_only_managers_of_the_employee_or_hr_assess(employee):
    with pytest.raises(PermissionDenied):
        record(employee, UserFactory(roles=[Role.DUTY_MANAGER]))
    with pytest.raises(PermissionDenied):
        record(employee, employee)
    assert record(employee, UserFactory(roles=[Role.HR])).outcome == "passed"
