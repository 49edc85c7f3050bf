"""The on-site services with frozen time: status flow, OS-1 approval, SLA clocks, checklists,
deadlines and penalties, escalation, rescheduling and the customer's visit window notice (OS-3)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from onsite import selectors, services
from onsite.models import OnsiteEventKind, OrderStatus, PartUsed, Reschedule, ServiceOrder
from onsite.tasks import service_forms_late_check
from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageKind
from servicedesk.notify.services import DELIVER_TOPIC
from staff.models import PenaltyProposal
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models import TicketEvent
from tickets.sla.models import SLAClock

from .factories import (
    ALL_CHECKS,
    NOW,
    SHANGHAI,
    WINDOW,
    approved_leave,
    engineer,
    order_at,
    png,
    service_manager,
    visit_ticket,
)

pytestmark = pytest.mark.django_db


def clock(ticket, kind):
    return SLAClock.objects.get(ticket=ticket, kind=kind)


def events(order, kind):
    return TicketEvent.objects.filter(ticket=order.ticket, kind=kind, data__order=order.pk)


# --- Request and approval (HL-6, OS-1) ---------------------------------------------------------------


def test_hl6_request_starts_arrangement_dispatch_and_arrive_clocks_from_the_call():
    ticket = visit_ticket(now=NOW)
    order = services.service_order_request(
        ticket=ticket, requested_by=ticket.created_by, problem="打印机卡纸", offered_by=datetime.date(2026, 3, 13),
        now=NOW + datetime.timedelta(minutes=20),
    )  # fmt: skip
    assert order.status == OrderStatus.REQUESTED
    assert order.site_address == ticket.installation.address
    assert order.contact == ticket.contact
    for kind, hours in (("onsite_arrangement", 24), ("dispatch", 8), ("arrive", 24)):
        running = clock(ticket, kind)
        assert running.started_at == NOW and running.is_open
        assert running.due_at == NOW + datetime.timedelta(hours=hours)
    assert events(order, OnsiteEventKind.REQUESTED).get().body == "打印机卡纸"


def test_hl6_offered_date_more_than_three_days_after_the_call_is_refused():
    ticket = visit_ticket(now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.service_order_request(
            ticket=ticket, requested_by=ticket.created_by, problem="x", offered_by=datetime.date(2026, 3, 14), now=NOW
        )
    assert "offered_by" in refused.value.error_dict
    assert not ServiceOrder.objects.exists()


def test_hl6_agreed_window_is_the_offer_when_no_date_is_typed():
    ticket = visit_ticket(now=NOW)
    start = NOW + datetime.timedelta(days=1)
    order = services.service_order_request(
        ticket=ticket, requested_by=ticket.created_by, problem="x",
        agreed_start=start, agreed_end=start + datetime.timedelta(hours=2), now=NOW,
    )  # fmt: skip
    assert order.offered_by == start.date()
    # A window four days out is refused on the window's start, where the agent typed it.
    other = visit_ticket(now=NOW)
    late = NOW + datetime.timedelta(days=4)
    with pytest.raises(ValidationError) as refused:
        services.service_order_request(
            ticket=other, requested_by=other.created_by, problem="x",
            agreed_start=late, agreed_end=late + datetime.timedelta(hours=2), now=NOW,
        )  # fmt: skip
    assert "agreed_start" in refused.value.error_dict
    assert not ServiceOrder.objects.filter(ticket=other).exists()


def test_hl6_approval_with_agreed_window_meets_the_arrangement_clock_started_by_the_hotline():
    ticket = visit_ticket(now=NOW)
    from tickets.sla import services as sla

    sla.clock_start(ticket=ticket, kind="onsite_arrangement", started_at=NOW)  # as the hotline does (HL-6)
    order = services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="x", now=NOW)
    approved_at = NOW + datetime.timedelta(hours=3)
    services.service_order_approve(
        order=order, approver=service_manager(), agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=approved_at
    )
    assert clock(ticket, "onsite_arrangement").met_at == approved_at
    assert clock(ticket, "dispatch").is_open


def test_os1_approval_needs_an_agreed_window():
    order = order_at(OrderStatus.REQUESTED)
    with pytest.raises(ValidationError) as refused:
        services.service_order_approve(order=order, approver=service_manager(), now=NOW)
    assert "agreed_end" in refused.value.error_dict
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED


def test_os1_only_a_service_manager_approves():
    order = order_at(OrderStatus.REQUESTED)
    duty = UserFactory(roles=[Role.DUTY_MANAGER, Role.AGENT])
    with pytest.raises(ValidationError, match="only outside working hours"):  # ONSITE_APPROVER_ROLES default
        services.service_order_approve(order=order, approver=duty, agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED and order.approved_by is None


def test_os1_engineer_cannot_approve_own_order():
    """An engineer who is also a service manager asks for a visit: another service manager approves
    it, and whoever approves can never be dispatched on it."""
    liu = UserFactory(roles=[Role.ENGINEER, Role.SERVICE_MANAGER], username="liu")
    ticket = visit_ticket(now=NOW)
    order = services.service_order_request(ticket=ticket, requested_by=liu, problem="我去处理", now=NOW)
    with pytest.raises(ValidationError, match="another service manager"):
        services.service_order_approve(order=order, approver=liu, agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED

    wang = UserFactory(roles=[Role.ENGINEER, Role.SERVICE_MANAGER], username="wang")
    services.service_order_approve(order=order, approver=wang, agreed_start=WINDOW[0], agreed_end=WINDOW[1], now=NOW)
    with pytest.raises(ValidationError, match="cannot be its engineer"):
        services.service_order_assign(order=order, engineer=wang, actor=wang, now=NOW)
    order.refresh_from_db()
    assert order.engineer is None and order.status == OrderStatus.APPROVED
    services.service_order_assign(order=order, engineer=liu, actor=wang, now=NOW)
    order.refresh_from_db()
    assert (order.status, order.engineer, order.approved_by) == (OrderStatus.ASSIGNED, liu, wang)


def test_os1_database_refuses_an_approver_as_engineer():
    order = order_at(OrderStatus.APPROVED)
    order.engineer = order.approved_by
    with pytest.raises(ValidationError):
        order.full_clean()


def test_one_open_order_per_ticket():
    order = order_at(OrderStatus.REQUESTED)
    with pytest.raises(ValidationError):
        services.service_order_request(ticket=order.ticket, requested_by=order.requested_by, problem="again", now=NOW)
    assert ServiceOrder.objects.count() == 1


def test_request_refused_for_a_resolved_ticket():
    ticket = visit_ticket(now=NOW)
    from tickets.services import ticket_transition

    ticket_transition(ticket=ticket, action="resolve", actor=ticket.created_by, resolution="solved by phone", now=NOW)
    ticket.refresh_from_db()
    with pytest.raises(ValidationError, match="open ticket"):
        services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="x", now=NOW)


def test_service_managers_are_asked_to_approve():
    manager = service_manager()
    order = order_at(OrderStatus.REQUESTED, manager=manager)
    assert Notification.objects.filter(recipient=manager, key=f"onsite-approval:{order.pk}").exists()


# --- Dispatch (OS-8, GN-3) ---------------------------------------------------------------------------


def test_os8_dispatch_clock_stops_at_assignment_and_the_customer_gets_the_window(django_capture_on_commit_callbacks):
    order = order_at(OrderStatus.APPROVED)
    assigned_at = NOW + datetime.timedelta(hours=2)
    liu = engineer("liu", full_name="刘洋")
    with django_capture_on_commit_callbacks(execute=True):
        services.service_order_assign(order=order, engineer=liu, actor=order.approved_by, now=assigned_at)
    assert clock(order.ticket, "dispatch").met_at == assigned_at
    assert clock(order.ticket, "arrive").is_open
    order.refresh_from_db()
    assert order.window_emailed_for == WINDOW[0]
    assert visit_messages(order).get().status == "sent"  # OS-3 through servicedesk/notify
    (message,) = [m for m in mail.outbox if m.to == ["liming@customer.example"]]
    assert "2026-03-10 14:00" in message.body and "16:00" in message.body and "刘洋" in message.body
    assert Notification.objects.filter(recipient=liu, kind="onsite_assigned").exists()
    assert events(order, OnsiteEventKind.ASSIGNED).get().data["engineer"] == liu.pk


def visit_messages(order):
    return CustomerMessage.objects.filter(kind=MessageKind.VISIT_WINDOW, ticket=order.ticket).order_by("pk")


def test_os3_window_notice_is_sent_once_per_window_in_the_customers_language(django_capture_on_commit_callbacks):
    order = order_at(OrderStatus.ASSIGNED)
    assert services.visit_window_notice_send(order_id=order.pk, now=NOW) is True
    assert services.visit_window_notice_send(order_id=order.pk, now=NOW) is False  # same window: nothing new
    (first,) = visit_messages(order)
    assert first.key == f"visit_window:{order.pk}:{order.agreed_start.isoformat()}"
    assert (first.channel, first.recipient, first.status) == ("email", "liming@customer.example", "pending")
    assert OutboxMessage.objects.filter(topic=DELIVER_TOPIC, key=f"notify:{first.key}").count() == 1
    mail.outbox.clear()
    outbox.relay(now=NOW)  # the notify.deliver row hands the message to the e-mail backend
    (email,) = [m for m in mail.outbox if m.to == ["liming@customer.example"]]
    assert "2026-03-10 14:00" in email.body and email.subject.startswith(f"[{order.ticket.number}]")
    first.refresh_from_db()
    assert first.status == "sent" and first.sent_at == NOW
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.service_order_reschedule(
            order=order, actor=order.engineer, caused_by="customer", reason="客户临时开会",
            new_start=WINDOW[0] + datetime.timedelta(days=1), new_end=WINDOW[1] + datetime.timedelta(days=1), now=NOW,
        )  # fmt: skip
    (message,) = [m for m in mail.outbox if m.to == ["liming@customer.example"]]
    assert "2026-03-11 14:00" in message.body
    assert "工程师" in message.body  # customer with a Chinese name: the letter is in Chinese
    assert [m.language for m in visit_messages(order)] == ["zh-hans", "zh-hans"]


def test_os3_visit_window_goes_by_sms_to_a_contact_without_email(settings):
    settings.NOTIFY_SMS_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    ticket = visit_ticket(now=NOW)
    ticket.contact.email = ""
    ticket.contact.save()
    order = order_at(OrderStatus.ASSIGNED, ticket=ticket, engineer_user=engineer("liu", full_name="刘洋"))
    assert services.visit_window_notice_send(order_id=order.pk, now=NOW) is True
    (message,) = visit_messages(order)
    assert (message.channel, message.recipient) == ("sms", ticket.contact.mobile)
    assert "刘洋" in message.body and "2026-03-10 14:00" in message.body and message.subject == ""
    assert message.params["engineer"] == "刘洋" and message.params["window"] == "2026-03-10 14:00–16:00"
    outbox.relay(now=NOW)
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id.startswith("console-")
    order.refresh_from_db()
    assert order.window_emailed_for == WINDOW[0] and order.window_emailed_at == NOW


def test_os3_visit_window_notice_twice_writes_one_message():
    order = order_at(OrderStatus.ASSIGNED)
    assert services.visit_window_notice_send(order_id=order.pk, now=NOW) is True
    # A crash after the send but before the stamp reached the database: the handler runs again.
    ServiceOrder.objects.filter(pk=order.pk).update(window_emailed_for=None, window_emailed_at=None)
    services.visit_window_notice_send(order_id=order.pk, now=NOW + datetime.timedelta(minutes=1))
    (message,) = visit_messages(order)
    assert OutboxMessage.objects.filter(key=f"notify:{message.key}").count() == 1


def test_os3_visit_window_to_an_unreachable_contact_is_not_stamped():
    ticket = visit_ticket(now=NOW)
    ticket.contact.email, ticket.contact.mobile, ticket.contact.phone = "", "", "010-6201 1234"  # office phone only
    ticket.contact.save()
    order = order_at(OrderStatus.ASSIGNED, ticket=ticket)
    assert services.visit_window_notice_send(order_id=order.pk, now=NOW) is False
    order.refresh_from_db()
    assert order.window_emailed_for is None and not visit_messages(order).exists()


def test_gn3_dispatch_refuses_an_engineer_on_approved_leave():
    order = order_at(OrderStatus.APPROVED)
    away = engineer("away")
    approved_leave(away, start=datetime.date(2026, 3, 9), end=datetime.date(2026, 3, 11))
    with pytest.raises(ValidationError, match="leave"):
        services.service_order_assign(order=order, engineer=away, actor=order.approved_by, now=NOW)


def test_gn3_candidates_ranked_by_skill_region_and_load_leave_and_off_shift_excluded():
    from staff.models import EmployeeSkill, Skill
    from tickets.tests.factories import ProductFactory, RegionFactory

    beijing = RegionFactory(code="beijing", name="北京分公司")
    shanghai = RegionFactory(code="shanghai", name="上海分公司")
    printer = ProductFactory(code="printer-ip300")
    ticket = visit_ticket(now=NOW, product=printer)
    order = order_at(OrderStatus.APPROVED, ticket=ticket)
    expert = engineer("expert", full_name="Expert", region=shanghai)
    local = engineer("local", full_name="Local", region=beijing)
    busy = engineer("busy", full_name="Busy", region=beijing)
    away = engineer("away", full_name="Away", region=beijing)
    skill = Skill.objects.create(name="打印机维修", product=printer, ticket_type="fault")
    for person, level in ((expert, 3), (local, 1), (busy, 1), (away, 3)):
        EmployeeSkill.objects.create(employee=person, skill=skill, level=level)
    order_at(OrderStatus.ASSIGNED, engineer_user=busy)  # one open order for "busy"
    approved_leave(away, start=datetime.date(2026, 3, 10), end=datetime.date(2026, 3, 10))
    ranked, excluded = selectors.dispatch_candidates(order=order)
    names = [r.candidate.name for r in ranked]
    assert names[:3] == ["Expert", "Local", "Busy"]
    assert ranked[0].score == 90 and ranked[1].score == 30 + 25 and ranked[2].score == 30 + 25 - 8
    assert any("Same region" in reason for reason in ranked[1].reasons)
    assert any("1 open orders" in reason for reason in ranked[2].reasons)
    assert ("Away", "on approved leave in the visit window") in [(e.name, e.reason) for e in excluded]

    # A Saturday window: the default calendar has no working time, so everyone is off shift.
    saturday = datetime.datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI)
    order.agreed_start, order.agreed_end = saturday, saturday + datetime.timedelta(hours=2)
    ranked, excluded = selectors.dispatch_candidates(order=order)
    assert ranked == [] and "off shift in the visit window" in {e.reason for e in excluded}


# --- The visit (OS-2, OS-3, OS-4, OS-8, OS-11) -------------------------------------------------------


def test_os3_reached_call_needs_the_whole_checklist():
    order = order_at(OrderStatus.ASSIGNED)
    with pytest.raises(ValidationError, match="Customer asked to back up"):
        services.precall_attempt_record(
            order=order, engineer=order.engineer, reached=True, checks={**ALL_CHECKS, "backup_requested": False}, now=NOW
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED and not order.calls.exists()


def test_os3_unreachable_customer_is_retried_by_the_close_of_the_next_working_day():
    order = order_at(OrderStatus.ASSIGNED)
    friday = datetime.datetime(2026, 3, 13, 17, 0, tzinfo=SHANGHAI)
    services.precall_attempt_record(order=order, engineer=order.engineer, reached=False, checks={}, note="无人接听", now=friday)
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED
    assert order.call_retry_due_at == datetime.datetime(2026, 3, 16, 18, 0, tzinfo=SHANGHAI)  # Monday close
    assert order.calls.get().reached is False
    assert "无人接听" in events(order, OnsiteEventKind.CALL).get().body
    services.precall_attempt_record(order=order, engineer=order.engineer, reached=True, checks=ALL_CHECKS, now=friday)
    order.refresh_from_db()
    assert order.status == OrderStatus.PRECALL_DONE and order.call_retry_due_at is None


def test_os3_only_the_orders_engineer_makes_the_call():
    order = order_at(OrderStatus.ASSIGNED)
    with pytest.raises(ValidationError, match="Only the engineer"):
        services.precall_attempt_record(order=order, engineer=engineer(), reached=True, checks=ALL_CHECKS, now=NOW)


def test_os2_engineer_leaves_only_sure_to_solve_it_and_knowing_the_address():
    order = order_at(OrderStatus.PRECALL_DONE)
    with pytest.raises(ValidationError, match="Consult the hotline"):
        services.service_order_depart(order=order, engineer=order.engineer, can_solve=False, address_known=True, now=NOW)
    services.service_order_depart(order=order, engineer=order.engineer, can_solve=True, address_known=True, now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.EN_ROUTE and order.departed_at == NOW


def test_os8_arrive_clock_stops_at_check_in_with_the_position():
    order = order_at(OrderStatus.EN_ROUTE)
    arrived = NOW + datetime.timedelta(hours=4)
    services.service_order_check_in(
        order=order, engineer=order.engineer, latitude="39.983424", longitude="116.307649", accuracy="12.4", now=arrived
    )
    order.refresh_from_db()
    assert (order.status, order.checked_in_at) == (OrderStatus.ON_SITE, arrived)
    assert str(order.checkin_latitude) == "39.983424" and order.checkin_accuracy == 12
    assert clock(order.ticket, "arrive").met_at == arrived


def test_check_in_refuses_a_position_out_of_range():
    order = order_at(OrderStatus.EN_ROUTE)
    with pytest.raises(ValidationError):
        services.service_order_check_in(order=order, engineer=order.engineer, latitude="95", longitude="10", now=NOW)


def test_os4_work_report_needs_every_on_site_step():
    order = order_at(OrderStatus.ON_SITE)
    with pytest.raises(ValidationError, match="Customer data backed up"):
        services.work_report_submit(
            order=order, engineer=order.engineer, checks={**ALL_CHECKS, "data_backed_up": False},
            cause="c", actions="a", now=NOW,
        )  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE


def test_os11_parts_recorded_with_quantity_and_factory_repair_due_in_five_working_days():
    friday = datetime.datetime(2026, 3, 13, 15, 0, tzinfo=SHANGHAI)
    order = order_at(OrderStatus.ON_SITE)
    services.work_report_submit(
        order=order, engineer=order.engineer, checks=ALL_CHECKS, cause="主板损坏", actions="更换主板",
        parts=[{"name": "色带", "quantity": 2}, {"name": "主板", "part_number": "MB-300", "quantity": 1, "return_to_factory": True}],
        now=friday,
    )  # fmt: skip
    ribbon, board = PartUsed.objects.order_by("id")
    assert (ribbon.name, ribbon.quantity, ribbon.used_at, ribbon.factory_due_on) == ("色带", 2, friday, None)
    assert board.return_to_factory and board.factory_due_on == datetime.date(2026, 3, 20)
    assert events(order, OnsiteEventKind.WORK_DONE).get().data["parts"][1] == {"name": "主板", "quantity": 1, "factory": True}
    services.part_factory_returned(part=board, actor=service_manager(), returned_on=datetime.date(2026, 3, 23), now=friday)
    board.refresh_from_db()
    assert board.factory_returned_on == datetime.date(2026, 3, 23)
    assert events(order, OnsiteEventKind.PART_RETURNED).get().data["late"] is True


def test_os8_resolve_clock_met_and_ticket_resolved_when_the_customer_signs():
    order = order_at(OrderStatus.WORK_DONE)
    signed_at = NOW + datetime.timedelta(hours=6)
    sign_off = services.service_order_sign(
        order=order, engineer=order.engineer, signature_png=png(), customer_name="李明", rating=4, comment="很好",
        now=signed_at,
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED
    assert (sign_off.rating, sign_off.customer_name, sign_off.satisfied) == (4, "李明", True)
    with sign_off.signature.open("rb") as stored:
        assert stored.read() == png()
    assert clock(order.ticket, "resolve").met_at == signed_at
    order.ticket.refresh_from_db()
    assert order.ticket.status == "resolved" and "打印头脏污" in order.ticket.resolution


def test_os4_signature_must_be_a_real_non_empty_png():
    order = order_at(OrderStatus.WORK_DONE)
    for bad in (png(ink=False), b"GIF89a....", png()[:-5]):
        with pytest.raises(ValidationError):
            services.service_order_sign(order=order, engineer=order.engineer, signature_png=bad, customer_name="李明", rating=5, now=NOW)
    with pytest.raises(ValidationError):
        services.service_order_sign(order=order, engineer=order.engineer, signature_png=png(), customer_name="李明", rating=6, now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.WORK_DONE


# --- Escalation, rescheduling, cancelling (OS-5, OS-9) ------------------------------------------------


def test_os5_escalation_notifies_the_duty_managers_on_shift_at_once(django_capture_on_commit_callbacks):
    duty = UserFactory(roles=[Role.DUTY_MANAGER], email="duty@example.com")
    order = order_at(OrderStatus.ON_SITE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.service_order_escalate(order=order, engineer=order.engineer, reason="需要厂家远程支持", now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.ESCALATED
    notice = Notification.objects.get(recipient=duty, kind="onsite_escalation")
    assert "需要厂家远程支持" in notice.body and notice.url == order.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["duty@example.com"]]
    services.service_order_resume(order=order, actor=duty, note="已联系厂家", now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.ON_SITE


def test_os9_reschedule_records_the_cause_and_company_misses_are_counted():
    order = order_at(OrderStatus.EN_ROUTE)
    services.service_order_reschedule(
        order=order, actor=order.engineer, caused_by="company", reason="车辆故障，迟到",
        new_start=WINDOW[0] + datetime.timedelta(days=1), new_end=WINDOW[1] + datetime.timedelta(days=1), now=NOW,
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.RESCHEDULED and order.precall_done_at is None
    assert order.trip_due_at is not None  # OS-7: the trip made already must be recorded
    row = Reschedule.objects.get()
    assert (row.caused_by, row.old_start, row.new_start, row.engineer) == (
        "company", WINDOW[0], WINDOW[0] + datetime.timedelta(days=1), order.engineer)
    start, end = NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=1)
    assert selectors.reschedule_totals(start=start, end=end) == {"company": 1, "customer": 0}
    assert list(selectors.reschedule_report(start=start, end=end))[0]["company"] == 1
    # the rebooked visit starts again with the pre-visit call
    services.precall_attempt_record(order=order, engineer=order.engineer, reached=True, checks=ALL_CHECKS, now=NOW)


def test_cancel_cancels_the_pending_visit_clocks():
    order = order_at(OrderStatus.APPROVED)
    services.service_order_cancel(order=order, actor=order.approved_by, reason="客户自行解决", now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert clock(order.ticket, "dispatch").cancelled_at == NOW
    assert clock(order.ticket, "arrive").cancelled_at == NOW


def test_close_needs_the_trip_in_the_service_record():
    order = order_at(OrderStatus.SIGNED)
    services.service_form_hand_in(order=order, actor=order.engineer, now=NOW)
    with pytest.raises(ValidationError, match="trip into the service record"):
        services.service_order_close(order=order, actor=service_manager(), now=NOW)
    services.trip_record_write(order=order, engineer=order.engineer, text="往返两小时", now=NOW)
    services.service_order_close(order=order, actor=service_manager(), now=NOW)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert "往返两小时" in events(order, OnsiteEventKind.TRIP_RECORDED).get().body


def test_transition_table_refuses_steps_out_of_order():
    order = order_at(OrderStatus.ASSIGNED)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.service_order_check_in(order=order, engineer=order.engineer, now=NOW)


# --- Deadlines and penalties (OS-6/ST-8, OS-7/ST-10) ---------------------------------------------------


def test_os6_st8_form_not_handed_in_by_the_next_working_day_proposes_the_fine_exactly_once():
    friday = datetime.datetime(2026, 3, 13, 16, 0, tzinfo=SHANGHAI)
    order = order_at(OrderStatus.WORK_DONE, now=friday - datetime.timedelta(hours=1))
    services.service_order_sign(order=order, engineer=order.engineer, signature_png=png(), customer_name="李明", rating=5, now=friday)
    order.refresh_from_db()
    monday_night = datetime.datetime(2026, 3, 17, 0, 0, tzinfo=SHANGHAI)
    assert order.form_due_at == monday_night == order.trip_due_at
    with time_machine.travel(monday_night - datetime.timedelta(minutes=1), tick=False):
        assert service_forms_late_check.delay().get() == {"forms": 0, "trips": 0}
    with time_machine.travel(monday_night + datetime.timedelta(minutes=20), tick=False):
        assert service_forms_late_check.delay().get() == {"forms": 1, "trips": 1}
        assert service_forms_late_check.delay().get() == {"forms": 0, "trips": 0}  # a second run adds nothing
    proposals = PenaltyProposal.objects.filter(employee=order.engineer, source_id=order.pk)
    assert sorted(proposals.values_list("rule__code", flat=True)) == ["st10-trip-not-recorded", "st8-late-service-form"]
    assert proposals.get(rule__code="st8-late-service-form").occurred_at == monday_night


def test_os6_st8_late_hand_in_still_counts_but_in_time_does_not():
    order = order_at(OrderStatus.SIGNED)
    services.trip_record_write(order=order, engineer=order.engineer, text="往返", now=NOW)
    late = order.form_due_at + datetime.timedelta(hours=1)
    services.service_form_hand_in(order=order, actor=order.engineer, now=late)
    assert services.service_form_late_report(order_id=order.pk, now=late) is True
    assert services.trip_record_late_report(order_id=order.pk, now=late) is False
    on_time = order_at(OrderStatus.HANDED_IN)
    later = on_time.form_due_at + datetime.timedelta(days=3)
    assert on_time.pk not in selectors.forms_late_ids(now=later)
    assert services.service_form_late_report(order_id=on_time.pk, now=later) is False
    assert PenaltyProposal.objects.filter(source_id=on_time.pk).count() == 0


def test_os7_st10_trip_of_a_visit_cancelled_on_site_must_still_be_recorded():
    order = order_at(OrderStatus.ON_SITE)
    services.service_order_cancel(order=order, actor=service_manager(), reason="客户设备已送修", now=NOW)
    order.refresh_from_db()
    assert order.trip_due_at is not None
    assert order in selectors.my_orders(engineer=order.engineer, today=NOW.date())["finish"]
    assert services.trip_record_late_report(order_id=order.pk, now=order.trip_due_at + datetime.timedelta(minutes=1))
    assert PenaltyProposal.objects.get(source_id=order.pk).rule.code == "st10-trip-not-recorded"


def test_timeline_shows_the_whole_visit():
    order = order_at(OrderStatus.CLOSED)
    kinds = list(selectors.order_timeline(order=order).values_list("kind", flat=True))
    assert kinds == [
        "onsite_requested", "onsite_approved", "onsite_assigned", "onsite_call", "onsite_departed",
        "onsite_checked_in", "onsite_work_done", "onsite_signed", "onsite_trip_recorded", "onsite_handed_in",
        "onsite_closed",
    ]  # fmt: skip
