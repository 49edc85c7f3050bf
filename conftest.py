"""Project-wide pytest fixtures: users per role and logged-in clients."""

import pytest

from staff.roles import Role
from staff.tests.factories import UserFactory


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, username="agent", full_name="王芳")


@pytest.fixture
def engineer(make_user):
    return make_user(Role.ENGINEER, username="engineer", full_name="刘洋")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client
