"""Every write to training plans (TR-1..TR-6) and implementation projects (TR-7, ST-12)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.core.services import notification_send
from staff.services import penalty_propose
from tickets.models import Contact, Customer, Installation
from tickets.remote.models import AttachmentKind
from tickets.remote.services import attachment_store

from .models import (
    Attendance,
    ChecklistItem,
    ImplementationProject,
    PlanStatus,
    ProjectStatus,
    Trainee,
    TrainingPlan,
    TrainingSession,
)
from .policies import (
    DEFAULT_ENVIRONMENT_CHECKLIST,
    customer_sign_blockers,
    exam_passed,
    implementation_form_deadline,
    implementation_form_overdue,
    mastery_percent,
    plan_close_blockers,
    plan_start_blockers,
    project_close_blockers,
    project_complete_blockers,
    score_problem,
)
from .selectors import SUPERVISOR_ROLES, plan_readiness

PLAN_EDITABLE_FIELDS = ("course", "instructor", "starts_on", "ends_on", "place", "exam_max_score")
PLAN_DOCUMENT_KINDS = (
    AttachmentKind.TRAINING_MATERIAL,
    AttachmentKind.EXAM,
    AttachmentKind.HANDOUT,
    AttachmentKind.ACCEPTANCE_FORM,
)


def pass_threshold() -> Decimal:
    """TR-3 mastery threshold in percent (``SERVICEDESK["TRAINING_PASS_MASTERY"]``)."""
    return Decimal(settings.SERVICEDESK["TRAINING_PASS_MASTERY"])


def _blocked(blockers: list) -> None:
    if blockers:
        raise ValidationError([str(b) for b in blockers])


def _lock_plan(plan: TrainingPlan) -> TrainingPlan:
    return TrainingPlan.objects.select_for_update().get(pk=plan.pk)


def _require_status(plan: TrainingPlan, *statuses: str, message: str) -> None:
    if plan.status not in statuses:
        raise ValidationError(message)


def _own_contact(customer: Customer, contact: Contact, *, field: str) -> Contact:
    if contact.customer_id != customer.pk:
        raise ValidationError({field: _("This contact belongs to another customer.")})
    return contact


# --- Plans: preparation (TR-1, TR-2) --------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    customer: Customer,
    course: str,
    instructor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    place: str,
    created_by,
    exam_max_score: Decimal = Decimal("100"),
    project: ImplementationProject | None = None,
    checklist=DEFAULT_ENVIRONMENT_CHECKLIST,
    now: datetime.datetime | None = None,
) -> TrainingPlan:
    """TR-1: a plan for a customer's training, with the environment checklist to prepare."""
    plan = TrainingPlan(
        customer=customer,
        course=course.strip(),
        instructor=instructor,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place.strip(),
        exam_max_score=exam_max_score,
        project=project,
        created_by=created_by,
        created_at=now or timezone.now(),
    )
    plan.full_clean()
    if project is not None and project.customer_id != customer.pk:
        raise ValidationError({"project": _("This project belongs to another customer.")})
    plan.save()
    for text in checklist:
        ChecklistItem.objects.create(plan=plan, text=str(text))
    return plan


@transaction.atomic
def plan_update(*, plan: TrainingPlan, actor, data: dict) -> TrainingPlan:
    """Change the plan's course, instructor, days, place or exam maximum while it is in preparation."""
    unknown = set(data) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    plan = _lock_plan(plan)
    _require_status(plan, PlanStatus.PLANNED, message=_("A plan that has started can no longer be changed."))
    for field, value in data.items():
        setattr(plan, field, value.strip() if isinstance(value, str) else value)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def checklist_item_add(*, plan: TrainingPlan, text: str, actor) -> ChecklistItem:
    _require_status(plan, PlanStatus.PLANNED, message=_("The checklist is prepared before the training starts."))
    item = ChecklistItem(plan=plan, text=text.strip())
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def checklist_item_set_done(
    *, item: ChecklistItem, actor, done: bool = True, now: datetime.datetime | None = None
) -> ChecklistItem:
    """TR-1: tick (or untick) an environment item while the plan is in preparation."""
    _require_status(item.plan, PlanStatus.PLANNED, message=_("The checklist is prepared before the training starts."))
    item.done_at = (now or timezone.now()) if done else None
    item.done_by = actor if done else None
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_document_add(
    *, plan: TrainingPlan, upload, kind: str, actor, now: datetime.datetime | None = None
):
    """TR-1 materials and exam, TR-2 handouts, TR-6 acceptance form: archived with a checksum (RM-7)."""
    if kind not in PLAN_DOCUMENT_KINDS:
        raise ValidationError({"kind": _("Pick the kind of document.")})
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("The plan is closed."))
    attachment = attachment_store(upload=upload, kind=kind, uploaded_by=actor, customer=plan.customer, now=now)
    plan.documents.add(attachment)
    return attachment


