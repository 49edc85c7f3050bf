"""API tokens: hashed at rest, revocable, expiring; what a client without a good one gets."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from servicedesk.api import services
from servicedesk.api.models import ApiToken
from staff.roles import Role

from .factories import ApiTokenFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def _get(raw, url=None):
    client = APIClient()
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(url or reverse("api:ticket-list"))


def test_token_is_stored_as_a_digest_only(make_user):
    user = make_user(Role.AGENT)
    token, raw = services.api_token_create(user=user, name="ERP")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("sd_") and len(raw) > 40
    assert raw not in (stored.digest, stored.prefix) and stored.digest == services.token_digest(raw)
    assert stored.prefix == raw[:10]
    assert _get(raw).status_code == 200


def test_missing_bad_revoked_and_expired_tokens_get_401_with_an_error_body(make_user):
    user = make_user(Role.AGENT)
    with time_machine.travel(NOW, tick=False):
        expiring, expiring_raw = services.api_token_create(
            user=user, name="short", expires_at=NOW + datetime.timedelta(hours=1)
        )
        revoked = ApiTokenFactory(user=user)
        services.api_token_revoke(token=revoked)
        for raw in (None, "sd_not-a-token", revoked.raw, "garbage"):
            response = _get(raw)
            assert response.status_code == 401, raw
            assert response["WWW-Authenticate"].startswith("Bearer")
            assert response.json()["error"]["status"] == 401
        assert _get(expiring_raw).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        assert _get(expiring_raw).status_code == 401


def test_inactive_users_token_stops_working(make_user):
    user = make_user(Role.AGENT)
    token = ApiTokenFactory(user=user)
    user.is_active = False
    user.save()
    assert _get(token.raw).status_code == 401


def test_last_used_is_written_at_most_once_a_minute(make_user):
    token = ApiTokenFactory(user=make_user(Role.AGENT))
    with time_machine.travel(NOW, tick=False):
        _get(token.raw)
        _get(token.raw)
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
        _get(token.raw)
    token.refresh_from_db()
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        _get(token.raw)
    token.refresh_from_db()
    assert token.last_used_at == NOW + datetime.timedelta(minutes=2)


def test_api_never_redirects_to_the_login_page():
    response = APIClient().get(reverse("api:customer-list"))
    assert response.status_code == 401
    assert "error" in response.json()


def test_unknown_api_path_is_a_json_404(api_for):
    response = api_for(Role.AGENT).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_session_auth_needs_csrf_for_writes(client, make_user):
    user = make_user(Role.AGENT)
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.get(reverse("api:ticket-list")).status_code == 200
    response = csrf_client.post(reverse("api:customer-list"), {"name": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_admin_creates_a_token_and_sees_it_once(admin_client):
    from staff.tests.factories import UserFactory

    user = UserFactory(roles=[Role.AGENT])
    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"user": user.pk, "name": "BI export", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="BI export")
    shown = [str(m) for m in response.context["messages"]]
    raw = next(word for text in shown for word in text.split() if word.startswith("sd_"))
    assert services.token_digest(raw) == token.digest
    assert token.user == user
    assert _get(raw).status_code == 200


def test_schema_needs_a_login_and_describes_the_token(api_for):
    assert APIClient().get(reverse("api:schema")).status_code == 401
    response = api_for(Role.AGENT).get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert "/api/v1/tickets/" in schema["paths"]


def test_docs_page_is_for_signed_in_people(client, make_user):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user(Role.AGENT))
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert b"swagger-ui" in response.content and b"cdn" not in response.content.lower()
