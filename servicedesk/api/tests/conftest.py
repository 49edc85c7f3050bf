import pytest
from rest_framework.test import APIClient

from .factories import ApiTokenFactory


@pytest.fixture
def api_for(make_user):
    """``api_for(*roles)``: an APIClient with a fresh user holding ``roles`` and a token."""

    def make(*roles, user=None, **user_kwargs):
        user = user or make_user(*roles, **user_kwargs)
        token = ApiTokenFactory(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
        client.user, client.token = user, token
        return client

    return make