@transaction.atomic
def teaching_plan_save(*, plan: TrainingPlan, text: str, actor) -> TrainingPlan:
    """TR-2: the instructor's teaching plan, written from the training plan."""
    plan = _lock_plan(plan)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError(_("The plan is closed."))
    plan.teaching_plan = text.strip()
    plan.full_clean()
    plan.save(update_fields=["teaching_plan"])
    return plan


@transaction.atomic
def trainee_add(*, plan: TrainingPlan, contact: Contact, actor) -> Trainee:
    """Put one of the customer's contacts on the plan."""
    if plan.status == PlanStatus.CLOSED or plan.customer_signed_at is not None:
        raise ValidationError(_("The acceptance form is signed; no more trainees can be added."))
    _own_contact(plan.customer, contact, field="contact")
    trainee = Trainee(plan=plan, contact=contact)
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def plan_start(*, plan: TrainingPlan, actor, now: datetime.datetime | None = None) -> TrainingPlan:
    """TR-1/TR-2: the training starts only when the environment, materials, exam, teaching plan
    and trainee list are ready."""
    plan = _lock_plan(plan)
    _require_status(plan, PlanStatus.PLANNED, message=_("The training has already started."))
    _blocked(plan_start_blockers(**plan_readiness(plan=plan)))
    plan.status = PlanStatus.IN_PROGRESS
    plan.started_at = now or timezone.now()
    plan.started_by = actor
    plan.full_clean()
    plan.save()
    return plan


# --- Plans: teaching and exam (TR-2, TR-3) --------------------------------------------------------


@transaction.atomic
def session_record(
    *,
    plan: TrainingPlan,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    topic: str,
    actor,
    present: set[int] | None = None,
    notes: str = "",
) -> TrainingSession:
    """TR-2: one session taught, with attendance for every trainee (``present`` = trainee ids)."""
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("Sessions are recorded once the training has started."))
    session = TrainingSession(
        plan=plan, starts_at=starts_at, ends_at=ends_at, topic=topic.strip(), notes=notes.strip(), recorded_by=actor
    )
    session.full_clean()
    session.save()
    present = set(present or ())
    Attendance.objects.bulk_create(
        [Attendance(session=session, trainee=trainee, present=trainee.pk in present) for trainee in plan.trainees.all()]
    )
    return session


@transaction.atomic
def exam_record(
    *, trainee: Trainee, score: Decimal, actor, now: datetime.datetime | None = None
) -> Trainee:
    """TR-3: record an exam score; mastery = score / maximum, passed at the threshold in settings.
    A trainee who failed takes the exam again after re-training (the attempts are counted)."""
    trainee = Trainee.objects.select_for_update().select_related("plan").get(pk=trainee.pk)
    plan = trainee.plan
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("Exam results are recorded once the training has started."))
    if trainee.signed_at is not None:
        raise ValidationError(_("%(name)s has signed the acceptance form; the result is final.") % {"name": trainee})
    score = Decimal(score)
    problem = score_problem(score=score, max_score=plan.exam_max_score)
    if problem:
        raise ValidationError({"score": str(problem)})
    trainee.score = score
    trainee.mastery = mastery_percent(score=score, max_score=plan.exam_max_score)
    trainee.passed = exam_passed(score=score, max_score=plan.exam_max_score, threshold=pass_threshold())
    trainee.exam_attempts += 1  # the row is locked above
    trainee.exam_recorded_at = now or timezone.now()
    trainee.exam_recorded_by = actor
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def exam_record_many(
    *, plan: TrainingPlan, scores: dict[int, Decimal], actor, now: datetime.datetime | None = None
) -> list[Trainee]:
    """Record the scores typed for several trainees at once (trainee id -> score); all or nothing."""
    trainees = {t.pk: t for t in plan.trainees.filter(pk__in=list(scores))}
    if set(scores) - set(trainees):
        raise ValidationError(_("A trainee is not on this plan."))
    return [exam_record(trainee=trainees[pk], score=score, actor=actor, now=now) for pk, score in scores.items()]


# --- Plans: sign-off, quality, summary (TR-4..TR-6) -------------------------------------------------


