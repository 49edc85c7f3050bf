"""Delivery through the outbox to a real (local) HTTP receiver: signed, once, retried with the
outbox's back-off, recorded in the delivery log, disabled after too many failures in a row."""

import datetime
import json

import pytest
import time_machine

from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from servicedesk.webhooks import services as webhooks
from servicedesk.webhooks.models import WebhookDelivery
from staff.roles import Role
from tickets import services as ticket_services
from tickets.tests.factories import CustomerFactory

from .factories import WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def open_ticket(user, *, now=NOW, subject="Printer stops"):
    return ticket_services.ticket_create(
        customer=CustomerFactory(), subject=subject, description="After one page", created_by=user, now=now
    )


def relay(at):
    with time_machine.travel(at, tick=False):
        return outbox.relay(now=at)


@pytest.fixture
def subscription(receiver):
    subscription = WebhookSubscriptionFactory(url=receiver.url, event_types=["ticket.created"])
    receiver.secret = subscription.secret
    return subscription


def test_gn1_ticket_created_is_posted_once_with_a_valid_signature(agent, receiver, subscription):
    with time_machine.travel(NOW, tick=False):
        ticket = open_ticket(agent)
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []  # nothing goes over the network inside the business transaction
    relay(NOW)
    (request,) = receiver.requests
    assert request.signature_valid and request.path == "/hooks/servicedesk"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "servicedesk-webhooks"
    assert request.headers["x-servicedesk-event"] == "ticket.created"
    assert request.headers["x-servicedesk-delivery"] == str(delivery.delivery_id)
    assert request.headers["x-servicedesk-timestamp"] == str(int(NOW.timestamp()))
    assert request.json() == {
        "id": str(delivery.delivery_id),
        "event": "ticket.created",
        "created_at": NOW.isoformat(),
        "data": {
            "ticket": {
                "id": ticket.pk,
                "number": ticket.number,
                "type": "fault",
                "status": "new",
                "priority": ticket.priority,
                "customer_id": ticket.customer_id,
                "assignee_id": None,
                "created_at": NOW.isoformat(),
            }
        },
    }
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.delivered_at == NOW and delivery.response_ms is not None
    assert OutboxMessage.objects.get(key=f"webhook:{delivery.pk}").status == OutboxMessage.Status.SENT
    relay(NOW + datetime.timedelta(hours=2))
    assert webhooks.webhook_deliver(delivery_id=str(delivery.delivery_id), now=NOW) is False
    assert len(receiver.requests) == 1


def test_receiver_answering_500_is_retried_with_the_outbox_backoff_and_delivered_once(agent, receiver, subscription):
    receiver.status = 500
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    delivery = WebhookDelivery.objects.get()
    relay(NOW)
    delivery.refresh_from_db()
    # The attempt survives the rollback of the handler's savepoint.
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 1
    assert delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error and "receiver broken" in delivery.last_error
    assert delivery.last_attempt_at == NOW and delivery.delivered_at is None
    message = OutboxMessage.objects.get(key=f"webhook:{delivery.pk}")
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
    assert message.available_at == NOW + outbox.retry_delay(1) and "HTTP 500" in message.last_error
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1 and subscription.is_active

    receiver.status = 200
    relay(NOW + datetime.timedelta(seconds=10))  # not due yet
    assert len(receiver.requests) == 1
    later = NOW + outbox.retry_delay(1) + datetime.timedelta(seconds=1)
    relay(later)
    assert len(receiver.delivered) == 1 and receiver.delivered[0].signature_valid
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 2 and delivery.delivered_at == later
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    relay(later + datetime.timedelta(hours=1))
    assert len(receiver.requests) == 2 and len(receiver.delivered) == 1


def test_receiver_down_records_the_connection_error_then_delivers_when_it_is_back(agent, closed_port_url, receiver):
    subscription = WebhookSubscriptionFactory(url=closed_port_url, event_types=["ticket.created"])
    receiver.secret = subscription.secret
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    relay(NOW)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 1
    assert delivery.last_status_code is None and "refused" in delivery.last_error.lower()
    message = OutboxMessage.objects.get(key=f"webhook:{delivery.pk}")
    assert message.status == OutboxMessage.Status.PENDING and message.available_at > NOW
    subscription.url = receiver.url  # the receiver is up again (at its new address)
    subscription.save()
    relay(NOW + datetime.timedelta(minutes=1))
    assert len(receiver.requests) == 1 and receiver.requests[0].signature_valid
    relay(NOW + datetime.timedelta(hours=1))
    assert len(receiver.requests) == 1


