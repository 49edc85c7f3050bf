"""Login throttling (django-axes), session lifetime and rotation, and the demo password in production."""

import datetime
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse

from servicedesk.core.checks import check_demo_users_have_no_demo_password
from servicedesk.core.clientip import client_ip
from staff.demo import DEMO_PASSWORD
from staff.roles import Role
from staff.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
PASSWORD = "a-long-correct-horse-2026"
LIMIT = settings.AXES_FAILURE_LIMIT
COOLOFF = settings.AXES_COOLOFF_TIME
PRODUCTION_VALIDATORS = [
    *settings.AUTH_PASSWORD_VALIDATORS,
    {"NAME": "servicedesk.core.passwords.DemoPasswordValidator"},
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agent():
    return UserFactory(roles=[Role.AGENT], username="wang", password=PASSWORD)


def sign_in(client, username, password, ip="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_the_defaults_are_five_failures_and_half_an_hour():
    assert (LIMIT, COOLOFF) == (5, datetime.timedelta(minutes=30))
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_right_password_signs_in(client, agent):
    response = sign_in(client, "wang", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_wrong_passwords_for_one_username_lock_it_from_every_address(client, agent):
    for attempt in range(LIMIT - 1):
        response = sign_in(client, "wang", "wrong", ip=f"10.0.0.{attempt + 1}")
        assert response.status_code == 200  # the login form again, with its error
    response = sign_in(client, "wang", "wrong", ip="10.0.0.99")
    assert response.status_code == 429
    response = sign_in(client, "wang", PASSWORD, ip="10.9.9.9")  # the right password, a fresh address
    assert response.status_code == 429 and not signed_in(client)
    assert "registration/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Sign-in locked" in page and f"After {LIMIT} failed sign-ins" in page
    assert "Try again in 30 minutes" in page
    # Other users are not affected.
    UserFactory(username="li", password=PASSWORD)
    assert sign_in(client, "li", PASSWORD, ip="10.9.9.8").status_code == 302


def test_wrong_passwords_from_one_address_lock_that_address_for_every_username(client, agent):
    for number in range(LIMIT):
        sign_in(client, f"guess{number}", "wrong", ip="10.2.2.2")
    response = sign_in(client, "wang", PASSWORD, ip="10.2.2.2")
    assert response.status_code == 429 and not signed_in(client)
    assert sign_in(client, "wang", PASSWORD, ip="10.3.3.3").status_code == 302 and signed_in(client)


def test_lockout_ends_after_the_cool_off_and_not_before(client, agent, frozen):
    for _ in range(LIMIT):
        sign_in(client, "wang", "wrong")
    frozen.shift(COOLOFF - datetime.timedelta(minutes=1))
    assert sign_in(client, "wang", PASSWORD, ip="10.4.4.4").status_code == 429
    frozen.shift(datetime.timedelta(minutes=2))
    response = sign_in(client, "wang", PASSWORD, ip="10.4.4.4")
    assert response.status_code == 302 and signed_in(client)


def test_a_failure_while_locked_restarts_the_wait_for_that_address(client, agent, frozen):
    for _ in range(LIMIT):
        sign_in(client, "wang", "wrong")
    frozen.shift(COOLOFF - datetime.timedelta(minutes=1))
    assert sign_in(client, "wang", "wrong-again").status_code == 429
    frozen.shift(datetime.timedelta(minutes=2))  # the first cool-off is over, the restarted one is not
    assert sign_in(client, "wang", PASSWORD).status_code == 429 and not signed_in(client)


def test_lockout_message_in_simplified_chinese(client, agent):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    for _ in range(LIMIT):
        response = sign_in(client, "wang", "wrong")
    page = response.content.decode()
    assert response.status_code == 429
    assert "登录已锁定" in page and "30 分钟后再试" in page


def test_admin_lists_the_lockout_and_can_lift_it(client, admin_client, agent):
    for _ in range(LIMIT):
        sign_in(client, "wang", "wrong", ip="10.5.5.5")
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"), {"locked_out": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "wang" in page and "10.5.5.5" in page
    AccessAttempt.objects.filter(username="wang").delete()  # admin → delete = unlock
    assert sign_in(client, "wang", PASSWORD, ip="10.6.6.6").status_code == 302


@override_settings(LOGIN_TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_saw():
    request = RequestFactory().post("/", REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"  # 6.6.6.6 was typed by the client: ignored
    assert client_ip(RequestFactory().post("/", REMOTE_ADDR="172.16.0.2")) == "172.16.0.2"


def test_without_a_proxy_a_forged_forwarded_header_is_ignored():
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "198.51.100.4"


# --- Sessions ---------------------------------------------------------------------------------------


def test_login_rotates_the_session_key(client, agent):
    session = client.session
    session["seen_login_page"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert sign_in(client, "wang", PASSWORD).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists() and signed_in(client)


def test_session_ends_with_the_browser_and_after_twelve_hours(client, agent, frozen):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    response = sign_in(client, "wang", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    frozen.shift(datetime.timedelta(hours=11, minutes=59))
    assert client.get(reverse("start")).status_code == 200
    frozen.shift(datetime.timedelta(minutes=2))
    response = client.get(reverse("start"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- The demo password in production ------------------------------------------------------------------


def test_production_validator_refuses_the_demo_password():
    validators = get_password_validators(PRODUCTION_VALIDATORS)
    for variant in (DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "):
        with pytest.raises(ValidationError) as refused:
            validate_password(variant, password_validators=validators)
        assert "password_demo" in [error.code for error in refused.value.error_list]
    validate_password(PASSWORD, password_validators=validators)


def test_development_settings_still_accept_the_demo_password():
    validate_password(DEMO_PASSWORD)


def test_production_settings_list_the_demo_password_validator():
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([v['NAME'] for v in settings.AUTH_PASSWORD_VALIDATORS]))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "servicedesk.example.com",
    }
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "servicedesk.core.passwords.DemoPasswordValidator" in json.loads(out.stdout.strip().splitlines()[-1])


@override_settings(AUTH_PASSWORD_VALIDATORS=PRODUCTION_VALIDATORS)
def test_production_check_errors_while_a_demo_user_has_the_demo_password():
    demo = UserFactory(username="agent", password=DEMO_PASSWORD)
    UserFactory(username="engineer", password=DEMO_PASSWORD, is_active=False)  # cannot sign in anyway
    UserFactory(username="someone", password=DEMO_PASSWORD)  # not a demo user: the validator's job
    errors = check_demo_users_have_no_demo_password(databases=["default"])
    assert [error.id for error in errors] == ["core.E001"]
    assert "agent" in errors[0].msg and "engineer" not in errors[0].msg
    assert check_demo_users_have_no_demo_password(databases=None) == []  # plain `check`: no database
    demo.set_password(PASSWORD)
    demo.save()
    assert check_demo_users_have_no_demo_password(databases=["default"]) == []


def test_development_check_allows_the_demo_users():
    UserFactory(username="agent", password=DEMO_PASSWORD)
    assert check_demo_users_have_no_demo_password(databases=["default"]) == []