@transaction.atomic
def trainee_sign(*, trainee: Trainee, actor, now: datetime.datetime | None = None) -> Trainee:
    """TR-6: the trainee signed the acceptance form (recorded by staff; customers have no login).
    Only a trainee who passed the exam signs (TR-3); the person in charge signs after everyone."""
    trainee = Trainee.objects.select_for_update().select_related("plan", "contact").get(pk=trainee.pk)
    plan = trainee.plan
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("Sign-off is recorded while the training is under way."))
    if plan.customer_signed_at is not None:
        raise ValidationError(_("The person in charge has already signed last; no more trainee signatures."))  # TR-6
    if trainee.signed_at is not None:
        return trainee
    if trainee.passed is not True:
        raise ValidationError(
            _("%(name)s has not passed the exam yet and needs re-training before signing.")  # TR-3
            % {"name": trainee.contact.name}
        )
    trainee.signed_at = now or timezone.now()
    trainee.sign_recorded_by = actor
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def plan_customer_sign(
    *, plan: TrainingPlan, person_in_charge: Contact, actor, now: datetime.datetime | None = None
) -> TrainingPlan:
    """TR-6: the customer's person in charge signs the acceptance form last."""
    plan = _lock_plan(plan)
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("Sign-off is recorded while the training is under way."))
    if plan.customer_signed_at is not None:
        raise ValidationError(_("The person in charge has already signed."))
    _own_contact(plan.customer, person_in_charge, field="person_in_charge")
    counts = plan.trainees.aggregate(total=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)))
    _blocked(customer_sign_blockers(trainees=counts["total"], trainees_signed=counts["signed"]))
    plan.person_in_charge = person_in_charge
    plan.customer_signed_at = now or timezone.now()
    plan.customer_sign_recorded_by = actor
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_quality_check(
    *, plan: TrainingPlan, actor, notes: str, now: datetime.datetime | None = None
) -> TrainingPlan:
    """TR-4: a supervisor checks the training quality (the survey follows through callbacks)."""
    if not actor.has_role(*SUPERVISOR_ROLES):
        raise PermissionDenied(_("A supervisor (service manager) checks the training quality."))  # TR-4
    plan = _lock_plan(plan)
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("The quality is checked while the training is under way."))
    notes = notes.strip()
    if not notes:
        raise ValidationError({"quality_notes": _("Write down what the quality check found.")})
    plan.quality_notes = notes
    plan.quality_checked_at = now or timezone.now()
    plan.quality_checked_by = actor
    plan.full_clean()
    plan.save()
    from tickets.care.services import callback_for_training_plan  # TR-4: the training quality survey

    callback_for_training_plan(plan=plan, now=plan.quality_checked_at)
    return plan


@transaction.atomic
def plan_close(*, plan: TrainingPlan, actor, summary: str, now: datetime.datetime | None = None) -> TrainingPlan:
    """TR-5: the written summary closes the plan, after the sign-off (TR-6) and quality check (TR-4)."""
    plan = _lock_plan(plan)
    _require_status(plan, PlanStatus.IN_PROGRESS, message=_("Only a plan under way can be closed."))
    summary = summary.strip()
    _blocked(
        plan_close_blockers(
            customer_signed=plan.customer_signed_at is not None,
            quality_checked=plan.quality_checked_at is not None,
            summary=summary,
        )
    )
    plan.summary = summary
    plan.status = PlanStatus.CLOSED
    plan.closed_at = now or timezone.now()
    plan.closed_by = actor
    plan.full_clean()
    plan.save()
    return plan


# --- Implementation projects (TR-7, ST-12) -----------------------------------------------------------

GO_LIVE_FIELDS = ("data_import_plan", "familiarisation_plan", "go_live_on", "payment_amount", "payment_due_on", "notes")