def test_the_last_outbox_attempt_gives_the_delivery_up(agent, receiver, subscription, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "OUTBOX_MAX_ATTEMPTS": 2}
    receiver.status = 503
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    relay(NOW)
    relay(NOW + datetime.timedelta(minutes=1))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.GIVEN_UP and delivery.attempts == 2
    assert OutboxMessage.objects.get(key=f"webhook:{delivery.pk}").status == OutboxMessage.Status.FAILED


def test_disabled_after_n_failures_in_a_row_admins_notified_and_later_events_not_queued(
    agent, make_user, receiver, subscription, settings
):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "WEBHOOK_DISABLE_AFTER_FAILURES": 3}
    admins = [make_user(Role.ADMIN, username="admin-1"), make_user(Role.ADMIN, username="admin-2")]
    make_user(Role.SERVICE_MANAGER, username="not-an-admin")
    receiver.status = 500
    with time_machine.travel(NOW, tick=False):
        for i in range(4):
            open_ticket(agent, subject=f"Printer {i}")
    relay(NOW)
    # Three failures disable it; the fourth delivery is given up without a request.
    assert len(receiver.requests) == 3
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at == NOW
    assert subscription.consecutive_failures == 3 and "3 failed deliveries in a row" in subscription.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookDelivery.Status.GIVEN_UP}
    assert subscription.history.filter(is_active=False, history_change_reason="disabled").exists()  # in its history
    notified = Notification.objects.filter(kind="webhook_disabled")
    assert sorted(notified.values_list("recipient__username", flat=True)) == ["admin-1", "admin-2"]
    assert subscription.name in notified.first().title
    assert notified.first().url.endswith(f"/webhooks/webhooksubscription/{subscription.pk}/change/")
    assert {n.recipient for n in notified} == set(admins)

    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        open_ticket(agent, subject="after")
    assert WebhookDelivery.objects.count() == 4
    receiver.status = 200
    relay(NOW + datetime.timedelta(hours=2))
    assert len(receiver.requests) == 3  # given-up deliveries are never sent

    webhooks.webhook_subscription_enable(subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0 and subscription.disabled_at is None
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        open_ticket(agent, subject="re-enabled")
    relay(NOW + datetime.timedelta(hours=3))
    assert len(receiver.delivered) == 1


def test_a_subscription_disabled_in_admin_before_delivery_gives_the_delivery_up(agent, receiver, subscription):
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    subscription.is_active = False
    subscription.save()
    relay(NOW)
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.GIVEN_UP


def test_redeliver_sends_the_same_delivery_again_through_the_outbox(agent, receiver, subscription):
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    relay(NOW)
    delivery = WebhookDelivery.objects.get()
    later = NOW + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        webhooks.webhook_delivery_redeliver(delivery=delivery, now=later)
    relay(later)
    first, second = receiver.requests
    assert first.headers["x-servicedesk-delivery"] == second.headers["x-servicedesk-delivery"] == str(delivery.delivery_id)
    assert second.signature_valid and second.json()["id"] == first.json()["id"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 2 and delivery.delivered_at == later


def test_redeliver_of_a_waiting_delivery_reuses_its_outbox_message(agent, receiver, subscription):
    receiver.status = 500
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    relay(NOW)
    receiver.status = 200
    delivery = WebhookDelivery.objects.get()
    webhooks.webhook_delivery_redeliver(delivery=delivery, now=NOW + datetime.timedelta(seconds=5))
    assert OutboxMessage.objects.filter(topic=webhooks.DELIVER_TOPIC).count() == 1
    relay(NOW + datetime.timedelta(seconds=5))  # due now, not after the back-off
    assert len(receiver.delivered) == 1


def test_ping_reaches_only_that_subscription_even_when_disabled(receiver, subscription):
    WebhookSubscriptionFactory(url=receiver.url)  # another subscription: gets no ping
    subscription.is_active = False
    subscription.save()
    with time_machine.travel(NOW, tick=False):
        delivery = webhooks.webhook_ping_send(subscription=subscription, now=NOW)
    relay(NOW)
    (request,) = receiver.requests
    assert request.signature_valid and request.headers["x-servicedesk-event"] == "ping"
    assert request.json()["data"] == {"subscription": {"id": subscription.pk, "name": subscription.name}}
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_redirects_are_not_followed(agent, receiver, subscription):
    receiver.status = 302
    with time_machine.travel(NOW, tick=False):
        open_ticket(agent)
    relay(NOW)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.last_status_code == 302


def test_the_body_is_the_signed_bytes_and_keeps_chinese_text_readable():
    from .factories import WebhookDeliveryFactory

    delivery = WebhookDeliveryFactory(payload={"note": "打印机"})
    body = webhooks.body_bytes(delivery)
    assert "打印机".encode() in body and json.loads(body)["data"] == {"note": "打印机"}
