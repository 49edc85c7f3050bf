"""What survives what (docs/operations.md): a dead broker while agents log calls loses nothing.

HL-1: no call goes unrecorded. Every message after a write is an outbox row stored with the change,
so an agent who saves a call while Redis is down gets their page (not a 500), and once the broker
is back one relay run sends every notification e-mail exactly once; the sweep breaches every clock
that fell due exactly once.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from hotline.models import CallLog, Outcome
from hotline.tests.factories import NOW, duty_manager, known_caller
from servicedesk.celery import app as celery_app
from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.sla.models import SLABreach, SLAClock
from tickets.sla.tasks import sla_sweep

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _reset_broker_pools():
    pool = getattr(celery_app, "_pool", None)
    if pool is not None:
        pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def dead_broker():
    """The broker refuses connections (as a stopped Redis does) and tasks are really published."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_broker_pools()


def _outcome_fields(outcome: str, owner) -> dict:
    local = NOW.astimezone(NOW.tzinfo)
    return {
        Outcome.SOLVED: {"resolution": "重新装纸后正常"},
        Outcome.CALLBACK: {
            "callback_owner": owner.pk,
            "callback_due_at": (local + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "callback_note": "复现卡纸后回电",
        },
        Outcome.ONSITE: {
            "agreed_start": (local + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "agreed_end": (local + datetime.timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
        Outcome.URGENT_VISIT: {"demands": "今天下午必须上门"},
        Outcome.REJECTED_TIME: {"demands": "只接受周六上门"},
        Outcome.COMPLAINT: {"complaint_about": "上次上门的工程师", "complaint_text": "迟到两小时"},
    }[outcome]


def test_hl1_broker_down_twenty_calls_saved_and_every_message_sent_once_when_it_is_back(
    client, dead_broker, django_capture_on_commit_callbacks
):
    agent = UserFactory(roles=[Role.AGENT], username="agent-outage")
    duty_manager(username="duty-outage")
    UserFactory(roles=[Role.SERVICE_MANAGER], username="manager-outage")
    caller = known_caller()
    client.force_login(agent)
    outcomes = list(Outcome.values)
    statuses = []
    with time_machine.travel(NOW, tick=False):
        for i in range(20):
            outcome = outcomes[i % len(outcomes)]
            data = {
                "started_at": NOW.isoformat(),
                "customer": caller["customer"].pk,
                "organisation": caller["customer"].name,
                "caller_phone": "138 0013 8000",
                "contact": caller["contact"].pk,
                "installation": caller["installation"].pk,
                "problem": f"第 {i} 次来电：打印机卡纸",
                "outcome": outcome,
                "link_ticket": "",
                **_outcome_fields(outcome, agent),
            }
            with django_capture_on_commit_callbacks(execute=True):
                statuses.append(client.post(reverse("hotline:call"), data, **HTMX).status_code)
    assert statuses == [200] * 20
    assert CallLog.objects.exclude(outcome="").count() == 20
    assert set(CallLog.objects.values_list("outcome", flat=True)) == set(outcomes)
    # Nothing could be published: the messages wait in the outbox, nothing was e-mailed.
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    assert waiting.filter(topic="notification.email").exists() and len(mail.outbox) == 0
    notified = Notification.objects.exclude(recipient__email="")
    assert notified.count() == waiting.filter(topic="notification.email").count()

    # The broker is back (the fixture's dead URL is replaced by the eager test broker): one relay run.
    celery_app.conf.task_always_eager = True
    later = NOW + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert outbox.relay().exhausted
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    assert len(mail.outbox) == notified.count() > 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(notified.values_list("recipient__email", flat=True))
    assert not Notification.objects.exclude(recipient__email="").filter(emailed_at__isnull=True).exists()

    # Three days on, the sweep breaches every clock that fell due exactly once, then the relay
    # escalates each breach once; a second sweep and relay change nothing.
    far = NOW + datetime.timedelta(days=3)
    with time_machine.travel(far, tick=False), django_capture_on_commit_callbacks(execute=True):
        sla_sweep.delay().get()
        outbox.relay()
        sla_sweep.delay().get()
        outbox.relay()
    due = SLAClock.objects.filter(due_at__lte=far, met_at__isnull=True, cancelled_at__isnull=True)
    assert due.exists()
    assert SLABreach.objects.count() == due.count() == due.filter(breached_at__isnull=False).count()
    assert not SLABreach.objects.filter(escalated_at__isnull=True).exists()
    escalations = OutboxMessage.objects.filter(topic="sla.breach_escalate")
    assert escalations.count() == SLABreach.objects.count()
    assert not escalations.exclude(status=OutboxMessage.Status.SENT).exists()
    emails = Notification.objects.exclude(recipient__email="").count()
    assert len(mail.outbox) == emails  # every e-mail copy once, none twice
