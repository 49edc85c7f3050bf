"""Plan pages: who may see and edit, form errors as 400, the list's query count pinned (issue 16)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from onsite.maintenance.models import MaintenancePlan
from staff.roles import Role
from staff.tests.factories import UserFactory

from .factories import NOW, contract, engineer, holidays_2027, plan, service_manager

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _frozen():
    holidays_2027()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager_client(client):
    manager = service_manager("sm")
    client.force_login(manager)
    client.user = manager
    return client


def test_list_is_paginated_searchable_and_pinned(manager_client, django_assert_num_queries):
    for index in range(3):
        plan(name=f"巡检 {index}", is_active=False)
    url = reverse("maintenance:plan_list")
    manager_client.get(url)  # warm the session and the cache
    # session, user, roles, count, page rows (with the visit count), notifications badge: no N+1
    with django_assert_num_queries(6):
        response = manager_client.get(url)
    assert response.status_code == 200
    for index in range(3, 6):
        plan(name=f"巡检 {index}", is_active=False)
    with django_assert_num_queries(6):
        manager_client.get(url)
    assert response.context["page"].paginator.count == 3
    response = manager_client.get(url, {"q": "巡检 1"})
    assert [p.name for p in response.context["page"].object_list] == ["巡检 1"]


def test_list_per_contract(manager_client):
    first = plan(name="A", is_active=False)
    plan(name="B", is_active=False)
    response = manager_client.get(reverse("maintenance:plan_list"), {"contract": first.contract_id})
    assert [p.name for p in response.context["page"].object_list] == ["A"]


def test_create_generates_visits_and_shows_them(manager_client):
    engineer("eng1")
    row = contract()
    response = manager_client.post(
        reverse("maintenance:plan_create"),
        {
            "contract": row.pk, "name": "季度巡检", "interval_months": "3", "rrule": "", "first_visit_on": "2027-01-20",
            "window_start": "09:00", "window_end": "12:00", "duration_minutes": "120", "is_active": "on",
            "idempotency_key": "k" * 32,
        },
    )  # fmt: skip
    saved = MaintenancePlan.objects.get()
    assert response.status_code == 302 and response.url == saved.get_absolute_url()
    assert saved.visits.count() == 1
    page = manager_client.get(saved.get_absolute_url())
    assert "2027-01-20" in page.content.decode()
    # the same form sent again: no second plan
    again = manager_client.post(
        reverse("maintenance:plan_create"),
        {
            "contract": row.pk, "name": "季度巡检", "interval_months": "3", "first_visit_on": "2027-01-20",
            "window_start": "09:00", "window_end": "12:00", "duration_minutes": "120", "is_active": "on",
            "idempotency_key": "k" * 32,
        },
    )  # fmt: skip
    assert again.status_code == 302 and MaintenancePlan.objects.count() == 1


def test_create_with_both_interval_and_rule_is_a_form_error(manager_client):
    row = contract()
    response = manager_client.post(
        reverse("maintenance:plan_create"),
        {
            "contract": row.pk, "name": "x", "interval_months": "3", "rrule": "FREQ=MONTHLY", "first_visit_on": "2027-01-20",
            "window_start": "12:00", "window_end": "09:00", "duration_minutes": "120",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MaintenancePlan.objects.exists()


def test_bad_rrule_is_a_form_error(manager_client):
    row = contract()
    response = manager_client.post(
        reverse("maintenance:plan_create"),
        {
            "contract": row.pk, "name": "x", "rrule": "FREQ=HOURLY", "first_visit_on": "2027-01-20",
            "window_start": "09:00", "window_end": "12:00", "duration_minutes": "120",
        },
    )  # fmt: skip
    assert response.status_code == 400 and "rrule" in response.context["form"].errors


def test_duty_manager_reads_but_cannot_edit(client):
    row = plan(is_active=False)
    client.force_login(UserFactory(roles=[Role.DUTY_MANAGER]))
    assert client.get(row.get_absolute_url()).status_code == 200
    assert client.get(reverse("maintenance:plan_edit", args=[row.pk])).status_code == 403
    assert client.post(reverse("maintenance:plan_generate", args=[row.pk])).status_code == 403
    assert client.get(reverse("maintenance:plan_create")).status_code == 403


def test_engineer_sees_no_plans(client):
    row = plan(is_active=False)
    client.force_login(UserFactory(roles=[Role.ENGINEER]))
    assert client.get(reverse("maintenance:plan_list")).status_code == 403
    assert client.get(row.get_absolute_url()).status_code == 403


def test_generate_now_button(manager_client):
    engineer("eng1")
    row = plan(first_visit_on=D(2027, 1, 20), is_active=False)
    MaintenancePlan.objects.filter(pk=row.pk).update(is_active=True)
    response = manager_client.post(reverse("maintenance:plan_generate", args=[row.pk]))
    assert response.status_code == 302 and row.visits.count() == 1


def test_edit_plan_window(manager_client):
    engineer("eng1")
    row = plan(first_visit_on=D(2027, 1, 20))
    response = manager_client.post(
        reverse("maintenance:plan_edit", args=[row.pk]),
        {
            "name": row.name, "interval_months": "3", "first_visit_on": "2027-01-20", "window_start": "14:00",
            "window_end": "16:00", "duration_minutes": "120", "is_active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302
    visit = row.visits.select_related("order").get()
    assert visit.order.agreed_start.hour == 6  # 14:00 Shanghai in UTC


def test_calendar_marks_preventive_visits(manager_client):
    engineer("eng1")
    row = plan(first_visit_on=D(2027, 1, 20))
    order = row.visits.get().order
    response = manager_client.get(reverse("onsite:calendar"), {"day": "2027-01-20", "view": "week"})
    assert response.status_code == 200
    assert order.get_absolute_url() in response.content.decode()
    assert "preventive" in response.content.decode()
