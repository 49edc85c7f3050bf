"""Assessments (ST-14): probation, confirmation, skill and periodic reviews with score and outcome."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Assessment(models.Model):
    class Kind(models.TextChoices):
        PROBATION = "probation", _("Probation review")
        CONFIRMATION = "confirmation", _("Confirmation (转正)")
        SKILL = "skill", _("Skill assessment")
        PERIODIC = "periodic", _("Periodic assessment")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        PROBATION_EXTENDED = "extended", _("Probation extended")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, help_text=_("0 to 100."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    skill = models.ForeignKey(
        "staff.Skill",
        verbose_name=_("skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    skill_level = models.PositiveSmallIntegerField(
        _("proficiency reached"), null=True, blank=True, choices=[(1, _("Basic")), (2, _("Good")), (3, _("Expert"))]
    )
    salary_before = models.DecimalField(_("base salary before"), max_digits=10, decimal_places=2)
    salary_after = models.DecimalField(_("base salary after"), max_digits=10, decimal_places=2)
    probation_ends_on = models.DateField(_("new probation end"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["probation", "confirmation", "skill", "periodic"]),
                name="staff_assessment_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["passed", "failed", "extended"]), name="staff_assessment_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="staff_assessment_score_range",
                violation_error_message=_("The score must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(salary_before__gte=0, salary_after__gte=0), name="staff_assessment_salary_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="extended")
                | Q(kind__in=["probation", "confirmation"], probation_ends_on__isnull=False),
                name="staff_assessment_extension_has_date",
                violation_error_message=_(
                    "Only a probation review can extend probation, and it needs the new end date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="skill") | Q(skill__isnull=False, skill_level__isnull=False),
                name="staff_assessment_skill_named",
                violation_error_message=_("A skill assessment names the skill and the proficiency reached."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.employee} {self.assessed_on}"
