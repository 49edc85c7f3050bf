import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def public_client():
    """A visitor who chose English with the language switch (the pages default to zh-hans)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
