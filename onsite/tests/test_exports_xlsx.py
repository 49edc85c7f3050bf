"""Issue 15, GN-7: the on-site order list as .xlsx."""

import pytest
from django.urls import reverse

from onsite.models import OrderStatus, ServiceOrder
from servicedesk.core.models import ExportAudit
from servicedesk.core.tests.xlsx import column, queries_of
from staff.roles import Role
from tickets.tests.factories import TicketFactory

from .factories import service_manager

pytestmark = pytest.mark.django_db
URL = reverse("onsite:orders_export_xlsx")


def order(status=OrderStatus.REQUESTED, **kwargs):
    ticket = TicketFactory()
    return ServiceOrder.objects.create(
        ticket=ticket, status=status, problem="打印机卡纸", site_address="北京市海淀区 1 号", requested_by=ticket.created_by, **kwargs
    )


def test_export_applies_the_list_filters_and_is_audited(client):
    wanted = order()
    order()
    manager = service_manager()
    client.force_login(manager)
    response = client.get(URL, {"q": wanted.ticket.number})
    assert column(response, "Order") == [wanted.code]
    assert column(response, "Customer") == [wanted.ticket.customer.name]
    audit = ExportAudit.objects.get()
    assert (audit.user, audit.what, audit.rows) == (manager, "onsite:orders_export_xlsx", 1)


def test_engineer_without_the_order_list_gets_403(client, engineer):
    order(engineer=engineer)
    client.force_login(engineer)
    assert client.get(URL).status_code == 403
    assert not ExportAudit.objects.exists()


def test_query_count_does_not_grow_with_rows(client, make_user):
    for _ in range(2):
        order(engineer=make_user(Role.ENGINEER))
    client.force_login(service_manager())
    two = queries_of(client, URL)
    for _ in range(18):
        order(engineer=make_user(Role.ENGINEER))
    assert queries_of(client, URL) == two


def test_list_page_links_to_the_export(client):
    client.force_login(service_manager())
    page = client.get(reverse("onsite:order_list"), {"status": "open"}).content.decode()
    assert f'href="{URL}?status=open"' in page
