"""Issue 15, GN-7: the callback queue as .xlsx."""

import datetime

import pytest
from django.urls import reverse

from servicedesk.core.models import ExportAudit
from servicedesk.core.tests.xlsx import column, queries_of
from staff.roles import Role
from tickets.care import services
from tickets.care.models import Callback, SurveyTemplate
from tickets.tests.factories import ContactFactory, CustomerFactory

from .factories import user

pytestmark = pytest.mark.django_db
URL = reverse("care:callbacks_export_xlsx")


def callback(channel="hotline", **kwargs):
    customer = CustomerFactory()
    return Callback.objects.create(
        source="ticket",
        channel=channel,
        customer=customer,
        contact=ContactFactory(customer=customer),
        template=SurveyTemplate.objects.get(code=services.SERVICE_TEMPLATE),
        arrived_at=datetime.datetime(2026, 3, 9, 2, 0, tzinfo=datetime.UTC),
        due_date=datetime.date(2026, 3, 10),
        **kwargs,
    )


def test_export_applies_the_queue_filters_and_is_audited(client):
    wanted = callback("onsite")
    callback("hotline")
    specialist = user(Role.CALLBACK_SPECIALIST)
    client.force_login(specialist)
    response = client.get(URL, {"channel": "onsite"})
    assert column(response, "Customer") == [wanted.customer.name]
    assert column(response, "Feedback arrived") == [datetime.datetime(2026, 3, 9, 10, 0)]
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.what, audit.rows) == (specialist, "care:callbacks_export_xlsx", 1)


def test_role_without_the_queue_gets_403(client, agent):
    client.force_login(agent)
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_rows(client):
    for _ in range(2):
        callback(engineer=user(Role.ENGINEER))
    client.force_login(user(Role.CALLBACK_SPECIALIST))
    two = queries_of(client, URL)
    for _ in range(18):
        callback(engineer=user(Role.ENGINEER))
    assert queries_of(client, URL) == two


def test_queue_page_links_to_the_export(client):
    client.force_login(user(Role.CALLBACK_SPECIALIST))
    page = client.get(reverse("care:queue"), {"channel": "onsite"}).content.decode()
    assert f'href="{URL}?channel=onsite"' in page
