"""What survives a double click (docs/operations.md): every creating form is idempotent.

Each form page renders a random idempotency key; posting the same form twice (a double click, a
browser retry after a time-out) stores one record, and the repeat is answered with the first
result and an "Already saved" message. Concurrent twins (two threads, PostgreSQL) also store one.
HL-1: no call is lost and none is doubled.
"""

import datetime
import re
import threading
from dataclasses import dataclass
from typing import Callable

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from hotline.models import CallLog, Outcome
from hotline.tests.factories import NOW as HOTLINE_NOW
from hotline.tests.factories import known_caller
from onsite.models import ServiceOrder
from onsite.tests.factories import NOW as ONSITE_NOW
from onsite.tests.factories import visit_ticket
from servicedesk.core import idempotency
from servicedesk.core.models import IdempotencyKey
from staff.models import LeaveRequest, TravelRequest
from staff.roles import Role
from staff.tests.factories import EmployeeFactory, UserFactory
from tickets.care.models import Complaint, SurveyResponse
from tickets.care.tests.factories import NOW as CARE_NOW
from tickets.care.tests.factories import answers, callback
from tickets.contracts.models import Renewal, RenewalStatus
from tickets.contracts.tests.factories import NOW as CONTRACT_NOW
from tickets.contracts.tests.factories import contract_with_installations, renewal_at
from tickets.contracts.tests.factories import manager as contract_manager
from tickets.models import Customer, Ticket
from tickets.models.tickets import EventKind
from tickets.tests.factories import ContactFactory, InstallationFactory

pytestmark = pytest.mark.django_db
KEY = re.compile(r'name="idempotency_key" value="([A-Za-z0-9_-]{16,64})"')
ALREADY = "Already saved"


@dataclass
class Scenario:
    user: object
    form_url: str
    post_url: str
    data: dict
    count: Callable[[], int]
    htmx: bool = False
    repeat_message: str = ALREADY


def _call_data(caller, agent, outcome=Outcome.SOLVED, **extra) -> dict:
    local = HOTLINE_NOW
    fields = {
        Outcome.SOLVED: {"resolution": "重新装纸后正常"},
        Outcome.COMPLAINT: {"complaint_about": "上次上门的工程师", "complaint_text": "迟到两小时"},
    }[outcome]
    return {
        "started_at": local.isoformat(),
        "customer": caller["customer"].pk,
        "organisation": caller["customer"].name,
        "caller_phone": "138 0013 8000",
        "contact": caller["contact"].pk,
        "installation": caller["installation"].pk,
        "problem": "打印机卡纸",
        "outcome": outcome,
        "link_ticket": "",
        **fields,
        **extra,
    }


def hotline_call(outcome=Outcome.SOLVED, count=lambda: CallLog.objects.exclude(outcome="").count()):
    def build():
        agent = UserFactory(roles=[Role.AGENT])
        caller = known_caller()
        url = reverse("hotline:call")
        return Scenario(agent, url, url, _call_data(caller, agent, outcome), count, htmx=True)

    return build


def ticket_create():
    agent = UserFactory(roles=[Role.AGENT])
    contact = ContactFactory()
    installation = InstallationFactory(customer=contact.customer)
    data = {
        "customer": contact.customer.name,
        "contact": contact.pk,
        "installation": installation.pk,
        "channel": "hotline",
        "type": "fault",
        "priority": 3,
        "subject": "Invoice printer stops",
        "description": "After the first page",
        "assignee": "",
    }
    url = reverse("tickets:create")
    return Scenario(agent, url, url, data, Ticket.objects.count)


def ticket_comment():
    agent = UserFactory(roles=[Role.AGENT])
    contact = ContactFactory()
    ticket = Ticket.objects.create(
        number="T-IDEM-1", customer=contact.customer, contact=contact, subject="x", description="y", created_by=agent
    )
    return Scenario(
        agent,
        ticket.get_absolute_url(),
        reverse("tickets:comment", args=[ticket.number]),
        {"body": "On my way"},
        lambda: ticket.events.filter(kind=EventKind.COMMENT).count(),
    )


