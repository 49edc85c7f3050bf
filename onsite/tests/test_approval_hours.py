"""Issue 17: who approves and dispatches visits per role and time of day (ONSITE_APPROVER_ROLES,
ONSITE_DISPATCHER_ROLES; OS-1), and the warning when an engineer starts well before the agreed window."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from onsite import services
from onsite.models import OnsiteEventKind, OrderStatus
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models import TicketEvent

from .factories import NOW, SHANGHAI, WINDOW, engineer, order_at

pytestmark = pytest.mark.django_db
# NOW is Tuesday 09:30, working hours of the default calendar; the same evening is out of hours.
EVENING = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=SHANGHAI)


def duty_manager():
    return UserFactory(roles=[Role.DUTY_MANAGER])


def approve(order, approver, now):
    return services.service_order_approve(order=order, approver=approver, agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=now)


def test_os1_duty_manager_is_refused_in_working_hours_with_a_clear_message():
    order = order_at(OrderStatus.REQUESTED)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as refused:
        approve(order, duty_manager(), NOW)
    assert refused.value.messages == ["You may approve on-site visits only outside working hours; it is working time now."]
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED


def test_os1_duty_manager_approves_out_of_hours():
    order = order_at(OrderStatus.REQUESTED)
    duty = duty_manager()
    with time_machine.travel(EVENING, tick=False):
        approve(order, duty, EVENING)
    order.refresh_from_db()
    assert (order.status, order.approved_by, order.approved_at) == (OrderStatus.APPROVED, duty, EVENING)


def test_os1_approver_roles_come_from_the_setting(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ONSITE_APPROVER_ROLES": ["duty_manager"]}
    order = order_at(OrderStatus.REQUESTED)
    with pytest.raises(ValidationError, match="Only these roles may approve on-site visits: Duty manager"):
        approve(order, UserFactory(roles=[Role.SERVICE_MANAGER]), NOW)
    approve(order, duty_manager(), NOW)  # in working hours: any time for this setting
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_dispatcher_roles_come_from_the_setting(settings):
    order = order_at(OrderStatus.APPROVED)
    duty = duty_manager()
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ONSITE_DISPATCHER_ROLES": ["service_manager", "duty_manager:out_of_hours"]}
    with pytest.raises(ValidationError, match="only outside working hours"):
        services.service_order_assign(order=order, engineer=engineer(), actor=duty, now=NOW)
    services.service_order_assign(order=order, engineer=engineer(), actor=duty, now=EVENING)
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED and order.assigned_by == duty


def test_os1_order_page_offers_approval_only_when_allowed(client):
    order = order_at(OrderStatus.REQUESTED)
    client.force_login(duty_manager())
    with time_machine.travel(NOW, tick=False):
        page = client.get(order.get_absolute_url())
    assert "approve" not in page.context["actions"]
    assert reverse("onsite:approve", args=[order.pk]) not in page.content.decode()
    with time_machine.travel(EVENING, tick=False):
        page = client.get(order.get_absolute_url())
        assert "approve" in page.context["actions"]
        assert reverse("onsite:approve", args=[order.pk]) in page.content.decode()
        response = client.post(
            reverse("onsite:approve", args=[order.pk]), {"agreed_start": "2026-03-11T14:00", "agreed_end": "2026-03-11T16:00"}
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


# --- Early start (issue 17) -------------------------------------------------------------------------

TWO_DAYS_BEFORE = WINDOW[0] - datetime.timedelta(days=2)


def precall_done_order():
    """Approved, dispatched and called two days before the window (the window is NOW's afternoon)."""
    order = order_at(OrderStatus.PRECALL_DONE, now=TWO_DAYS_BEFORE - datetime.timedelta(hours=1))
    return order


def departed(order):
    return TicketEvent.objects.get(ticket=order.ticket, kind=OnsiteEventKind.DEPARTED, data__order=order.pk)


def test_leaving_two_days_before_the_window_warns_and_records_the_confirmation():
    order = precall_done_order()
    with pytest.raises(ValidationError) as warned:
        services.service_order_depart(order=order, engineer=order.engineer, can_solve=True, address_known=True, now=TWO_DAYS_BEFORE)
    assert "confirm_early" in warned.value.error_dict
    assert "starts in 48 hours (2026-03-10 14:00)" in warned.value.error_dict["confirm_early"][0].messages[0]
    order.refresh_from_db()
    assert order.status == OrderStatus.PRECALL_DONE  # a warning: nothing happened yet
    services.service_order_depart(
        order=order, engineer=order.engineer, can_solve=True, address_known=True, confirm_early=True, now=TWO_DAYS_BEFORE
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.EN_ROUTE
    event = departed(order)
    assert event.data["early_hours"] == 48
    assert event.body == "Confirmed going ahead 48 hours before the agreed visit window."


def test_leaving_on_the_day_needs_no_confirmation():
    order = order_at(OrderStatus.PRECALL_DONE)
    services.service_order_depart(order=order, engineer=order.engineer, can_solve=True, address_known=True, now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.EN_ROUTE
    assert "early_hours" not in departed(order).data


def test_checking_in_early_on_the_page_shows_the_warning_then_goes_ahead(client):
    order = precall_done_order()
    services.service_order_depart(
        order=order, engineer=order.engineer, can_solve=True, address_known=True, confirm_early=True, now=TWO_DAYS_BEFORE
    )
    client.force_login(order.engineer)
    url = reverse("onsite:check_in", args=[order.pk])
    with time_machine.travel(TWO_DAYS_BEFORE + datetime.timedelta(hours=1), tick=False):
        page = client.get(order.get_absolute_url())
        assert "starts in 47 hours" in page.content.decode() and "Go ahead anyway" in page.content.decode()
        refused = client.post(url, {})
        assert refused.status_code == 200
        order.refresh_from_db()
        assert order.status == OrderStatus.EN_ROUTE
        response = client.post(url, {"confirm_early": "on"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE
    event = TicketEvent.objects.get(ticket=order.ticket, kind=OnsiteEventKind.CHECKED_IN, data__order=order.pk)
    assert event.data["early_hours"] == 47


