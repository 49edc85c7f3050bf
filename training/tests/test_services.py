"""Training writes: preparation and start (TR-1, TR-2), exam (TR-3), sign-off order (TR-6), quality
(TR-4), summary (TR-5); implementation projects (TR-7) and the ST-12 check."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from servicedesk.core.models import Notification
from staff.models import PenaltyProposal
from staff.roles import Role
from tickets.remote.models import AttachmentKind
from tickets.remote.tests.factories import upload
from tickets.tests.factories import ContactFactory, CustomerFactory
from training import selectors, services
from training.models import PlanStatus, ProjectStatus, Trainee, TrainingPlan
from training.tasks import implementation_forms_overdue_check

from .factories import NOW, plan, ready_plan, started_plan

pytestmark = pytest.mark.django_db
D = Decimal
UTC = datetime.UTC


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SERVICE_MANAGER, username="manager")


def trainees_of(prepared):
    return {t.contact.name: t for t in prepared.trainees.select_related("contact")}


# --- TR-1, TR-2 preparation -------------------------------------------------------------------------


def test_tr1_new_plan_gets_the_environment_checklist():
    created = plan()
    assert created.status == PlanStatus.PLANNED
    assert created.checklist.count() == 4 and not created.checklist.filter(done_at__isnull=False).exists()


def test_tr1_plan_cannot_start_until_checklist_and_exam_are_ready():
    prepared = plan()
    actor = prepared.instructor
    services.trainee_add(plan=prepared, contact=ContactFactory(customer=prepared.customer), actor=actor)
    services.teaching_plan_save(plan=prepared, text="Day 1", actor=actor)
    services.plan_document_add(plan=prepared, upload=upload(), kind=AttachmentKind.TRAINING_MATERIAL, actor=actor)
    with pytest.raises(ValidationError) as caught:
        services.plan_start(plan=prepared, actor=actor, now=NOW)
    assert any("checklist" in m for m in caught.value.messages) and any("exam" in m for m in caught.value.messages)
    for item in prepared.checklist.all():
        services.checklist_item_set_done(item=item, actor=actor, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.plan_start(plan=prepared, actor=actor, now=NOW)
    assert caught.value.messages == ["Attach the exam."]
    services.plan_document_add(plan=prepared, upload=upload("exam.pdf"), kind=AttachmentKind.EXAM, actor=actor)
    started = services.plan_start(plan=prepared, actor=actor, now=NOW)
    assert (started.status, started.started_at, started.started_by) == (PlanStatus.IN_PROGRESS, NOW, actor)


def test_tr2_plan_cannot_start_without_the_teaching_plan():
    prepared = ready_plan()
    TrainingPlan.objects.filter(pk=prepared.pk).update(teaching_plan="")
    with pytest.raises(ValidationError) as caught:
        services.plan_start(plan=prepared, actor=prepared.instructor)
    assert caught.value.messages == ["The instructor writes the teaching plan."]


def test_tr1_materials_and_exam_are_archived_for_the_customer():
    prepared = ready_plan()
    kinds = set(prepared.documents.values_list("kind", flat=True))
    assert kinds == {AttachmentKind.TRAINING_MATERIAL, AttachmentKind.EXAM}
    assert set(prepared.documents.values_list("customer", flat=True)) == {prepared.customer_id}


def test_tr1_trainees_are_the_customers_contacts_once_each():
    prepared = plan()
    contact = ContactFactory(customer=prepared.customer)
    services.trainee_add(plan=prepared, contact=contact, actor=prepared.instructor)
    with pytest.raises(ValidationError):
        services.trainee_add(plan=prepared, contact=contact, actor=prepared.instructor)
    with pytest.raises(ValidationError):
        services.trainee_add(plan=prepared, contact=ContactFactory(), actor=prepared.instructor)


def test_tr2_session_records_attendance_for_every_trainee():
    started = started_plan()
    people = trainees_of(started)
    session = services.session_record(
        plan=started, starts_at=NOW, ends_at=NOW + datetime.timedelta(hours=3), topic="开票 Invoicing",
        actor=started.instructor, present={people["张三"].pk, people["李四"].pk},
    )  # fmt: skip
    attendance = {a.trainee.contact.name: a.present for a in session.attendance.select_related("trainee__contact")}
    assert attendance == {"张三": True, "李四": True, "王五": False}


def test_tr2_sessions_only_once_started():
    with pytest.raises(ValidationError):
        services.session_record(
            plan=ready_plan(), starts_at=NOW, ends_at=NOW + datetime.timedelta(hours=1), topic="x", actor=None
        )


# --- TR-3 exam ----------------------------------------------------------------------------------------------


def test_tr3_849_fails_and_850_passes(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "TRAINING_PASS_MASTERY": D("85")}
    started = started_plan()
    people = trainees_of(started)
    failed = services.exam_record(trainee=people["张三"], score=D("84.9"), actor=started.instructor, now=NOW)
    passed = services.exam_record(trainee=people["李四"], score=D("85.0"), actor=started.instructor, now=NOW)
    assert (failed.passed, failed.mastery, failed.needs_retraining) == (False, D("84.90"), True)
    assert (passed.passed, passed.mastery, passed.needs_retraining) == (True, D("85.00"), False)
    assert isinstance(Trainee.objects.get(pk=failed.pk).score, Decimal)


def test_tr3_threshold_is_a_setting(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "TRAINING_PASS_MASTERY": D("90")}
    started = started_plan()
    result = services.exam_record(trainee=trainees_of(started)["张三"], score=D("89"), actor=started.instructor)
    assert result.passed is False


def test_tr3_mastery_uses_the_plans_maximum():
    started = started_plan(exam_max_score=D("20"))
    result = services.exam_record(trainee=trainees_of(started)["张三"], score=D("17"), actor=started.instructor)
    assert (result.mastery, result.passed) == (D("85.00"), True)
    with pytest.raises(ValidationError) as caught:
        services.exam_record(trainee=result, score=D("21"), actor=started.instructor)
    assert "20" in caught.value.message_dict["score"][0]


def test_tr3_cohort_pass_rate_and_who_needs_retraining():
    started = started_plan()
    people = trainees_of(started)
    services.exam_record_many(
        plan=started, scores={people["张三"].pk: D("92"), people["李四"].pk: D("60"), people["王五"].pk: D("85")},
        actor=started.instructor,
    )  # fmt: skip
    cohort = selectors.plan_cohort(plan=started)
    assert (cohort["examined"], cohort["passed"], cohort["retrain"], cohort["pass_rate"]) == (3, 2, 1, D("66.6"))
    # After re-training the trainee takes the exam again.
    again = services.exam_record(trainee=people["李四"], score=D("88"), actor=started.instructor)
    assert (again.passed, again.exam_attempts) == (True, 2)
    assert selectors.plan_cohort(plan=started)["pass_rate"] == D("100.0")


def test_tr3_exam_only_while_the_training_is_under_way():
    prepared = ready_plan()
    with pytest.raises(ValidationError):
        services.exam_record(trainee=prepared.trainees.first(), score=D("90"), actor=prepared.instructor)


# --- TR-6 sign-off order, TR-4 quality, TR-5 summary ---------------------------------------------------------


def _examined(scores):
    started = started_plan(trainees=tuple(scores))
    people = trainees_of(started)
    services.exam_record_many(
        plan=started, scores={people[name].pk: D(score) for name, score in scores.items()}, actor=started.instructor
    )
    return started, trainees_of(started)


def test_tr6_trainee_who_failed_the_exam_cannot_sign():
    started, people = _examined({"张三": "84.9"})
    with pytest.raises(ValidationError) as caught:
        services.trainee_sign(trainee=people["张三"], actor=started.instructor)
    assert "re-training" in caught.value.messages[0]


def test_tr6_person_in_charge_signs_last():
    started, people = _examined({"张三": "90", "李四": "95"})
    boss = ContactFactory(customer=started.customer, name="刘总")
    services.trainee_sign(trainee=people["张三"], actor=started.instructor, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.plan_customer_sign(plan=started, person_in_charge=boss, actor=started.instructor)
    assert "1 trainee(s)" in caught.value.messages[0]
    services.trainee_sign(trainee=people["李四"], actor=started.instructor, now=NOW)
    signed = services.plan_customer_sign(plan=started, person_in_charge=boss, actor=started.instructor, now=NOW)
    assert (signed.person_in_charge, signed.customer_signed_at) == (boss, NOW)
    # Nothing changes the cohort after the person in charge has signed.
    with pytest.raises(ValidationError):
        services.trainee_add(plan=signed, contact=ContactFactory(customer=started.customer), actor=started.instructor)
    with pytest.raises(ValidationError):
        services.exam_record(trainee=people["张三"], score=D("50"), actor=started.instructor)


def test_tr6_database_refuses_a_signature_without_a_pass():
    started, people = _examined({"张三": "70"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Trainee.objects.filter(pk=people["张三"].pk).update(signed_at=NOW)


def test_tr4_only_a_supervisor_checks_the_training_quality(supervisor):
    started = started_plan()
    with pytest.raises(PermissionDenied):
        services.plan_quality_check(plan=started, actor=started.instructor, notes="Good")
    checked = services.plan_quality_check(plan=started, actor=supervisor, notes="讲解清楚 / clear teaching", now=NOW)
    assert (checked.quality_checked_by, checked.quality_checked_at) == (supervisor, NOW)


def test_tr5_summary_closes_the_plan_after_sign_off_and_quality_check(supervisor):
    started, people = _examined({"张三": "90"})
    with pytest.raises(ValidationError) as caught:
        services.plan_close(plan=started, actor=started.instructor, summary="Done")
    assert caught.value.messages == [
        "The customer's person in charge has not signed the acceptance form.",  # TR-6
        "The supervisor has not checked the training quality.",  # TR-4
    ]
    services.trainee_sign(trainee=people["张三"], actor=started.instructor)
    services.plan_customer_sign(
        plan=started, person_in_charge=ContactFactory(customer=started.customer), actor=started.instructor
    )
    services.plan_quality_check(plan=started, actor=supervisor, notes="Good")
    with pytest.raises(ValidationError) as caught:
        services.plan_close(plan=started, actor=started.instructor, summary=" ")
    assert caught.value.messages == ["Write the training summary."]
    closed = services.plan_close(plan=started, actor=started.instructor, summary="All passed; 1 retake.", now=NOW)
    assert (closed.status, closed.closed_at, closed.summary) == (PlanStatus.CLOSED, NOW, "All passed; 1 retake.")


def test_tr5_database_refuses_a_closed_plan_without_summary():
    started = started_plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingPlan.objects.filter(pk=started.pk).update(status=PlanStatus.CLOSED, closed_at=NOW)


# --- TR-7 implementation projects, ST-12 ---------------------------------------------------------------------


def project(engineer, **kwargs):
    return services.project_create(
        customer=kwargs.pop("customer", None) or CustomerFactory(), title="ERP Suite 9 上线", engineer=engineer,
        started_on=datetime.date(2026, 3, 2), created_by=engineer, **kwargs,
    )  # fmt: skip


def completed(engineer, *, at, **kwargs):
    created = project(engineer, **kwargs)
    services.project_plan_save(
        project=created, actor=engineer,
        data={"data_import_plan": "导入 2025 年期初数据", "familiarisation_plan": "两周试运行", "go_live_on": datetime.date(2026, 4, 1)},
    )  # fmt: skip
    return services.project_complete(project=created, actor=engineer, now=at)


def test_tr7_completion_needs_the_go_live_plan(engineer):
    created = project(engineer)
    with pytest.raises(ValidationError) as caught:
        services.project_complete(project=created, actor=engineer)
    assert len(caught.value.messages) == 3


def test_tr7_closing_needs_the_signed_form_and_the_payment(engineer):
    done = completed(engineer, at=NOW, payment_amount=D("12000.00"), payment_due_on=datetime.date(2026, 4, 30))
    with pytest.raises(ValidationError):
        services.project_close(project=done, actor=engineer)
    collected = services.project_form_collect(project=done, upload=upload("实施单.pdf"), actor=engineer, now=NOW)
    assert collected.implementation_form.kind == AttachmentKind.IMPLEMENTATION_FORM
    with pytest.raises(ValidationError) as caught:
        services.project_close(project=done, actor=engineer)
    assert caught.value.messages == ["The payment milestone has not been received."]
    services.project_payment_receive(project=done, received_on=datetime.date(2026, 4, 20), actor=engineer)
    assert services.project_close(project=done, actor=engineer).status == ProjectStatus.CLOSED


def test_st12_form_not_collected_within_three_days_proposes_the_penalty_once(engineer, supervisor):
    engineer.manager = supervisor
    engineer.save()
    completed_at = datetime.datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 14:00 on Tuesday 10 March, Shanghai
    done = completed(engineer, at=completed_at)
    with time_machine.travel(datetime.datetime(2026, 3, 13, 15, 59, tzinfo=UTC), tick=False):  # 23:59 on the 13th
        assert implementation_forms_overdue_check.delay().get() == 0
    with time_machine.travel(datetime.datetime(2026, 3, 14, 1, 15, tzinfo=UTC), tick=False):  # 09:15 on the 14th
        assert implementation_forms_overdue_check.delay().get() == 1
        assert implementation_forms_overdue_check.delay().get() == 0
    proposal = PenaltyProposal.objects.get()
    assert (proposal.rule.code, proposal.employee, proposal.source) == ("st12-implementation-form", engineer, done)
    assert "2026-03-13" in proposal.details
    notified = set(Notification.objects.filter(kind="implementation_form_overdue").values_list("recipient", flat=True))
    assert notified == {engineer.pk, supervisor.pk}
    done.refresh_from_db()
    assert done.form_overdue_reported_at is not None


def test_st12_form_collected_in_time_proposes_nothing(engineer):
    done = completed(engineer, at=datetime.datetime(2026, 3, 10, 6, 0, tzinfo=UTC))
    services.project_form_collect(
        project=done, upload=upload("form.jpg"), actor=engineer, now=datetime.datetime(2026, 3, 13, 8, 0, tzinfo=UTC)
    )
    with time_machine.travel(datetime.datetime(2026, 3, 20, 1, 15, tzinfo=UTC), tick=False):
        assert implementation_forms_overdue_check.delay().get() == 0
    assert not PenaltyProposal.objects.exists()


def test_st12_report_for_one_project_is_safe_to_repeat(engineer):
    done = completed(engineer, at=datetime.datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    later = datetime.datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    assert services.implementation_form_overdue_report(project_id=done.pk, now=later) is True
    assert services.implementation_form_overdue_report(project_id=done.pk, now=later) is False
    assert PenaltyProposal.objects.count() == 1