def onsite_request():
    ticket = visit_ticket(now=ONSITE_NOW)
    agent = UserFactory(roles=[Role.AGENT])
    url = reverse("onsite:request", args=[ticket.number])
    data = {"problem": "打印机不出纸，需要上门", "offered_by": "2026-03-12"}
    # OS-1: one open order per ticket; the page itself sends a repeat to the open order.
    return Scenario(agent, url, url, data, ServiceOrder.objects.count, repeat_message="already has an open on-site order")


def leave_request():
    duty = EmployeeFactory(roles=[Role.DUTY_MANAGER])
    employee = EmployeeFactory(roles=[Role.ENGINEER], manager=duty)
    url = reverse("staff:leave_new")
    data = {"kind": "annual", "start_date": "2026-03-16", "end_date": "2026-03-19", "reason": "wedding", "handover": ""}
    return Scenario(employee, url, url, data, LeaveRequest.objects.count)


def travel_request():
    duty = EmployeeFactory(roles=[Role.DUTY_MANAGER])
    employee = EmployeeFactory(roles=[Role.ENGINEER], manager=duty)
    url = reverse("staff:travel_new")
    data = {
        "destination": "成都 Chengdu",
        "purpose": "installation",
        "departs_at": "2026-03-12T08:00",
        "returns_at": "2026-03-14T18:00",
        "estimated_cost": "1200",
    }
    return Scenario(employee, url, url, data, TravelRequest.objects.count)


def survey_answer():
    specialist = UserFactory(roles=[Role.CALLBACK_SPECIALIST])
    cb = callback()
    data = {f"q_{pk}": value for pk, value in answers(cb, overall=5).items()}
    return Scenario(
        specialist, cb.get_absolute_url(), reverse("care:callback_survey", args=[cb.pk]), data, SurveyResponse.objects.count
    )


def callback_attempt():
    specialist = UserFactory(roles=[Role.CALLBACK_SPECIALIST])
    cb = callback()

    def attempts():
        cb.refresh_from_db()
        return cb.attempts

    return Scenario(
        specialist,
        cb.get_absolute_url(),
        reverse("care:callback_attempt", args=[cb.pk]),
        {"reached": "unreachable", "note": "关机"},
        attempts,
    )


def renewal_offer():
    boss = contract_manager()
    contract = contract_with_installations()
    url = reverse("contracts:renewal_offer", args=[contract.pk])
    data = {"new_start": "2027-01-01", "new_end": "2027-12-31", "level": "standard", "price": "36000"}
    # CT-3: one open renewal per contract; the page itself sends a repeat to the open renewal.
    return Scenario(boss, url, url, data, Renewal.objects.count, repeat_message="already has an open renewal")


def renewal_payment():
    boss = contract_manager()
    renewal = renewal_at(RenewalStatus.SIGNED)
    return Scenario(
        boss,
        renewal.get_absolute_url(),
        reverse("contracts:renewal_pay", args=[renewal.pk]),
        {"paid_on": "2026-12-01", "amount": "36000.00"},
        lambda: Renewal.objects.filter(pk=renewal.pk, paid_on__isnull=False).count(),
    )


SCENARIOS = {
    "hl1_call": (hotline_call(), HOTLINE_NOW),
    "cb6_complaint_call": (hotline_call(Outcome.COMPLAINT, count=Complaint.objects.count), HOTLINE_NOW),
    "ticket_create": (ticket_create, HOTLINE_NOW),
    "ticket_comment": (ticket_comment, HOTLINE_NOW),
    "os1_onsite_request": (onsite_request, ONSITE_NOW),
    "st2_leave": (leave_request, datetime.datetime(2026, 3, 10, 8, 50, tzinfo=HOTLINE_NOW.tzinfo)),
    "st15_travel": (travel_request, datetime.datetime(2026, 3, 10, 8, 50, tzinfo=HOTLINE_NOW.tzinfo)),
    "cb1_survey": (survey_answer, CARE_NOW),
    "cb1_attempt": (callback_attempt, CARE_NOW),
    "ct3_renewal_offer": (renewal_offer, CONTRACT_NOW),
    "ct3_renewal_payment": (renewal_payment, CONTRACT_NOW),
}


