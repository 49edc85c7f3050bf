"""Each event is emitted by the service where it happens, once: running the service or sweep
again never adds a second delivery (deterministic event keys, unique per subscription)."""

import datetime
import zoneinfo

import pytest
import time_machine

from servicedesk.core.models import OutboxMessage
from servicedesk.webhooks import services as webhooks
from servicedesk.webhooks.models import EventType, WebhookDelivery
from staff.roles import Role
from tickets import services as ticket_services
from tickets.care import services as care
from tickets.care.tests import factories as care_factories
from tickets.sla import services as sla
from tickets.sla.models import SLABreach, SLAClock
from tickets.sla.tests.factories import ticket_open
from tickets.tests.factories import ContactFactory, CustomerFactory, ServiceContractFactory

from .factories import WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(d, hh=0, mm=0, month=3):
    return datetime.datetime(2026, month, d, hh, mm, tzinfo=SH)


@pytest.fixture
def subscription():
    return WebhookSubscriptionFactory()  # every event type


def utc(moment: datetime.datetime) -> str:
    """How a payload writes a moment: ISO 8601 in UTC."""
    return moment.astimezone(datetime.UTC).isoformat()


def deliveries(event_type):
    return WebhookDelivery.objects.filter(event_type=event_type)


def test_gn1_ticket_created_once_with_its_outbox_message(agent, subscription):
    ticket = ticket_open(agent, now=at(9, 9))
    (delivery,) = deliveries(EventType.TICKET_CREATED)
    assert delivery.event_key == f"ticket.created:{ticket.pk}" and delivery.subscription == subscription
    assert delivery.payload["ticket"] == {
        "id": ticket.pk,
        "number": ticket.number,
        "type": "fault",
        "status": "new",
        "priority": ticket.priority,
        "customer_id": ticket.customer_id,
        "assignee_id": None,
        "created_at": utc(at(9, 9)),
    }
    message = OutboxMessage.objects.get(key=f"webhook:{delivery.pk}")
    assert message.topic == "webhook.deliver" and message.payload == {"delivery_id": str(delivery.delivery_id)}
    assert webhooks.ticket_created_emit(ticket=ticket, now=at(9, 10)) == []
    assert deliveries(EventType.TICKET_CREATED).count() == 1
    assert OutboxMessage.objects.filter(topic="webhook.deliver", key=f"webhook:{delivery.pk}").count() == 1


def test_ticket_status_changed_with_from_and_to_once_per_transition(agent, subscription):
    ticket = ticket_open(agent, now=at(9, 9))
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 10))
    (delivery,) = deliveries(EventType.TICKET_STATUS_CHANGED)
    event = ticket.events.get(kind="status")
    assert delivery.event_key == f"ticket.status_changed:{event.pk}"
    assert (delivery.payload["from_status"], delivery.payload["to_status"], delivery.payload["action"]) == (
        "new",
        "in_progress",
        "start",
    )
    assert delivery.payload["ticket"]["status"] == "in_progress"
    assert webhooks.ticket_status_changed_emit(ticket=ticket, event=event, now=at(9, 11)) == []
    ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="ok", now=at(9, 12))
    assert deliveries(EventType.TICKET_STATUS_CHANGED).count() == 2  # a second transition is news


def test_os8_sla_warning_once_per_clock(agent, subscription):
    ticket = ticket_open(agent, now=at(9, 9))
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 5))
    with time_machine.travel(at(10, 23, 30), tick=False):
        result = sla.sla_sweep(now=at(10, 23, 30))
        sla.sla_sweep(now=at(10, 23, 30))
    (clock_id,) = result.warned
    for _run in range(2):
        sla.clock_warning_notify(clock_id=clock_id, now=at(10, 23, 31))
    (delivery,) = deliveries(EventType.SLA_WARNING)
    assert delivery.event_key == f"sla.warning:{clock_id}"
    assert delivery.payload["clock"]["kind"] == "resolve" and delivery.payload["ticket"]["id"] == ticket.pk
    assert delivery.payload["warned_at"] == utc(at(10, 23, 30))


def test_os8_sla_breached_once_per_clock_however_often_the_sweep_and_escalation_run(agent, subscription):
    ticket = ticket_open(agent, now=at(9, 9))
    with time_machine.travel(at(9, 12), tick=False):
        sla.sla_sweep(now=at(9, 12))
        sla.sla_sweep(now=at(9, 12))
    breach = SLABreach.objects.get()
    assert sla.clock_breach_escalate(clock_id=breach.clock_id, now=at(9, 12)) is True
    assert sla.clock_breach_escalate(clock_id=breach.clock_id, now=at(9, 13)) is False
    (delivery,) = deliveries(EventType.SLA_BREACHED)
    assert delivery.event_key == f"sla.breached:{breach.clock_id}"
    clock = SLAClock.objects.get(pk=breach.clock_id)
    assert delivery.payload["clock"] == {
        "id": clock.pk,
        "kind": "respond",
        "due_at": utc(clock.due_at),
        "warn_at": utc(clock.warn_at) if clock.warn_at else None,
        "owner_id": None,
    }
    assert delivery.payload["breach"]["due_at"] == utc(at(9, 11)) and delivery.payload["ticket"]["id"] == ticket.pk
    # Escalating again directly (at-least-once delivery) still delivers once.
    webhooks.sla_breached_emit(breach=breach, now=at(9, 14))
    assert deliveries(EventType.SLA_BREACHED).count() == 1


