"""The brand is the configured SITE_NAME everywhere, never the request's host (issue 17)."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _named(settings, name):
    return override_settings(SERVICEDESK={**settings.SERVICEDESK, "SITE_NAME": name})


def test_login_page_brand_is_the_site_name_not_the_host(client, settings):
    with _named(settings, "华联服务台"):
        html = client.get(reverse("login"), HTTP_HOST="127.0.0.1:8100").content.decode()
    assert '<a class="brand" href="/">华联服务台</a>' in html and "127.0.0.1:8100" not in html


def test_admin_has_the_brand_and_the_favicon(client, settings):
    with _named(settings, "华联服务台"):
        html = client.get(reverse("admin:login")).content.decode()
    assert "华联服务台" in html and "img/favicon.svg" in html