def _key_of(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    match = KEY.search(page.content.decode())
    assert match, f"{url} renders no idempotency key"
    return match.group(1)


def _post(client, scenario, data):
    extra = {"HTTP_HX_REQUEST": "true"} if scenario.htmx else {}
    return client.post(scenario.post_url, data, **extra)


@pytest.mark.parametrize("name", SCENARIOS)
def test_double_submit_stores_one_record_and_answers_the_repeat_with_the_first_result(client, name):
    build, now = SCENARIOS[name]
    with time_machine.travel(now, tick=False):
        scenario = build()
        client.force_login(scenario.user)
        before = scenario.count()
        data = {**scenario.data, "idempotency_key": _key_of(client, scenario.form_url)}
        first = _post(client, scenario, data)
        assert first.status_code in (200, 302), first.content.decode()[:2000]
        assert scenario.count() == before + 1
        list(get_messages(first.wsgi_request))  # consume the first request's messages
        second = _post(client, scenario, data)
        assert scenario.count() == before + 1, "the repeat stored a second record"
        row = IdempotencyKey.objects.get(key=data["idempotency_key"])
        assert row.user_id == scenario.user.pk and row.result_url
        if scenario.htmx:
            assert second.status_code == 204 and second.headers["HX-Redirect"] == row.result_url
        else:
            assert second.status_code == 302 and second.url == row.result_url
            if first.status_code == 302:
                assert first.url == second.url  # the same redirect as the first time
        assert any(scenario.repeat_message in str(m) for m in get_messages(second.wsgi_request))
        # A new page (a new key) is a new record: the key guards repeats, not legitimate entries.
        if name in ("hl1_call", "ticket_comment", "cb1_attempt"):
            _post(client, scenario, {**scenario.data, "idempotency_key": _key_of(client, scenario.form_url)})
            assert scenario.count() == before + 2


def test_a_refused_post_does_not_use_up_its_key(client):
    """The service refuses the first post (validation); the corrected form with the same key saves."""
    with time_machine.travel(ONSITE_NOW, tick=False):
        scenario = onsite_request()
        client.force_login(scenario.user)
        key = _key_of(client, scenario.form_url)
        refused = client.post(scenario.post_url, {**scenario.data, "offered_by": "2026-03-20", "idempotency_key": key})
        assert refused.status_code == 200 and key in refused.content.decode()  # re-rendered with the same key
        assert not ServiceOrder.objects.exists() and not IdempotencyKey.objects.exists()
        saved = client.post(scenario.post_url, {**scenario.data, "idempotency_key": key})
        assert saved.status_code == 302 and ServiceOrder.objects.count() == 1


def test_someone_elses_key_is_refused(client):
    with time_machine.travel(HOTLINE_NOW, tick=False):
        scenario = ticket_create()
        client.force_login(scenario.user)
        key = _key_of(client, scenario.form_url)
        client.post(scenario.post_url, {**scenario.data, "idempotency_key": key})
        other = UserFactory(roles=[Role.AGENT])
        client.force_login(other)
        response = client.post(scenario.post_url, {**scenario.data, "idempotency_key": key})
        assert response.status_code == 403 and Ticket.objects.count() == 1


def test_a_damaged_key_is_a_form_error_not_a_500(client):
    with time_machine.travel(HOTLINE_NOW, tick=False):
        scenario = ticket_create()
        client.force_login(scenario.user)
        response = client.post(scenario.post_url, {**scenario.data, "idempotency_key": "x' OR 1=1 --"})
        assert response.status_code == 200 and not Ticket.objects.exists()
        assert "reload the page" in response.content.decode()


def test_keys_are_forgotten_after_their_lifetime(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "IDEMPOTENCY_KEEP_DAYS": 7}
    now = HOTLINE_NOW
    IdempotencyKey.objects.create(scope="s", key="old" * 6, created_at=now - datetime.timedelta(days=8))
    IdempotencyKey.objects.create(scope="s", key="new" * 6, created_at=now - datetime.timedelta(days=6))
    assert idempotency.purge(now=now) == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new" * 6]


# --- Concurrent twins (PostgreSQL: real row locks; SQLite serialises every writer) ---------------------

def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need PostgreSQL row locks; SQLite serialises writers (CI's second pass)")


def _twins(user, post: Callable[[Client], object]) -> list:
    """Run ``post`` in two threads at once, each with its own client and database connection."""
    barrier = threading.Barrier(2, timeout=10)
    results, errors = [], []

    def run():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            results.append(post(client))
        except Exception as exc:  # reported below; a thread's exception must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["hl1_call", "ticket_create", "os1_onsite_request", "st2_leave", "ct3_renewal_offer"])
def test_concurrent_double_submit_stores_one_record(name):
    _needs_postgres()
    build, now = SCENARIOS[name]
    with time_machine.travel(now, tick=False):
        scenario = build()
        before = scenario.count()
        data = {**scenario.data, "idempotency_key": idempotency.new_key()}
        extra = {"HTTP_HX_REQUEST": "true"} if scenario.htmx else {}
        responses = _twins(scenario.user, lambda client: client.post(scenario.post_url, data, **extra))
        assert sorted(r.status_code for r in responses) in ([200, 204], [302, 302])
        assert scenario.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_hl12_two_agents_log_calls_from_the_same_new_organisation_at_once(monkeypatch):
    """Both read "no such customer", both insert: the unique name decides, neither call is lost."""
    _needs_postgres()
    from tickets import services as ticket_services

    with time_machine.travel(HOTLINE_NOW, tick=False):
        agents = [UserFactory(roles=[Role.AGENT]) for _ in range(2)]
        real_create = ticket_services.customer_create
        barrier = threading.Barrier(2, timeout=10)

        def create_after_both_looked(**kwargs):
            barrier.wait()  # both requests have seen "no such customer" before either inserts
            return real_create(**kwargs)

        monkeypatch.setattr(ticket_services, "customer_create", create_after_both_looked)
        data = {
            "started_at": HOTLINE_NOW.isoformat(),
            "organisation": "成都新开商贸有限公司",
            "caller_phone": "028 8888 0000",
            "contact_name": "周强",
            "address": "成都市锦江区 1 号",
            "problem": "新客户：打印机无法联网",
            "outcome": Outcome.SOLVED,
            "resolution": "指导重新配网",
        }
        statuses, errors = [], []

        def log(agent):
            client = Client()
            client.force_login(agent)
            try:
                statuses.append(client.post(reverse("hotline:call"), data, HTTP_HX_REQUEST="true").status_code)
            except Exception as exc:  # a 500 surfaces here with raise_request_exception
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=log, args=(agent,)) for agent in agents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    assert statuses == [200, 200]
    assert Customer.objects.filter(name="成都新开商贸有限公司").count() == 1
    calls = CallLog.objects.filter(organisation="成都新开商贸有限公司")
    assert calls.count() == 2 and {c.customer.name for c in calls} == {"成都新开商贸有限公司"}
    assert {c.agent_id for c in calls} == {a.pk for a in agents}


def test_hl12_get_or_create_returns_the_twin_that_won(monkeypatch):
    """Sequential stand-in for the race (SQLite too): the insert is refused by the unique name,
    the customer the other request stored is returned."""
    from tickets import services as ticket_services
    from tickets.tests.factories import CustomerFactory

    winner = CustomerFactory(name="重庆先到公司")
    real_filter = Customer.objects.filter
    looked = []

    def stale_first_read(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if kwargs == {"name": "重庆先到公司"} and not looked:
            looked.append(True)
            return queryset.none()  # as if the twin had not committed yet when we looked
        return queryset

    monkeypatch.setattr(Customer.objects, "filter", stale_first_read)
    customer, created = ticket_services.customer_get_or_create(name="重庆先到公司")
    assert (customer, created) == (winner, False)
    assert real_filter(name="重庆先到公司").count() == 1
