"""Training plans (TR-1..TR-6).

A plan is prepared (environment checklist, materials, exam, teaching plan), started, taught in
sessions with attendance, examined (mastery = score / maximum, pass at the threshold in settings),
signed off by every trainee and then by the customer's person in charge, checked by a supervisor,
and closed with a written summary.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("In preparation")
    IN_PROGRESS = "in_progress", _("Under way")
    CLOSED = "closed", _("Closed")


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip


class TrainingPlan(models.Model):
    customer = models.ForeignKey(
        "tickets.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="training_plans"
    )
    project = models.ForeignKey(
        "training.ImplementationProject",
        verbose_name=_("implementation project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_plans",
    )
    course = models.CharField(_("course"), max_length=200)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="training_plans"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNED, editable=False
    )
    exam_max_score = models.DecimalField(
        _("exam maximum score"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    # TR-2: the instructor's teaching plan, written from this training plan.
    teaching_plan = models.TextField(_("teaching plan"), blank=True)
    # TR-1 materials and exam, TR-2 handouts, TR-6 the signed acceptance form.
    documents = models.ManyToManyField(
        "remote.Attachment", verbose_name=_("documents"), blank=True, related_name="training_plans"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True, editable=False)
    started_by = _user(_("started by"))
    # TR-6: the customer's person in charge signs the acceptance form last.
    person_in_charge = models.ForeignKey(
        "tickets.Contact",
        verbose_name=_("customer's person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer_signed_at = models.DateTimeField(_("signed by the person in charge"), null=True, blank=True, editable=False)
    customer_sign_recorded_by = _user(_("sign-off recorded by"))
    # TR-4: the supervisor's quality check (the survey follows through the callback surveys).
    quality_checked_at = models.DateTimeField(_("quality checked"), null=True, blank=True, editable=False)
    quality_checked_by = _user(_("quality checked by"))
    quality_notes = models.TextField(_("quality check notes"), blank=True)
    # TR-5: the written summary closes the plan.
    summary = models.TextField(_("training summary"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = _user(_("closed by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        indexes = [
            models.Index(fields=["status", "-starts_on"], name="training_plan_status_idx"),
            models.Index(fields=["instructor", "status"], name="training_plan_instructor_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="training_plan_status_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="training_plan_days_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(condition=Q(exam_max_score__gt=0), name="training_plan_exam_max_positive"),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.PLANNED) | Q(started_at__isnull=False),
                name="training_plan_started_has_time",
            ),
            models.CheckConstraint(
                condition=Q(customer_signed_at__isnull=True) | Q(person_in_charge__isnull=False),
                name="training_plan_tr6_signed_by_person_in_charge",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.CLOSED)
                | (
                    Q(closed_at__isnull=False, customer_signed_at__isnull=False, quality_checked_at__isnull=False)
                    & ~Q(summary="")
                ),
                name="training_plan_closed_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.customer}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:plan_detail", args=[self.pk])


class ChecklistItem(models.Model):
    """TR-1: one thing of the training environment to prepare (room, machines, system, accounts)."""

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("training plan"), on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=200)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = _user(_("done by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("environment checklist item")
        verbose_name_plural = _("environment checklist")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="training_checklist_text_not_blank"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False), name="training_checklist_done_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Trainee(models.Model):
    """A customer's contact on a plan, with the exam result (TR-3) and the acceptance signature (TR-6)."""

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("training plan"), on_delete=models.CASCADE, related_name="trainees")
    contact = models.ForeignKey("tickets.Contact", verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("exam score"), max_digits=6, decimal_places=2, null=True, blank=True)
    # Percent, rounded down for display; ``passed`` is decided exactly from score and maximum.
    mastery = models.DecimalField(_("mastery (%)"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    passed = models.BooleanField(_("passed"), null=True, blank=True, editable=False)
    exam_attempts = models.PositiveSmallIntegerField(_("exam attempts"), default=0, editable=False)
    exam_recorded_at = models.DateTimeField(_("exam recorded"), null=True, blank=True, editable=False)
    exam_recorded_by = _user(_("exam recorded by"))
    signed_at = models.DateTimeField(_("signed the acceptance form"), null=True, blank=True, editable=False)
    sign_recorded_by = _user(_("sign-off recorded by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "contact__name", "id"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "contact"],
                name="training_trainee_once_per_plan",
                violation_error_message=_("This person is already on the plan."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True, passed__isnull=True, mastery__isnull=True)
                | Q(score__gte=0, passed__isnull=False, mastery__isnull=False),
                name="training_trainee_result_complete",
            ),
            # TR-3 + TR-6: only a trainee who passed the exam signs the acceptance form.
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(passed=True), name="training_trainee_signs_after_passing"
            ),
        ]

    def __str__(self) -> str:
        return str(self.contact)

    @property
    def needs_retraining(self) -> bool:
        return self.passed is False


class TrainingSession(models.Model):
    """TR-2: one teaching session of the plan, with its attendance."""

    plan = models.ForeignKey(TrainingPlan, verbose_name=_("training plan"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "starts_at", "id"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="training_session_times_ordered",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(condition=~Q(topic=""), name="training_session_topic_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.trainee} @ {self.session}"
