"""Admin (issue 14): template history and filters, the read-only message log, retry of failed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.core.models import OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageTemplate
from servicedesk.notify.services import customer_message_send
from tickets.tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


def _messages(n, now):
    for i in range(n):
        ticket = TicketFactory(customer=CustomerFactory(name=f"Admin Test {i} {n} Ltd."))
        customer_message_send(
            contact=ticket.contact, kind="ticket_update", ticket=ticket,
            context={"body": "b", "status_url": "u"}, key=f"adm-{n}-{i}", now=now,
        )


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_message_log_has_constant_queries(admin_client, now):
    url = reverse("admin:notify_customermessage_changelist")
    _messages(2, now)
    few = _count_queries(admin_client, url)
    _messages(6, now)
    assert _count_queries(admin_client, url) == few
    assert _count_queries(admin_client, url + "?status__exact=failed&q=SD-") <= few + 1


def test_message_detail_is_read_only(admin_client, now):
    _messages(1, now)
    message = CustomerMessage.objects.get()
    page = admin_client.get(reverse("admin:notify_customermessage_change", args=[message.pk]))
    assert page.status_code == 200 and message.recipient in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


def test_template_list_filters_and_edit_keeps_history(admin_client):
    url = reverse("admin:notify_messagetemplate_changelist")
    assert admin_client.get(url + "?kind__exact=bind_code&channel__exact=sms&language__exact=zh-hans").status_code == 200
    template = MessageTemplate.objects.get(kind="bind_code", channel="sms", language="zh-hans")
    change = reverse("admin:notify_messagetemplate_change", args=[template.pk])
    data = {
        "kind": "bind_code", "channel": "sms", "language": "zh-hans", "is_active": "on",
        "subject": "", "body": "验证码{{ code }}", "provider_template_code": "SMS_1", "wechat_template_id": "",
    }
    assert admin_client.post(change, data).status_code == 302
    template.refresh_from_db()
    assert template.provider_template_code == "SMS_1" and template.history.count() >= 1
    broken = admin_client.post(change, {**data, "body": "{% if %}"})
    assert broken.status_code == 200 and "not a valid template" in broken.content.decode()
    assert admin_client.get(reverse("admin:notify_messagetemplate_history", args=[template.pk])).status_code == 200


def test_retry_action_re_enqueues_failed_messages(admin_client, now):
    _messages(1, now)
    message = CustomerMessage.objects.get()
    CustomerMessage.objects.filter(pk=message.pk).update(status="failed", attempts=10, error="boom")
    OutboxMessage.objects.filter(key=f"notify:{message.key}").update(status="failed", attempts=10)
    response = admin_client.post(
        reverse("admin:notify_customermessage_changelist"),
        {"action": "retry", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    row = OutboxMessage.objects.get(key=f"notify:{message.key}")
    # the eager fast path delivered it again at once (tests run Celery eagerly)
    assert row.status in ("pending", "sent") and message.status in ("pending", "sent")
    assert row.attempts <= 1