def test_os8_order_dispatched_once_per_engineer_and_window(subscription):
    from onsite import services as onsite
    from onsite.models import OrderStatus
    from onsite.tests.factories import NOW, order_at, service_manager

    manager = service_manager("dispatcher")
    order = order_at(OrderStatus.ASSIGNED, manager=manager)
    (delivery,) = deliveries(EventType.ORDER_DISPATCHED)
    assert delivery.payload["order"]["id"] == order.pk and delivery.payload["order"]["engineer_id"] == order.engineer_id
    assert delivery.payload["order"]["agreed_start"] == utc(order.agreed_start)
    onsite.service_order_assign(
        order=order, engineer=order.engineer, actor=manager, now=NOW + datetime.timedelta(minutes=30)
    )  # the same engineer for the same window again
    assert deliveries(EventType.ORDER_DISPATCHED).count() == 1


def test_os4_order_completed_when_the_customer_signs_once(subscription):
    from onsite.models import OrderStatus
    from onsite.tests.factories import NOW, order_at

    order = order_at(OrderStatus.SIGNED)
    (delivery,) = deliveries(EventType.ORDER_COMPLETED)
    assert delivery.event_key == f"order.completed:{order.pk}"
    assert delivery.payload["order"]["status"] == "signed" and delivery.payload["rating"] == 5
    webhooks.order_completed_emit(order=order, sign_off=order.sign_off, now=NOW)
    assert deliveries(EventType.ORDER_COMPLETED).count() == 1


def test_cb1_callback_answered_once(subscription):
    specialist = care_factories.user(Role.CALLBACK_SPECIALIST)
    callback = care_factories.callback()
    care.survey_answer_record(
        callback=callback, answers=care_factories.answers(callback), via="phone", actor=specialist, now=care_factories.NOW
    )
    with pytest.raises(care.SurveyAlreadyAnswered):
        care.survey_answer_record(
            callback=callback, answers=care_factories.answers(callback), via="online", now=care_factories.NOW
        )
    (delivery,) = deliveries(EventType.CALLBACK_ANSWERED)
    assert delivery.event_key == f"callback.answered:{callback.pk}"
    assert delivery.payload["callback"]["ticket_id"] == callback.ticket_id
    assert delivery.payload["response"] == {
        "via": "phone",
        "satisfied": True,
        "resolved": True,
        "answered_at": utc(care_factories.NOW),
    }


def test_hl10_complaint_opened_once(subscription):
    ticket = care_factories.ticket(type="complaint")
    care.complaint_open(ticket=ticket, now=care_factories.NOW)  # the hook is idempotent
    (delivery,) = deliveries(EventType.COMPLAINT_OPENED)
    complaint = ticket.complaint
    assert delivery.event_key == f"complaint.opened:{complaint.pk}"
    assert delivery.payload["complaint"]["due_date"] == complaint.due_date.isoformat()  # CB-6
    assert delivery.payload["ticket"]["type"] == "complaint"


def test_ct2_contract_expiring_event_once_per_reminder_step(make_user, subscription):
    make_user(Role.CALLBACK_SPECIALIST, username="sunli")
    customer = CustomerFactory(name="北京华联商贸有限公司")
    ContactFactory(customer=customer, email="liming@hualian.example")
    contract = ServiceContractFactory(customer=customer, number="SC-0001", end_date=datetime.date(2026, 12, 31))
    for now in (at(1, 8, month=12), at(1, 8, month=12), at(2, 8, month=12)):
        with time_machine.travel(now, tick=False):
            sla.contract_reminders_create(now=now)
    (delivery,) = deliveries(EventType.CONTRACT_EXPIRING)
    reminder = contract.reminders.get()
    assert delivery.event_key == f"contract.expiring:{reminder.pk}"
    assert delivery.payload["contract"] == {
        "id": contract.pk,
        "number": "SC-0001",
        "customer_id": customer.pk,
        "end_date": "2026-12-31",
    }
    assert delivery.payload["reminder"] == {"id": reminder.pk, "days_before": 30, "due_on": "2026-12-01"}


def test_only_active_subscriptions_that_listen_get_a_delivery(agent):
    listening = WebhookSubscriptionFactory(event_types=["ticket.created"])
    WebhookSubscriptionFactory(event_types=["sla.breached"])
    WebhookSubscriptionFactory(is_active=False)
    ticket_open(agent, now=at(9, 9))
    assert list(WebhookDelivery.objects.values_list("subscription", "event_type")) == [
        (listening.pk, "ticket.created")
    ]


def test_an_event_costs_one_query_when_nobody_listens(agent, django_assert_num_queries):
    WebhookSubscriptionFactory(is_active=False)
    ticket = ticket_open(agent, now=at(9, 9))
    with django_assert_num_queries(1):
        assert webhooks.ticket_created_emit(ticket=ticket, now=at(9, 9)) == []


def test_a_rolled_back_change_leaves_no_delivery(agent, subscription):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_open(agent, now=at(9, 9))
        raise RuntimeError("the business change failed")
    assert not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic="webhook.deliver").exists()


def test_an_unknown_event_type_is_a_programming_error():
    with pytest.raises(ValueError):
        webhooks.webhook_event_emit(event_type="ticket.deleted", key="x", data={})
