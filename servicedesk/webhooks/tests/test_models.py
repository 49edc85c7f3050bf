"""Subscription validation: clear messages for what an operator types in admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from servicedesk.webhooks.models import EventType, WebhookSubscription

from .factories import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


def test_a_new_subscription_gets_a_random_secret():
    first = WebhookSubscription(name="a", url="https://a.example.com/h", event_types=["ticket.created"])
    second = WebhookSubscription(name="b", url="https://b.example.com/h", event_types=["ticket.created"])
    first.full_clean()
    assert len(first.secret) >= 40 and first.secret != second.secret


@pytest.mark.parametrize("url", ["ftp://files.example.com/in", "javascript:alert(1)", "hooks.example.com", "file:///etc/passwd"])
def test_only_http_and_https_urls_are_accepted(url):
    subscription = WebhookSubscription(name="ERP", url=url, event_types=["ticket.created"])
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    assert set(error.value.message_dict) == {"url"}


def test_an_unknown_event_type_is_named_in_the_error():
    subscription = WebhookSubscription(name="ERP", url="https://erp.example.com/h", event_types=["ticket.created", "ticket.deleted"])
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    (message,) = error.value.message_dict["event_types"]
    assert "ticket.deleted" in message and "contract.expiring" in message


def test_event_types_must_be_a_list_of_names():
    subscription = WebhookSubscription(name="ERP", url="https://erp.example.com/h", event_types="ticket.created")
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    assert "event_types" in error.value.message_dict


def test_every_documented_event_type_is_a_choice():
    assert set(EventType.values) == {
        "ticket.created", "ticket.status_changed", "sla.warning", "sla.breached", "order.dispatched",
        "order.completed", "callback.answered", "complaint.opened", "contract.expiring",
    }  # fmt: skip


def test_the_database_refuses_a_non_http_url():
    with pytest.raises(IntegrityError):
        WebhookSubscriptionFactory(url="ftp://files.example.com/in")


def test_one_delivery_per_subscription_and_event_key():
    delivery = WebhookDeliveryFactory(event_key="ticket.created:1")
    WebhookDeliveryFactory(event_key="ticket.created:1")  # another subscription: fine
    with pytest.raises(IntegrityError):
        WebhookDeliveryFactory(subscription=delivery.subscription, event_key="ticket.created:1")
