import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login_and_reports_database_and_broker(client):
    from servicedesk.core.services import heartbeat_record

    heartbeat_record(name="sla.sweep")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_answers_503_when_the_broker_is_down(client, monkeypatch):
    from servicedesk.core import views

    monkeypatch.setattr(views, "check_broker", lambda: (False, "OperationalError"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"ok": False, "detail": "OperationalError"}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from servicedesk.core import views

    monkeypatch.setattr(views, "check_database", lambda: (False, "OperationalError"))
    assert client.get(reverse("healthz")).status_code == 503


def test_broker_check_really_fails_for_an_unreachable_broker(settings):
    from servicedesk.core.health import check_broker
    from servicedesk.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        ok, detail = check_broker(timeout=0.5)
    finally:
        app.conf.broker_url = original
    assert ok is False and detail


def test_login_page_and_language_switch_work_without_login(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert "登录" in page.content.decode()
