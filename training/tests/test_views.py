"""Training pages: roles (instructors, supervisors), forms that keep what was typed, bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from staff.roles import Role
from tickets.tests.factories import ContactFactory, CustomerFactory
from training import services
from training.models import ImplementationProject, PlanStatus, Trainee, TrainingPlan

from .factories import NOW, plan, started_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_client(client, make_user):
    client.force_login(make_user(Role.SERVICE_MANAGER))
    return client


@pytest.mark.parametrize("role", [Role.AGENT, Role.HR, Role.CALLBACK_SPECIALIST, Role.DUTY_MANAGER])
def test_tr1_roles_outside_training_get_403(client, make_user, role):
    prepared = plan()
    client.force_login(make_user(role))
    for url in (
        reverse("training:plan_list"),
        reverse("training:plan_create"),
        prepared.get_absolute_url(),
        reverse("training:project_list"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("training:plan_start", args=[prepared.pk])).status_code == 403


def test_tr1_engineers_see_only_the_plans_they_teach(client, engineer):
    mine = plan(instructor=engineer)
    other = plan()
    client.force_login(engineer)
    response = client.get(reverse("training:plan_list"))
    assert [p.pk for p in response.context["page"].object_list] == [mine.pk]
    assert client.get(other.get_absolute_url()).status_code == 404


def test_tr4_instructor_cannot_record_the_quality_check(client):
    started = started_plan()
    client.force_login(started.instructor)
    response = client.post(reverse("training:quality_check", args=[started.pk]), {"quality_notes": "Fine"})
    assert response.status_code == 403
    started.refresh_from_db()
    assert started.quality_checked_at is None


@pytest.mark.parametrize("rows", [2, 30])
def test_tr1_plan_list_query_count_does_not_grow(supervisor_client, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    customer = CustomerFactory()
    for _ in range(rows):
        plan(customer=customer)
    # session, user, roles, unread badge, count, page rows with cohort counts
    with django_assert_num_queries(6):
        response = supervisor_client.get(reverse("training:plan_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [2, 30])
def test_tr7_project_list_query_count_does_not_grow(supervisor_client, engineer, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    for number in range(rows):
        services.project_create(
            customer=CustomerFactory(), title=f"上线 {number}", engineer=engineer, started_on=datetime.date(2026, 3, 2),
            created_by=engineer,
        )  # fmt: skip
    with django_assert_num_queries(6):
        response = supervisor_client.get(reverse("training:project_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_tr1_plan_created_from_the_form(client, engineer):
    customer = CustomerFactory(name="成都熊猫食品有限公司")
    client.force_login(engineer)
    response = client.post(
        reverse("training:plan_create"),
        {"customer": customer.name, "course": "开票系统培训", "instructor": engineer.pk, "starts_on": "2026-03-16",
         "ends_on": "2026-03-17", "place": "客户培训室", "exam_max_score": "100"},
    )  # fmt: skip
    created = TrainingPlan.objects.get()
    assert response.url == created.get_absolute_url()
    assert (created.customer, created.instructor, created.checklist.count()) == (customer, engineer, 4)


def test_tr1_plan_form_with_days_reversed_keeps_what_was_typed(client, engineer):
    customer = CustomerFactory()
    client.force_login(engineer)
    response = client.post(
        reverse("training:plan_create"),
        {"customer": customer.name, "course": "ERP 月结培训", "instructor": engineer.pk, "starts_on": "2026-03-17",
         "ends_on": "2026-03-16", "place": "3F", "exam_max_score": "100"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "The last day cannot be before the first day." in html
    assert 'value="ERP 月结培训"' in html
    assert not TrainingPlan.objects.exists()


def test_tr1_start_button_refuses_an_unprepared_plan_with_the_reasons(client):
    prepared = plan()
    client.force_login(prepared.instructor)
    response = client.post(reverse("training:plan_start", args=[prepared.pk]), follow=True)
    assert "Attach the exam." in response.content.decode()
    prepared.refresh_from_db()
    assert prepared.status == PlanStatus.PLANNED


def test_tr3_exam_form_records_scores_and_shows_who_needs_retraining(client):
    started = started_plan()
    people = {t.contact.name: t for t in started.trainees.select_related("contact")}
    client.force_login(started.instructor)
    response = client.post(
        reverse("training:exam_record", args=[started.pk]),
        {f"score_{people['张三'].pk}": "84.9", f"score_{people['李四'].pk}": "85"},
    )
    assert response.status_code == 302
    results = dict(Trainee.objects.filter(plan=started).values_list("contact__name", "passed"))
    assert results == {"张三": False, "李四": True, "王五": None}
    html = client.get(started.get_absolute_url()).content.decode()
    assert "Pass rate 50.0 % (1 of 2 examined)" in html and "1 needs re-training" in html


def test_tr3_exam_form_with_a_score_above_the_maximum_keeps_the_typed_scores(client):
    started = started_plan()
    people = {t.contact.name: t for t in started.trainees.select_related("contact")}
    client.force_login(started.instructor)
    response = client.post(
        reverse("training:exam_record", args=[started.pk]),
        {f"score_{people['张三'].pk}": "120", f"score_{people['李四'].pk}": "91.5"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "less than or equal to 100" in html and 'value="91.5"' in html
    assert not Trainee.objects.filter(plan=started, score__isnull=False).exists()


def test_tr6_sign_off_through_the_pages_in_order(client):
    started = started_plan(trainees=("张三",))
    trainee = started.trainees.get()
    boss = ContactFactory(customer=started.customer, name="刘总")
    services.exam_record(trainee=trainee, score=Decimal("90"), actor=started.instructor, now=NOW)
    client.force_login(started.instructor)
    response = client.post(reverse("training:customer_sign", args=[started.pk]), {"person_in_charge": boss.pk})
    assert "the person in charge signs last" in response.content.decode()
    client.post(reverse("training:trainee_sign", args=[started.pk, trainee.pk]))
    client.post(reverse("training:customer_sign", args=[started.pk]), {"person_in_charge": boss.pk})
    started.refresh_from_db()
    trainee.refresh_from_db()
    assert trainee.signed_at is not None and started.person_in_charge == boss
    assert started.customer_signed_at >= trainee.signed_at


def test_tr7_project_created_and_completed_through_the_pages(client, engineer):
    customer = CustomerFactory()
    client.force_login(engineer)
    client.post(
        reverse("training:project_create"),
        {"customer": customer.name, "title": "ERP 上线", "engineer": engineer.pk, "started_on": "2026-03-02",
         "payment_amount": "8000.00"},
    )  # fmt: skip
    project = ImplementationProject.objects.get()
    response = client.post(reverse("training:project_complete", args=[project.pk]), follow=True)
    assert "Set the go-live date." in response.content.decode()
    client.post(
        reverse("training:project_plan", args=[project.pk]),
        {"data_import_plan": "期初数据", "familiarisation_plan": "试运行两周", "go_live_on": "2026-04-01",
         "payment_amount": "8000.00"},
    )  # fmt: skip
    client.post(reverse("training:project_complete", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == "completed" and project.payment_amount == Decimal("8000.00")


@pytest.mark.parametrize("trainees", [("张三",), ("张三", "李四", "王五", "赵六", "孙七", "周八")])
def test_tr3_plan_page_query_count_does_not_grow_with_the_cohort(client, django_assert_num_queries, trainees):
    started = started_plan(trainees=trainees)
    for trainee in started.trainees.all():
        services.exam_record(trainee=trainee, score=Decimal("90"), actor=started.instructor, now=NOW)
    services.session_record(
        plan=started, starts_at=NOW, ends_at=NOW + datetime.timedelta(hours=2), topic="开票", actor=started.instructor,
        present={t.pk for t in started.trainees.all()},
    )  # fmt: skip
    client.force_login(started.instructor)
    # session, user, roles, unread badge, plan, trainees, readiness (3), cohort, checklist, documents,
    # sessions + attendance, trainee choices, person-in-charge choices
    with django_assert_num_queries(16):
        response = client.get(started.get_absolute_url())
    assert len(response.context["trainees"]) == len(trainees)
