"""Issue 17: a quiet worker log (one INFO line per e-mail, failures still loud) and SITE_URL for
the absolute links in e-mails."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from servicedesk.core import outbox
from servicedesk.core.services import EMAIL_TOPIC, absolute_url, notification_send
from tests.test_settings import _clean_env

pytestmark = pytest.mark.django_db

LOG_BACKEND = "servicedesk.core.mail.LogEmailBackend"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


def _settings(**servicedesk):
    from django.conf import settings

    return override_settings(SERVICEDESK={**settings.SERVICEDESK, **servicedesk})


@override_settings(EMAIL_BACKEND=LOG_BACKEND)
def test_log_backend_writes_one_info_line_per_email_and_no_address(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="servicedesk.mail")
    sent = send_mail(
        subject="SLA breached: SD-2026-000001",
        message="Line one\nLine two\nLine three\n" * 20,
        from_email=None,
        recipient_list=["liming@hualian.example", "duty@servicedesk.example"],
    )
    assert sent == 1
    records = [r for r in caplog.records if r.name == "servicedesk.mail"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert "\n" not in records[0].getMessage()
    assert "SD-2026-000001" in records[0].getMessage() and "2 recipient(s)" in records[0].getMessage()
    assert "hualian" not in caplog.text  # GN-7: no addresses in the log
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@override_settings(EMAIL_BACKEND=LOG_BACKEND)
def test_notification_emails_leave_no_warning_in_the_worker_log(agent, engineer, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="servicedesk.mail")
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(5):
            notification_send(recipients=[agent, engineer], title=f"Callback due {index}", body="Body\nmore", url="/tickets/")
    info = [r for r in caplog.records if r.name == "servicedesk.mail" and r.levelno == logging.INFO]
    assert len(info) == 10  # one line per e-mail
    # (kombu's "no hostname" note comes from the test broker, not from the e-mails)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("kombu")]


def test_a_failing_mail_server_is_still_a_warning(agent, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=False):
        notification_send(recipients=[agent], title="SLA breached", url="/tickets/")
    message = outbox.OutboxMessage.objects.get(topic=EMAIL_TOPIC)
    with override_settings(EMAIL_BACKEND=f"{__name__}.BrokenBackend"):
        assert outbox.deliver(message_id=message.pk) is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "servicedesk.core.outbox"]
    assert len(warnings) == 1 and "SMTP server down" in warnings[0].getMessage()
    message.refresh_from_db()
    assert message.status == outbox.OutboxMessage.Status.PENDING and message.attempts == 1


def test_notification_email_links_follow_site_url(agent, django_capture_on_commit_callbacks):
    with _settings(SITE_URL="http://127.0.0.1:8123/"), django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[agent], title="Callback due", body="Call the customer.", url="/care/callbacks/7/")
    assert mail.outbox[0].body.endswith("\n\nhttp://127.0.0.1:8123/care/callbacks/7/")


def test_absolute_url_reads_only_site_url():
    """BASE_URL is an environment-level alias (see the next test); the setting has one key."""
    from django.conf import settings

    assert "BASE_URL" not in settings.SERVICEDESK
    with _settings(SITE_URL="https://new.example.com/"):
        assert absolute_url("care/survey/abc/") == "https://new.example.com/care/survey/abc/"


def test_survey_link_follows_site_url():
    from tickets.care.services import survey_link_url
    from tickets.care.tests import factories

    callback = factories.callback()
    with _settings(SITE_URL="http://10.0.0.5:9000"):
        url = survey_link_url(callback=callback)
    assert url.startswith("http://10.0.0.5:9000/") and "127.0.0.1:8000" not in url


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"BASE_URL": "http://old.example:8000"}, "http://old.example:8000"),
        ({"SITE_URL": "http://127.0.0.1:8050", "BASE_URL": "http://old.example:8000"}, "http://127.0.0.1:8050"),
    ],
)
def test_site_url_setting_reads_site_url_then_the_deprecated_base_url(env, expected):
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.SERVICEDESK['SITE_URL'], settings.EMAIL_BACKEND]))"
    )
    clean = {
        k: v
        for k, v in _clean_env(**env, DJANGO_SETTINGS_MODULE="servicedesk.settings.local").items()
        if k not in {"SITE_URL", "BASE_URL", "EMAIL_URL"} or k in env
    }
    out = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[3], env=clean,
                         capture_output=True, text=True, check=True)  # fmt: skip
    site_url, backend = json.loads(out.stdout.strip().splitlines()[-1])
    assert site_url == expected
    assert backend == LOG_BACKEND  # no EMAIL_URL: e-mails are one log line each
