"""The sweep: warnings, breaches exactly once, escalation, catching up after downtime, concurrency."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from servicedesk.core import outbox
from servicedesk.core.models import Notification, OutboxMessage
from staff.roles import Role
from tickets import services as ticket_services
from tickets.models import TicketEvent
from tickets.sla import services
from tickets.sla.models import SLABreach, SLAClock
from tickets.sla.tasks import sla_sweep as sla_sweep_task

from .factories import SLAPolicyFactory, ticket_open

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(d, hh=0, mm=0):
    return datetime.datetime(2026, 3, d, hh, mm, tzinfo=SH)


@pytest.fixture
def staff(make_user):
    manager = make_user(Role.SERVICE_MANAGER, username="boss")
    engineer = make_user(Role.ENGINEER, username="eng", manager=manager)
    duty = make_user(Role.DUTY_MANAGER, username="duty")
    return {"manager": manager, "engineer": engineer, "duty": duty}


def sweep(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.sla_sweep(now=now)


def test_os8_warning_at_80_percent_goes_to_the_responsible_person(agent, staff, django_capture_on_commit_callbacks):
    ticket = ticket_open(agent, now=at(9, 9))
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 5))
    ticket.assignee = staff["engineer"]
    ticket.save()
    result = sweep(at(9, 9, 10), django_capture_on_commit_callbacks)
    assert result.warned == [] and result.breached == []
    # 80 % of 48 h = 38 h 24 min.
    result = sweep(at(10, 23, 30), django_capture_on_commit_callbacks)
    resolve = SLAClock.objects.get(ticket=ticket, kind="resolve")
    assert result.warned == [resolve.pk] and resolve.warned_at == at(10, 23, 30)
    assert resolve.next_check_at == resolve.due_at
    note = Notification.objects.get(key=f"sla-warning:{resolve.pk}")
    assert note.recipient == staff["engineer"]
    assert ticket.events.filter(kind="sla_warning").count() == 1


def test_os8_breach_is_recorded_once_and_escalated_to_duty_manager_assignee_and_manager(
    agent, staff, django_capture_on_commit_callbacks
):
    ticket = ticket_open(agent, now=at(9, 9))
    respond = SLAClock.objects.get(ticket=ticket, kind="respond")
    respond.owner = staff["engineer"]
    respond.save()
    result = sweep(at(9, 11, 1), django_capture_on_commit_callbacks)
    assert result.breached == [respond.pk]
    respond.refresh_from_db()
    assert respond.breached_at == at(9, 11) and respond.next_check_at is None
    breach = SLABreach.objects.get()
    assert (breach.clock, breach.kind, breach.due_at, breach.responsible) == (
        respond,
        "respond",
        at(9, 11),
        staff["engineer"],
    )
    assert breach.detected_at == at(9, 11, 1) and breach.escalated_at == at(9, 11, 1)
    recipients = set(
        Notification.objects.filter(key=f"sla-breach:{respond.pk}").values_list("recipient__username", flat=True)
    )
    assert recipients == {"duty", "eng", "boss"}
    assert sorted(m.to[0] for m in mail.outbox if "breached" in m.subject) == [
        "boss@example.com",
        "duty@example.com",
        "eng@example.com",
    ]
    event = ticket.events.get(kind="sla_breached")
    assert event.created_at == at(9, 11) and event.actor is None and event.data["clock_kind"] == "respond"


def test_running_the_sweep_twice_gives_one_breach_and_one_notification(
    agent, staff, django_capture_on_commit_callbacks
):
    ticket = ticket_open(agent, now=at(9, 9))
    sweep(at(9, 12), django_capture_on_commit_callbacks)
    second = sweep(at(9, 12), django_capture_on_commit_callbacks)
    assert second.breached == [] and second.warned == []
    assert SLABreach.objects.count() == 1
    assert Notification.objects.filter(kind="sla_breach").count() == 1  # the duty manager (nobody assigned)
    assert ticket.events.filter(kind="sla_breached").count() == 1
    # Delivering the escalation task again (at-least-once delivery) changes nothing.
    clock_id = SLABreach.objects.get().clock_id
    assert services.clock_breach_escalate(clock_id=clock_id, now=at(9, 12)) is False
    assert Notification.objects.filter(kind="sla_breach").count() == 1


def test_os8_worker_down_for_three_hours_breaches_exactly_the_clocks_that_fell_due(
    agent, staff, django_capture_on_commit_callbacks
):
    tickets = [ticket_open(agent, now=at(9, 9) + datetime.timedelta(minutes=40 * i)) for i in range(6)]
    # Respond deadlines: 11:00, 11:40, 12:20, 13:00, 13:40, 14:20. Last sweep 10:59, back at 13:59.
    sweep(at(9, 10, 59), django_capture_on_commit_callbacks)
    ticket_services.ticket_assign(ticket=tickets[4], assignee=staff["engineer"], actor=agent, now=at(9, 13, 30))
    ticket_services.ticket_assign(ticket=tickets[1], assignee=staff["engineer"], actor=agent, now=at(9, 12))  # late
    result = sweep(at(9, 13, 59), django_capture_on_commit_callbacks)
    breached = set(SLABreach.objects.values_list("ticket_id", flat=True))
    # 0, 2, 3 fell due while nobody answered; 1 was answered late (it fell due too); 4 answered in time.
    assert breached == {tickets[i].pk for i in (0, 1, 2, 3)}
    assert len(result.breached) == 4
    assert sweep(at(9, 13, 59), django_capture_on_commit_callbacks).breached == []


def test_paused_clock_is_not_breached_while_waiting_on_the_customer(agent, staff, django_capture_on_commit_callbacks):
    ticket = ticket_open(agent, now=at(9, 9))
    ticket_services.ticket_transition(ticket=ticket, action="start", actor=agent, now=at(9, 9, 5))
    ticket_services.ticket_transition(ticket=ticket, action="wait", actor=agent, note="?", now=at(9, 10))
    assert sweep(at(13, 9), django_capture_on_commit_callbacks).breached == []
    assert not SLABreach.objects.exists()


def test_os8_breach_whose_fast_path_was_lost_is_escalated_by_the_relay(agent, staff):
    ticket_open(agent, now=at(9, 9))
    with time_machine.travel(at(9, 11, 1), tick=False):
        services.sla_sweep(now=at(9, 11, 1))  # the worker died before the after-commit hook ran
    breach = SLABreach.objects.get()
    assert breach.escalated_at is None
    message = OutboxMessage.objects.get(key=f"sla.breach_escalate:{breach.clock_id}")
    assert message.status == OutboxMessage.Status.PENDING
    with time_machine.travel(at(9, 11, 2), tick=False):
        assert outbox.relay().delivered == 1  # the escalation; it writes the e-mail copies
        emails = Notification.objects.filter(kind="sla_breach").exclude(recipient__email="").count()
        assert outbox.relay().delivered == emails and len(mail.outbox) == emails > 0
        assert outbox.relay().delivered == 0  # nothing left, nothing sent twice
    breach.refresh_from_db()
    message.refresh_from_db()
    assert breach.escalated_at == at(9, 11, 2) and message.sent_at == at(9, 11, 2)
    assert Notification.objects.filter(key=f"sla-breach:{breach.clock_id}").count() == 1


def test_sweep_task_takes_now_from_one_place(agent, staff, django_capture_on_commit_callbacks):
    ticket_open(agent, now=at(9, 9))
    with time_machine.travel(at(9, 11, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep_task.delay().get() == {"warned": 0, "breached": 1}
    assert sla_sweep_task.delay(now=at(9, 12).isoformat()).get()["breached"] == 0
    assert sla_sweep_task.acks_late and sla_sweep_task.max_retries == 3


@pytest.mark.parametrize("open_clocks", [5, 60])
def test_sweep_query_count_does_not_grow_with_open_clocks(
    agent, staff, django_assert_num_queries, open_clocks, django_capture_on_commit_callbacks
):
    for _ in range(3):
        ticket_open(agent, now=at(9, 9))  # respond due 11:00
    for _ in range(open_clocks // 2):
        ticket_open(agent, now=at(9, 12))  # nothing due at 11:30
    # SQLite splits bulk inserts by its parameter limit; both sizes stay under it.
    with time_machine.travel(at(9, 11, 30), tick=False), django_assert_num_queries(8):
        result = services.sla_sweep(now=at(9, 11, 30))
    assert len(result.breached) == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_on_postgresql_give_one_breach_and_one_notification(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE SKIP LOCKED) need PostgreSQL; SQLite serialises writers")
    SLAPolicyFactory(name="concurrency")
    agent = make_user(Role.AGENT)
    make_user(Role.DUTY_MANAGER)
    for _ in range(20):
        ticket_open(agent, now=at(9, 9))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.sla_sweep(now=at(9, 11, 30), batch_size=5))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    breached = [pk for result in results for pk in result.breached]
    assert len(breached) == len(set(breached)) == 20
    assert SLABreach.objects.count() == 20
    assert Notification.objects.filter(kind="sla_breach").count() == 20
    assert TicketEvent.objects.filter(kind="sla_breached").count() == 20


def test_sweep_repairs_an_out_of_date_check_time_without_breaching(agent, staff, django_capture_on_commit_callbacks):
    ticket = ticket_open(agent, now=at(9, 9))
    ticket_services.ticket_assign(ticket=ticket, assignee=staff["engineer"], actor=agent, now=at(9, 10))
    SLAClock.objects.filter(ticket=ticket, kind="respond").update(next_check_at=at(9, 9, 30))  # e.g. edited by hand
    assert sweep(at(9, 12), django_capture_on_commit_callbacks).breached == []
    assert SLAClock.objects.get(ticket=ticket, kind="respond").next_check_at is None
    assert not SLABreach.objects.exists()
