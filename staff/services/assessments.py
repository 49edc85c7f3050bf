"""Assessments (ST-14): the result is recorded and applied to the profile (salary, probation, skill)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import policies
from ..models import Assessment, EmployeeProfile, EmployeeSkill
from ..roles import Role
from ._notify import notify


@transaction.atomic
def assessment_record(
    *,
    employee,
    kind: str,
    assessed_on: datetime.date,
    score: Decimal,
    outcome: str,
    assessor,
    now: datetime.datetime,
    comments: str = "",
    salary_after: Decimal | None = None,
    probation_ends_on: datetime.date | None = None,
    skill=None,
    skill_level: int | None = None,
) -> Assessment:
    """Record a probation, confirmation, skill or periodic assessment (ST-14) and apply it: the
    base salary becomes ``salary_after``, an extended probation gets its new end date, and a passed
    skill assessment sets the employee's proficiency in that skill (used by dispatch, GN-3)."""
    if not (policies.can_decide_for(assessor, employee) or (assessor.has_role(Role.HR) and assessor.pk != employee.pk)):
        raise PermissionDenied
    profile = EmployeeProfile.objects.select_for_update().filter(user=employee).first()
    if profile is None:
        raise ValidationError(_("%(name)s has no employee profile yet; HR creates it first.") % {"name": employee})
    assessment = Assessment(
        employee=employee,
        kind=kind,
        assessed_on=assessed_on,
        assessor=assessor,
        score=score,
        outcome=outcome,
        skill=skill,
        skill_level=skill_level,
        salary_before=profile.base_salary,
        salary_after=profile.base_salary if salary_after is None else salary_after,
        probation_ends_on=probation_ends_on,
        comments=comments.strip(),
    )
    assessment.full_clean()
    assessment.save()
    profile.base_salary = assessment.salary_after
    if outcome == Assessment.Outcome.PROBATION_EXTENDED:
        profile.probation_ends_on = probation_ends_on
    profile.full_clean()
    profile.save()
    if skill is not None and outcome == Assessment.Outcome.PASSED:
        EmployeeSkill.objects.update_or_create(employee=employee, skill=skill, defaults={"level": skill_level})
    notify(
        [employee],
        title=_("Assessment recorded: %(kind)s, %(outcome)s")
        % {"kind": assessment.get_kind_display(), "outcome": assessment.get_outcome_display()},
        url=reverse("staff:assessments"),
        key=f"assessment:{assessment.pk}",
        now=now,
    )
    return assessment
