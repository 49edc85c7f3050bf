"""The transactional outbox: written with the change, delivered once, retried, visible, counted."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from servicedesk.core import outbox
from servicedesk.core.models import Heartbeat, Notification, OutboxMessage
from servicedesk.core.services import heartbeat_record, notification_send
from staff.roles import Role

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)
CALLS: list[dict] = []


@outbox.handler("test.record")
def _record(*, now, value, fail=False):
    if fail:
        raise OSError("smtp down")
    CALLS.append({"value": value, "now": now})


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_a_message_exists_exactly_when_its_transaction_commits():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(topic="test.record", payload={"value": 1}, key="k-rolled-back")
        raise RuntimeError("the business change failed")
    assert not OutboxMessage.objects.filter(key="k-rolled-back").exists()
    outbox.enqueue(topic="test.record", payload={"value": 2}, key="k-kept")
    assert OutboxMessage.objects.get(key="k-kept").status == OutboxMessage.Status.PENDING


def test_the_same_key_is_stored_once_and_published_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = outbox.enqueue(topic="test.record", payload={"value": 1}, key="once")
        second = outbox.enqueue(topic="test.record", payload={"value": 1}, key="once")
    assert first.pk == second.pk and OutboxMessage.objects.filter(key="once").count() == 1
    assert len(callbacks) == 1


def test_fast_path_delivers_after_commit_and_stamps_sent(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(topic="test.record", payload={"value": 7})
    message.refresh_from_db()
    assert CALLS == [{"value": 7, "now": NOW}]
    assert message.status == OutboxMessage.Status.SENT and message.sent_at == NOW and message.attempts == 1
    assert outbox.deliver(message_id=message.pk) is False  # a second delivery does nothing
    assert len(CALLS) == 1


def test_a_broker_error_on_publish_never_reaches_the_caller(monkeypatch, django_capture_on_commit_callbacks):
    from servicedesk.core import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.outbox_deliver, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(topic="test.record", payload={"value": 1})
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and CALLS == []
    assert outbox.relay().delivered == 1 and CALLS[0]["value"] == 1


def test_relay_delivers_oldest_first_in_batches_without_a_cap():
    for i in range(7):
        outbox.enqueue(topic="test.record", payload={"value": i}, now=NOW + datetime.timedelta(seconds=10 - i))
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        result = outbox.relay(batch_size=3)
    assert result.delivered == 7 and result.batches == 3 and result.exhausted
    assert [c["value"] for c in CALLS] == [6, 5, 4, 3, 2, 1, 0]


def test_relay_stops_at_its_time_budget_and_the_next_run_goes_on():
    for i in range(5):
        outbox.enqueue(topic="test.record", payload={"value": i}, now=NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        first = outbox.relay(batch_size=2, time_budget=-1)
        assert first.delivered == 2 and not first.exhausted
        assert outbox.relay(batch_size=2).delivered == 3


def test_a_failing_handler_is_retried_with_backoff_then_marked_failed(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "OUTBOX_MAX_ATTEMPTS": 3}
    message = outbox.enqueue(topic="test.record", payload={"value": 1, "fail": True}, now=NOW)
    with time_machine.travel(NOW, tick=False):
        assert outbox.relay().not_delivered == 1
    message.refresh_from_db()
    assert message.attempts == 1 and "smtp down" in message.last_error
    assert message.available_at == NOW + datetime.timedelta(seconds=30)
    with time_machine.travel(NOW + datetime.timedelta(seconds=10), tick=False):
        assert outbox.relay().not_delivered == 0  # not due yet
    for minutes in (1, 5):
        with time_machine.travel(NOW + datetime.timedelta(minutes=minutes), tick=False):
            outbox.relay()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 3
    assert outbox.backlog().failed == 1


def test_a_failing_handler_leaves_nothing_half_written():
    @outbox.handler("test.half")
    def half(*, now, user_id):
        Notification.objects.create(recipient_id=user_id, title="half")
        raise OSError("after the first write")

    from staff.tests.factories import UserFactory

    user = UserFactory()
    outbox.enqueue(topic="test.half", payload={"user_id": user.pk})
    outbox.relay()
    assert not Notification.objects.filter(title="half").exists()


def test_attempt_failed_keeps_its_record_while_the_handler_writes_roll_back(settings):
    """A handler that must remember a failed attempt (webhooks: status code, failure count) raises
    AttemptFailed: its own writes are rolled back, its record is written with the retry."""
    from staff.tests.factories import UserFactory

    settings.SERVICEDESK = {**settings.SERVICEDESK, "OUTBOX_MAX_ATTEMPTS": 2}
    user = UserFactory()
    finals = []

    def record(*, final):
        finals.append(final)
        Notification.objects.create(recipient=user, title=f"attempt {len(finals)}")

    @outbox.handler("test.attempt")
    def attempt(*, now):
        Notification.objects.create(recipient=user, title="half")
        raise outbox.AttemptFailed("HTTP 500", record=record)

    message = outbox.enqueue(topic="test.attempt", payload={}, now=NOW)
    outbox.deliver(message_id=message.pk, now=NOW)
    outbox.deliver(message_id=message.pk, now=NOW + datetime.timedelta(minutes=1))
    message.refresh_from_db()
    assert finals == [False, True] and message.status == OutboxMessage.Status.FAILED
    assert "AttemptFailed: HTTP 500" in message.last_error
    assert sorted(Notification.objects.values_list("title", flat=True)) == ["attempt 1", "attempt 2"]


def test_a_failing_record_does_not_stop_the_retry():
    def record(*, final):
        raise RuntimeError("the record could not be written")

    @outbox.handler("test.bad_record")
    def bad(*, now):
        raise outbox.AttemptFailed("HTTP 500", record=record)

    message = outbox.enqueue(topic="test.bad_record", payload={}, now=NOW)
    assert outbox.deliver(message_id=message.pk, now=NOW) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
    assert message.available_at == NOW + datetime.timedelta(seconds=30)


def test_an_unknown_topic_fails_visibly():
    message = outbox.enqueue(topic="nobody.handles.this", payload={})
    outbox.relay()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and "no outbox handler" in message.last_error


def test_notification_email_is_an_outbox_message_sent_once(make_user, django_capture_on_commit_callbacks):
    duty = make_user(Role.DUTY_MANAGER, email="duty@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notification_send(recipients=[duty], title="SLA breach", body="SD-1", key="k1")
    message = OutboxMessage.objects.get(key=f"notification.email:{notification.pk}")
    assert message.status == OutboxMessage.Status.SENT and len(mail.outbox) == 1
    assert outbox.retry(message_ids=[message.pk]) == 0  # sent messages are never re-sent
    outbox.relay()
    assert len(mail.outbox) == 1


def test_admin_lists_outbox_and_retries_failed_messages(admin_client, django_capture_on_commit_callbacks):
    message = outbox.enqueue(topic="test.record", payload={"value": 1, "fail": True})
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED, attempts=10)
    page = admin_client.get(reverse("admin:core_outboxmessage_changelist") + "?status=failed")
    assert page.status_code == 200 and message.key in page.content.decode()
    OutboxMessage.objects.filter(pk=message.pk).update(payload={"value": 2})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:core_outboxmessage_changelist"),
            {"action": "retry_now", "_selected_action": [message.pk]},
        )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and CALLS[0]["value"] == 2


def test_healthz_counts_the_backlog_and_warns_when_it_is_old(client):
    with time_machine.travel(NOW, tick=False):
        heartbeat_record(name="sla.sweep")
        assert client.get(reverse("healthz")).json()["status"] == "ok"
        outbox.enqueue(topic="test.record", payload={"value": 1}, now=NOW - datetime.timedelta(minutes=10))
        body = client.get(reverse("healthz")).json()
    assert body["status"] == "warn"
    assert body["checks"]["outbox"] == {"ok": False, "pending": 1, "failed": 0, "oldest_pending_seconds": 600}


def test_healthz_warns_when_the_sweep_stopped(client):
    with time_machine.travel(NOW, tick=False):
        heartbeat_record(name="sla.sweep")
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200  # a warning, not "take this web process out"
    assert response.json()["checks"]["sweep"]["ok"] is False
    assert response.json()["checks"]["sweep"]["last_sweep_seconds"] == 600


def test_sweep_and_relay_tasks_record_their_heartbeat():
    from servicedesk.core.tasks import outbox_relay
    from tickets.sla.tasks import sla_sweep

    with time_machine.travel(NOW, tick=False):
        sla_sweep.delay().get()
        outbox_relay.delay().get()
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"sla.sweep", "core.outbox_relay"}
    assert Heartbeat.objects.get(name="sla.sweep").at == NOW


def test_relay_and_purge_are_scheduled_in_beat():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert {"core.outbox_relay", "core.outbox_purge", "sla.sweep"} <= tasks


def test_purge_forgets_only_old_sent_messages():
    old = outbox.enqueue(topic="test.record", payload={"value": 1}, now=NOW - datetime.timedelta(days=40))
    outbox.deliver(message_id=old.pk, now=NOW - datetime.timedelta(days=40))
    pending = outbox.enqueue(topic="test.record", payload={"value": 1}, now=NOW - datetime.timedelta(days=40))
    assert outbox.purge_sent(now=NOW) == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [pending.pk]
