"""The duty manager's SLA board and the callback specialists' reminder queue: roles, content,
actions, and query counts that do not grow with the data."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from staff.roles import Role
from staff.tests.factories import TeamFactory
from tickets import services as ticket_services
from tickets.models.customers import RenewalStatus
from tickets.sla import services
from tickets.sla.models import ContractReminder, SLAClock
from tickets.tests.factories import CustomerFactory, ServiceContractFactory

from .factories import ContractReminderFactory, ticket_open

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 9, 15, 0, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def duty(make_user):
    return make_user(Role.DUTY_MANAGER, username="duty", team=TeamFactory(name="Hotline"))


@pytest.fixture
def duty_client(client, duty):
    client.force_login(duty)
    return client


def board_data(agent, duty, count):
    """``count`` clocks each: respond due within the hour, respond breached today, HL-7 call-backs."""
    due_soon = [ticket_open(agent, now=NOW - datetime.timedelta(minutes=90)) for _ in range(count)]
    late = [ticket_open(agent, now=NOW - datetime.timedelta(hours=3)) for _ in range(count)]
    services.sla_sweep(now=NOW)
    for ticket in late:
        services.clock_start(
            ticket=ticket, kind="dm_callback", started_at=NOW - datetime.timedelta(minutes=20), owner=duty
        )
    return due_soon, late


def test_board_is_for_duty_and_service_managers_only(client, make_user, frozen):
    for role, status in (
        (Role.AGENT, 403),
        (Role.ENGINEER, 403),
        (Role.CALLBACK_SPECIALIST, 403),
        (Role.SERVICE_MANAGER, 200),
    ):
        client.force_login(make_user(role))
        assert client.get(reverse("sla:board")).status_code == status


def test_os8_hl7_board_shows_due_soon_breached_today_and_call_backs(duty_client, agent, duty, frozen):
    due_soon, late = board_data(agent, duty, 2)
    paused = ticket_open(agent, now=NOW - datetime.timedelta(minutes=90))
    ticket_services.ticket_transition(
        ticket=paused, action="start", actor=agent, now=NOW - datetime.timedelta(minutes=80)
    )
    response = duty_client.get(reverse("sla:board"))
    board = response.context["board"]
    assert {c.ticket_id for c in board.due_soon} == {t.pk for t in due_soon}
    assert {(c.ticket_id, c.kind) for c in board.breached_today} == {(t.pk, "respond") for t in late}
    assert [c.kind for c in board.callbacks] == ["dm_callback", "dm_callback"]
    assert board.counts == {"due_soon": 2, "breached_today": 2, "callbacks": 2, "paused": 0}
    html = response.content.decode()
    assert due_soon[0].number in html and "data-countdown" in html
    assert "30\xa0minutes left" in html
    assert 'hx-trigger="every 30s"' in html


def test_board_htmx_refresh_returns_only_the_board(duty_client, agent, duty, frozen):
    board_data(agent, duty, 1)
    html = duty_client.get(reverse("sla:board"), headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="sla-board"') and "<html" not in html


def test_board_filters_by_kind_and_team(duty_client, agent, duty, engineer, frozen):
    due_soon, late = board_data(agent, duty, 1)
    bad = duty_client.get(reverse("sla:board"), {"team": "999"})
    assert len(bad.context["board"].callbacks) == 1 and "Select a valid choice" in bad.content.decode()
    response = duty_client.get(reverse("sla:board"), {"kind": "dm_callback"})
    assert response.context["board"].due_soon == [] and len(response.context["board"].callbacks) == 1
    field_team = TeamFactory(name="Field North")
    engineer.team = field_team
    engineer.save()
    ticket_services.ticket_assign(
        ticket=due_soon[0], assignee=engineer, actor=agent, now=NOW - datetime.timedelta(minutes=89)
    )
    services.clock_start(ticket=due_soon[0], kind="dispatch", started_at=NOW - datetime.timedelta(hours=7, minutes=30))
    board = duty_client.get(reverse("sla:board"), {"team": field_team.pk}).context["board"]
    assert [(c.ticket_id, c.kind) for c in board.due_soon] == [(due_soon[0].pk, "dispatch")]
    assert board.callbacks == []  # the call-backs are owned by the duty manager (team Hotline)


@pytest.mark.parametrize("count", [2, 12])
def test_board_query_count_is_constant(duty_client, agent, duty, frozen, count, django_assert_num_queries):
    board_data(agent, duty, count)
    # session, user, roles, unread badge, counts, three sections, team options
    with django_assert_num_queries(9):
        response = duty_client.get(reverse("sla:board"))
    assert len(response.context["board"].callbacks) == count


# --- Contract reminders ------------------------------------------------------------------------------


@pytest.fixture
def specialist(make_user):
    return make_user(Role.CALLBACK_SPECIALIST, username="sunli")


@pytest.fixture
def specialist_client(client, specialist):
    client.force_login(specialist)
    return client


def test_reminder_queue_is_for_callback_specialists_and_service_managers(client, make_user):
    for role, status in (
        (Role.AGENT, 403),
        (Role.DUTY_MANAGER, 403),
        (Role.ENGINEER, 403),
        (Role.SERVICE_MANAGER, 200),
    ):
        client.force_login(make_user(role))
        assert client.get(reverse("sla:reminders")).status_code == status
    reminder = ContractReminderFactory()
    client.force_login(make_user(Role.AGENT))
    assert client.get(reverse("sla:reminder_letter", args=[reminder.pk])).status_code == 403
    assert client.post(reverse("sla:reminder_done", args=[reminder.pk])).status_code == 403
    reminder.refresh_from_db()
    assert reminder.is_open


def test_ct2_queue_shows_mine_by_default_and_all_open_on_request(specialist_client, specialist, make_user):
    mine = ContractReminderFactory(assignee=specialist)
    other = ContractReminderFactory(assignee=make_user(Role.CALLBACK_SPECIALIST))
    ContractReminderFactory(assignee=specialist, status="done", closed_at=NOW)
    response = specialist_client.get(reverse("sla:reminders"))
    assert [r.pk for r in response.context["page"].object_list] == [mine.pk]
    response = specialist_client.get(reverse("sla:reminders"), {"scope": "open"})
    assert {r.pk for r in response.context["page"].object_list} == {mine.pk, other.pk}
    assert "print and fax" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_reminder_queue_query_count_is_constant(specialist_client, specialist, count, django_assert_num_queries):
    ContractReminderFactory.create_batch(count, assignee=specialist)
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = specialist_client.get(reverse("sla:reminders"))
    assert len(response.context["page"].object_list) == count


def test_ct2_mark_reminder_done_from_the_queue(specialist_client, specialist):
    reminder = ContractReminderFactory(assignee=specialist)
    response = specialist_client.post(
        reverse("sla:reminder_done", args=[reminder.pk]), {"note": "Renewal form faxed", "scope": "open"}
    )
    assert response.status_code == 302 and response.url.endswith("?scope=open")
    reminder.refresh_from_db()
    assert (reminder.status, reminder.closed_by, reminder.note) == ("done", specialist, "Renewal form faxed")
    again = specialist_client.post(reverse("sla:reminder_done", args=[reminder.pk]), {"note": ""}, follow=True)
    assert "already closed" in again.content.decode()


def test_ct2_mark_contract_lost_needs_a_reason_and_keeps_what_was_typed(specialist_client, specialist):
    reminder = ContractReminderFactory(assignee=specialist)
    url = reverse("sla:reminder_lost", args=[reminder.pk])
    assert specialist_client.get(url).status_code == 200
    response = specialist_client.post(url, {"note": "   "})
    assert response.status_code == 200 and "Say why the contract is lost." in response.content.decode()
    reminder.contract.refresh_from_db()
    assert reminder.contract.renewal_status == RenewalStatus.OPEN
    response = specialist_client.post(url, {"note": "Budget cut, switching vendor"})
    assert response.status_code == 302
    reminder.refresh_from_db()
    reminder.contract.refresh_from_db()
    assert reminder.status == "lost" and reminder.contract.renewal_status == RenewalStatus.LOST


def test_ct2_letter_page_prints_in_either_language(specialist_client):
    contract = ServiceContractFactory(number="SC-PRINT", customer=CustomerFactory(name="成都熊猫食品有限公司"))
    reminder = ContractReminderFactory(contract=contract, language="zh-hans")
    url = reverse("sla:reminder_letter", args=[reminder.pk])
    chinese = specialist_client.get(url).content.decode()
    assert 'lang="zh-hans"' in chinese and "SC-PRINT" in chinese and "@media print" in chinese
    english = specialist_client.get(url, {"lang": "en"}).content.decode()
    assert "Notice of service period expiry" in english and "成都熊猫食品有限公司" in english
    assert not ContractReminder.objects.filter(notice_sent_at__isnull=False).exists()  # printing sends nothing


def test_os8_breach_shows_in_the_ticket_timeline_with_its_label(agent_client, agent, frozen):
    ticket = ticket_open(agent, now=NOW - datetime.timedelta(hours=3))
    services.sla_sweep(now=NOW)
    html = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "SLA breached" in html and "Respond: due" in html
    assert SLAClock.objects.get(ticket=ticket, kind="respond").breached_at is not None
