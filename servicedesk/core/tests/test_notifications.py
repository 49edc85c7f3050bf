import pytest
from django.core import mail
from django.urls import reverse

from servicedesk.core.models import Notification
from servicedesk.core.services import notification_email_deliver, notification_send

pytestmark = pytest.mark.django_db


def test_notification_is_stored_and_emailed_once(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notification_send(recipients=[agent], title="SLA breached: SD-2026-000001", url="/tickets/x/")
    assert len(created) == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == [agent.email]
    # A second delivery of the same task sends nothing more.
    assert notification_email_deliver(notification_id=created[0].pk) is False
    assert len(mail.outbox) == 1


def test_same_key_notifies_each_recipient_only_once(agent, engineer):
    notification_send(recipients=[agent, engineer], title="t", key="breach:1", email=False)
    again = notification_send(recipients=[agent, engineer, agent], title="t", key="breach:1", email=False)
    assert again == []
    assert Notification.objects.count() == 2


def test_inactive_users_are_not_notified(agent):
    agent.is_active = False
    agent.save()
    assert notification_send(recipients=[agent], title="t", email=False) == []


def test_notification_page_and_mark_read(agent_client, agent, engineer):
    mine = notification_send(recipients=[agent], title="Call back 北京华联", url="/tickets/", email=False)[0]
    notification_send(recipients=[engineer], title="Not for the agent", email=False)
    page = agent_client.get(reverse("notifications")).content.decode()
    assert "Call back 北京华联" in page and "Not for the agent" not in page
    response = agent_client.post(reverse("notification_read"), {"id": mine.pk, "next": "/tickets/"})
    assert response.url == "/tickets/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_read_refuses_foreign_redirects(agent_client, agent):
    notification_send(recipients=[agent], title="t", email=False)
    response = agent_client.post(reverse("notification_read"), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("count", [1, 30])
def test_notification_list_query_count_is_constant(agent_client, agent, django_assert_num_queries, count):
    for i in range(count):
        notification_send(recipients=[agent], title=f"n{i}", email=False)
    # session, user, roles, unread badge, count, page
    with django_assert_num_queries(6):
        agent_client.get(reverse("notifications"))