def _lock_project(project: ImplementationProject) -> ImplementationProject:
    return ImplementationProject.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def project_create(
    *,
    customer: Customer,
    title: str,
    engineer,
    started_on: datetime.date,
    created_by,
    installation: Installation | None = None,
    payment_amount: Decimal | None = None,
    payment_due_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ImplementationProject:
    project = ImplementationProject(
        customer=customer,
        installation=installation,
        title=title.strip(),
        engineer=engineer,
        started_on=started_on,
        payment_amount=payment_amount,
        payment_due_on=payment_due_on,
        created_by=created_by,
        created_at=now or timezone.now(),
    )
    project.full_clean()
    if installation is not None and installation.customer_id != customer.pk:
        raise ValidationError({"installation": _("This installation belongs to another customer.")})
    project.save()
    return project


@transaction.atomic
def project_plan_save(*, project: ImplementationProject, actor, data: dict) -> ImplementationProject:
    """TR-7: the go-live plan (data import, familiarisation, go-live date) and the payment milestone."""
    unknown = set(data) - set(GO_LIVE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    project = _lock_project(project)
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("The project is closed."))
    for field, value in data.items():
        setattr(project, field, value.strip() if isinstance(value, str) else value)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_complete(
    *, project: ImplementationProject, actor, now: datetime.datetime | None = None
) -> ImplementationProject:
    """TR-7: implementation done; the 3-day clock for the implementation form starts (ST-12)."""
    project = _lock_project(project)
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ValidationError(_("The implementation is already completed."))
    _blocked(
        project_complete_blockers(
            data_import_plan=project.data_import_plan,
            familiarisation_plan=project.familiarisation_plan,
            go_live_on=project.go_live_on,
        )
    )
    project.status = ProjectStatus.COMPLETED
    project.completed_at = now or timezone.now()
    project.completed_by = actor
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_form_collect(
    *, project: ImplementationProject, upload, actor, now: datetime.datetime | None = None
) -> ImplementationProject:
    """TR-7: the customer's signed and stamped implementation form, archived as a scan (RM-7)."""
    now = now or timezone.now()
    project = _lock_project(project)
    if project.status != ProjectStatus.COMPLETED:
        raise ValidationError(_("The implementation form is collected after the implementation is completed."))
    if project.implementation_form_id is not None:
        raise ValidationError(_("The implementation form has already been collected."))
    project.implementation_form = attachment_store(
        upload=upload, kind=AttachmentKind.IMPLEMENTATION_FORM, uploaded_by=actor, customer=project.customer, now=now
    )
    project.form_collected_at = now
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_payment_receive(
    *, project: ImplementationProject, received_on: datetime.date, actor
) -> ImplementationProject:
    """TR-7: the payment milestone collected per the contract."""
    project = _lock_project(project)
    if project.payment_amount is None:
        raise ValidationError(_("Set the payment due first."))
    project.payment_received_on = received_on
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_close(
    *, project: ImplementationProject, actor, now: datetime.datetime | None = None
) -> ImplementationProject:
    project = _lock_project(project)
    if project.status != ProjectStatus.COMPLETED:
        raise ValidationError(_("Only a completed implementation can be closed."))
    _blocked(
        project_close_blockers(
            has_form=project.implementation_form_id is not None,
            payment_amount=project.payment_amount,
            payment_received_on=project.payment_received_on,
        )
    )
    project.status = ProjectStatus.CLOSED
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def implementation_form_overdue_report(*, project_id: int, now: datetime.datetime | None = None) -> bool:
    """ST-12: the implementation form was not collected within the days allowed after completion:
    propose the penalty for the project's engineer and tell them and their manager, once.
    Safe to run twice or late: returns False when there is nothing (more) to report."""
    now = now or timezone.now()
    days = settings.SERVICEDESK["IMPLEMENTATION_FORM_DAYS"]
    project = ImplementationProject.objects.select_related("engineer__manager", "customer").filter(pk=project_id).first()
    if (
        project is None
        or project.status != ProjectStatus.COMPLETED
        or project.implementation_form_id is not None
        or not implementation_form_overdue(
            completed_on=timezone.localdate(project.completed_at), today=timezone.localdate(now), days=days
        )
    ):
        return False
    claimed = ImplementationProject.objects.filter(pk=project.pk, form_overdue_reported_at__isnull=True).update(
        form_overdue_reported_at=now
    )
    if not claimed:
        return False
    deadline = implementation_form_deadline(completed_on=timezone.localdate(project.completed_at), days=days)
    penalty_propose(
        rule_code="st12-implementation-form",
        employee=project.engineer,
        source=project,
        occurred_at=now,
        details=_("%(project)s: completed on %(completed)s, form due by %(deadline)s, not collected.")
        % {
            "project": project,
            "completed": timezone.localdate(project.completed_at).isoformat(),
            "deadline": deadline.isoformat(),
        },
    )
    notification_send(
        recipients=[project.engineer, project.engineer.manager],
        title=_("Implementation form overdue: %(title)s") % {"title": project.title},
        body=_("The signed implementation form of %(customer)s was due by %(deadline)s.")  # ST-12
        % {"customer": project.customer, "deadline": deadline.isoformat()},
        url=project.get_absolute_url(),
        kind="implementation_form_overdue",
        key=f"implementation-form-overdue:{project.pk}",
        now=now,
    )
    return True
