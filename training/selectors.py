"""Reads for training plans and implementation projects; who sees what is decided here."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from staff.roles import Role
from tickets.models import Customer
from tickets.remote.models import AttachmentKind

from .models import Attendance, ImplementationProject, ProjectStatus, Trainee, TrainingPlan, TrainingSession
from .policies import pass_rate

# Instructors are engineers; service managers supervise (TR-4) and see every plan and project.
TRAINING_ROLES = (Role.ENGINEER, Role.SERVICE_MANAGER, Role.ADMIN)
SUPERVISOR_ROLES = (Role.SERVICE_MANAGER, Role.ADMIN)


def plan_visible_queryset(*, user) -> QuerySet[TrainingPlan]:
    """Supervisors see every plan; engineers the plans they teach or created."""
    queryset = TrainingPlan.objects.all()
    if user.has_role(*SUPERVISOR_ROLES):
        return queryset
    if user.has_role(Role.ENGINEER):
        return queryset.filter(Q(instructor=user) | Q(created_by=user))
    return queryset.none()


def _with_cohort_counts(queryset: QuerySet[TrainingPlan]) -> QuerySet[TrainingPlan]:
    return queryset.annotate(
        trainee_count=Count("trainees"),
        examined_count=Count("trainees", filter=Q(trainees__passed__isnull=False)),
        passed_count=Count("trainees", filter=Q(trainees__passed=True)),
        signed_count=Count("trainees", filter=Q(trainees__signed_at__isnull=False)),
    )


def plan_list(*, user, status: str = "") -> QuerySet[TrainingPlan]:
    """Rows of the plan list with their cohort counts, in one query for the page."""
    queryset = plan_visible_queryset(user=user).select_related("customer", "instructor")
    if status:
        queryset = queryset.filter(status=status)
    return _with_cohort_counts(queryset).order_by("-starts_on", "-id")


def plan_detail_queryset(*, user) -> QuerySet[TrainingPlan]:
    return plan_visible_queryset(user=user).select_related(
        "customer", "instructor", "project", "person_in_charge", "quality_checked_by", "closed_by", "started_by"
    )


def plan_checklist(*, plan: TrainingPlan):
    return plan.checklist.select_related("done_by").order_by("id")


def plan_documents(*, plan: TrainingPlan):
    return plan.documents.select_related("uploaded_by").order_by("kind", "uploaded_at", "id")


def plan_trainees(*, plan: TrainingPlan) -> QuerySet[Trainee]:
    return plan.trainees.select_related("contact", "exam_recorded_by").order_by("contact__name", "id")


def plan_sessions(*, plan: TrainingPlan) -> QuerySet[TrainingSession]:
    return plan.sessions.prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("trainee__contact"))
    ).order_by("starts_at", "id")


def plan_readiness(*, plan: TrainingPlan) -> dict:
    """TR-1/TR-2 inputs of ``policies.plan_start_blockers``, counted in the database (two queries)."""
    checklist = plan.checklist.aggregate(total=Count("id"), open=Count("id", filter=Q(done_at__isnull=True)))
    documents = plan.documents.aggregate(
        exams=Count("id", filter=Q(kind=AttachmentKind.EXAM)),
        materials=Count("id", filter=Q(kind=AttachmentKind.TRAINING_MATERIAL)),
    )
    return {
        "checklist_total": checklist["total"],
        "checklist_open": checklist["open"],
        "exams": documents["exams"],
        "materials": documents["materials"],
        "teaching_plan": plan.teaching_plan,
        "trainees": plan.trainees.count(),
    }


def plan_cohort(*, plan: TrainingPlan) -> dict:
    """TR-3: how many trainees were examined, passed, need re-training, signed; the pass rate."""
    counts = plan.trainees.aggregate(
        total=Count("id"),
        examined=Count("id", filter=Q(passed__isnull=False)),
        passed=Count("id", filter=Q(passed=True)),
        signed=Count("id", filter=Q(signed_at__isnull=False)),
    )
    counts["retrain"] = counts["examined"] - counts["passed"]
    counts["pass_rate"] = pass_rate(passed=counts["passed"], examined=counts["examined"])
    return counts


def project_visible_queryset(*, user) -> QuerySet[ImplementationProject]:
    queryset = ImplementationProject.objects.all()
    if user.has_role(*SUPERVISOR_ROLES):
        return queryset
    if user.has_role(Role.ENGINEER):
        return queryset.filter(Q(engineer=user) | Q(created_by=user))
    return queryset.none()


def project_list(*, user, status: str = "") -> QuerySet[ImplementationProject]:
    queryset = project_visible_queryset(user=user).select_related("customer", "engineer", "installation__product")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-started_on", "-id")


def project_detail_queryset(*, user) -> QuerySet[ImplementationProject]:
    return project_visible_queryset(user=user).select_related(
        "customer", "installation__product", "engineer", "completed_by", "implementation_form", "created_by"
    )


def project_plans(*, project: ImplementationProject) -> QuerySet[TrainingPlan]:
    return project.training_plans.select_related("instructor").order_by("starts_on", "id")


def customer_names(*, limit: int = 500):
    """Active customers' full names for the customer picker (a bounded list)."""
    return Customer.objects.filter(is_active=True).order_by("name").values_list("name", flat=True)[:limit]


def projects_form_overdue_ids(*, today: datetime.date, days: int) -> list[int]:
    """ST-12: completed projects whose implementation form was not collected within ``days``
    calendar days of the local completion day, and not reported yet.

    Overdue when completion day + days < today, i.e. completed before local midnight of
    ``today - days`` (the same cut as ``policies.implementation_form_overdue``).
    """
    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=days), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return list(
        ImplementationProject.objects.filter(
            status=ProjectStatus.COMPLETED,
            implementation_form__isnull=True,
            form_overdue_reported_at__isnull=True,
            completed_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
