"""Admin: subscriptions with event checkboxes, history and actions; the read-only delivery log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from servicedesk.core.models import OutboxMessage
from servicedesk.webhooks.models import WebhookDelivery, WebhookSubscription

from .factories import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


def test_add_form_shows_event_checkboxes_and_stores_a_list(admin_client):
    page = admin_client.get(reverse("admin:webhooks_webhooksubscription_add"))
    html = page.content.decode()
    assert page.status_code == 200 and 'type="checkbox" name="event_types" value="sla.breached"' in html
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {
            "name": "ERP",
            "url": "https://erp.example.com/hooks",
            "secret": "a-long-shared-secret",
            "event_types": ["ticket.created", "sla.breached"],
            "is_active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_types == ["ticket.created", "sla.breached"]
    assert subscription.history.count() == 1


def test_add_form_refuses_a_non_http_url(admin_client):
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {
            "name": "ERP",
            "url": "ftp://erp.example.com/hooks",
            "secret": "x",
            "event_types": ["ticket.created"],
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and not WebhookSubscription.objects.exists()
    assert "Enter a valid URL." in response.content.decode()


def test_list_links_each_subscription_to_its_delivery_log(admin_client):
    subscription = WebhookSubscriptionFactory(name="ERP", consecutive_failures=2)
    WebhookDeliveryFactory(subscription=subscription, status=WebhookDelivery.Status.FAILED)
    html = admin_client.get(reverse("admin:webhooks_webhooksubscription_changelist")).content.decode()
    assert "ERP" in html and f"?subscription__id__exact={subscription.pk}" in html and "1 failed" in html
    change = admin_client.get(reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]))
    assert change.status_code == 200 and subscription.secret in change.content.decode()


def test_ping_and_re_enable_actions(admin_client):
    subscription = WebhookSubscriptionFactory(is_active=False, consecutive_failures=10)
    url = reverse("admin:webhooks_webhooksubscription_changelist")
    admin_client.post(url, {"action": "send_ping", "_selected_action": [subscription.pk]})
    ping = WebhookDelivery.objects.get(event_type="ping")
    assert OutboxMessage.objects.filter(key=f"webhook:{ping.pk}", topic="webhook.deliver").exists()
    admin_client.post(url, {"action": "enable", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 0


def test_delivery_log_filters_searches_by_id_and_redelivers(admin_client):
    delivery = WebhookDeliveryFactory(status=WebhookDelivery.Status.GIVEN_UP)
    other = WebhookDeliveryFactory(status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now())
    url = reverse("admin:webhooks_webhookdelivery_changelist")
    html = admin_client.get(url, {"status": "given_up"}).content.decode()
    assert str(delivery.delivery_id) in html and str(other.delivery_id) not in html
    html = admin_client.get(url, {"q": str(other.delivery_id)}).content.decode()
    assert str(other.delivery_id) in html and str(delivery.delivery_id) not in html
    assert admin_client.get(url, {"q": "ticket.created"}).status_code == 200
    assert admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).status_code == 200
    assert admin_client.get(reverse("admin:webhooks_webhookdelivery_add")).status_code == 403
    admin_client.post(url, {"action": "redeliver", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert OutboxMessage.objects.filter(key__startswith=f"webhook:{delivery.pk}:redeliver:").count() == 1


def test_list_pages_do_not_query_per_row(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    subscriptions = reverse("admin:webhooks_webhooksubscription_changelist")
    deliveries = reverse("admin:webhooks_webhookdelivery_changelist")
    WebhookDeliveryFactory()
    few = queries(subscriptions), queries(deliveries)
    for _ in range(10):
        WebhookDeliveryFactory()
    assert (queries(subscriptions), queries(deliveries)) == few
