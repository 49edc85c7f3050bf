"""Each role lands on its work queue at "/" (issue 17)."""

import pytest
from django.urls import reverse

from servicedesk.core.landing import landing_url_name
from staff.roles import Role
from staff.tests.factories import UserFactory

QUEUES = {
    Role.AGENT: "hotline:call",
    Role.DUTY_MANAGER: "sla:board",
    Role.SERVICE_MANAGER: "tickets:kpi",
    Role.ADMIN: "tickets:kpi",
    Role.ENGINEER: "onsite:mine",
    Role.CALLBACK_SPECIALIST: "care:queue",
    Role.HR: "staff:approvals",
}


@pytest.mark.parametrize(("role", "url_name"), QUEUES.items())
def test_each_role_has_a_queue(role, url_name):
    assert landing_url_name(roles=frozenset({role})) == url_name


def test_duty_manager_who_also_takes_calls_lands_on_the_sla_board():
    assert landing_url_name(roles=frozenset({Role.AGENT, Role.DUTY_MANAGER})) == "sla:board"


def test_no_role_means_the_start_page():
    assert landing_url_name(roles=frozenset()) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url_name"), QUEUES.items())
def test_home_redirects_to_the_queue_and_the_queue_opens(client, role, url_name):
    user = UserFactory(roles=[role])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(url_name)
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_someone_without_a_role_sees_the_start_page_without_a_link_grid(client):
    client.force_login(UserFactory(roles=[]))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"home-groups" not in response.content
