"""Tickets over the API: the same services, rules and clocks as the desk (GN-1, OS-8, HL-13)."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from staff.roles import Role
from tickets import services
from tickets.models import Ticket
from tickets.models.tickets import Channel, EventKind, Status
from tickets.sla.models import SLAClock
from tickets.tests.factories import (
    ContactFactory,
    CustomerFactory,
    InstallationFactory,
    ServiceContractFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
LIST = "/api/v1/tickets/"


def _payload(customer, **extra):
    return {"customer": customer.pk, "subject": "Printer stops", "description": "After one page.", **extra}


def _key() -> str:
    return uuid.uuid4().hex


@time_machine.travel(NOW, tick=False)
def test_gn1_os8_ticket_created_over_the_api_is_numbered_and_starts_its_clocks(api_for):
    api = api_for(Role.AGENT)
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    installation = InstallationFactory(customer=customer)
    contract = ServiceContractFactory(customer=customer)
    contract.installations.add(installation)
    response = api.post(
        LIST,
        _payload(customer, contact=contact.pk, installation=installation.pk, channel=Channel.WEB),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert body["number"].startswith("SD-2026-")
    assert (ticket.created_by, ticket.channel, ticket.contract) == (api.user, Channel.WEB, contract)  # HL-13
    assert ticket.events.get().kind == EventKind.CREATED
    assert set(SLAClock.objects.filter(ticket=ticket).values_list("kind", flat=True)) >= {"respond", "resolve"}
    assert body["next_due_at"] is not None
    clocks = api.get(f"{LIST}{ticket.number}/clocks/").json()
    assert {c["kind"] for c in clocks} >= {"respond", "resolve"}


def test_create_with_the_same_idempotency_key_makes_one_ticket(api_for):
    api = api_for(Role.AGENT)
    customer = CustomerFactory()
    key = _key()
    first = api.post(LIST, _payload(customer), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post(LIST, _payload(customer), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1
    other = api_for(Role.AGENT).post(LIST, _payload(customer), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 403  # someone else's key is a forgery, not a retry
    assert Ticket.objects.count() == 1


def test_bad_idempotency_key_and_bad_fields_are_400s_with_messages(api_for):
    api = api_for(Role.AGENT)
    customer = CustomerFactory()
    response = api.post(LIST, _payload(customer), format="json", HTTP_IDEMPOTENCY_KEY="short")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    response = api.post(LIST, {"customer": 999999, "subject": "", "priority": 42}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"customer", "subject", "description", "priority"} <= set(fields)
    other_contact = ContactFactory()
    response = api.post(LIST, _payload(customer, contact=other_contact.pk), format="json")
    assert response.status_code == 400
    assert "another customer" in response.json()["error"]["fields"]["contact"][0]
    assert api.post(LIST, "not json", content_type="application/json").status_code == 400
    assert Ticket.objects.count() == 0


def test_transition_and_comment_go_through_the_services(api_for):
    api = api_for(Role.AGENT)
    ticket = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=api.user)
    response = api.post(f"{LIST}{ticket.number}/transition/", {"action": "start"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == Status.IN_PROGRESS
    refused = api.post(f"{LIST}{ticket.number}/transition/", {"action": "resolve"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "transition_not_allowed"
    assert refused.json()["error"]["message"]
    key = _key()
    for _ in range(2):
        response = api.post(f"{LIST}{ticket.number}/comments/", {"body": "Called back"}, format="json",
                            HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code in (200, 201)
        assert response.json()["body"] == "Called back"
    assert ticket.events.filter(kind=EventKind.COMMENT).count() == 1
    assert [c["body"] for c in api.get(f"{LIST}{ticket.number}/comments/").json()] == ["Called back"]
    assert api.post(f"{LIST}{ticket.number}/comments/", {"body": ""}, format="json").status_code == 400
    kinds = [e["kind"] for e in api.get(f"{LIST}{ticket.number}/events/").json()]
    assert kinds == [EventKind.CREATED, EventKind.STATUS, EventKind.COMMENT]


def test_assign_records_the_event_and_meets_the_respond_clock(api_for, make_user):
    api = api_for(Role.DUTY_MANAGER)
    engineer = make_user(Role.ENGINEER)
    ticket = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=api.user)
    response = api.post(f"{LIST}{ticket.number}/assign/", {"assignee": engineer.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["assignee"] == engineer.pk
    assert ticket.events.filter(kind=EventKind.ASSIGNED).exists()
    assert SLAClock.objects.get(ticket=ticket, kind="respond").met_at is not None
    hr = make_user(Role.HR)
    response = api.post(f"{LIST}{ticket.number}/assign/", {"assignee": hr.pk}, format="json")
    assert response.status_code == 400  # not someone who takes tickets


def test_engineer_token_sees_only_own_tickets(api_for, make_user):
    api = api_for(Role.ENGINEER)
    mine = TicketFactory(assignee=api.user)
    other = TicketFactory(assignee=make_user(Role.ENGINEER))
    numbers = [row["number"] for row in api.get(LIST).json()["results"]]
    assert numbers == [mine.number]
    assert api.get(f"{LIST}{other.number}/").status_code == 404
    assert api.get(f"{LIST}{mine.number}/").status_code == 200
    assert api.get("/api/v1/customers/").status_code == 403
    created = api.post(LIST, _payload(CustomerFactory()), format="json")
    assert created.status_code == 201  # engineers open tickets, as on the web
    assert api.get(f"{LIST}{created.json()['number']}/").status_code == 404  # but see only their own


@pytest.mark.parametrize("role", [Role.HR])
def test_roles_without_tickets_get_403(api_for, role):
    response = api_for(role).get(LIST)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_list_filters_are_the_web_lists(api_for):
    api = api_for(Role.AGENT)
    web = TicketFactory(channel=Channel.WEB)
    TicketFactory(channel=Channel.HOTLINE)
    rows = api.get(LIST, {"channel": "web"}).json()["results"]
    assert [r["number"] for r in rows] == [web.number]
    rows = api.get(LIST, {"q": web.number}).json()["results"]
    assert [r["number"] for r in rows] == [web.number]
    response = api.get(LIST, {"channel": "fax"})
    assert response.status_code == 400 and "channel" in response.json()["error"]["fields"]


def test_cursor_pages_walk_every_ticket_once(api_for):
    api = api_for(Role.AGENT)
    made = {TicketFactory().number for _ in range(7)}
    seen, url = [], f"{LIST}?page_size=3"
    while url:
        page = api.get(url).json()
        seen += [row["number"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made) and len(seen) == 7


def test_ticket_list_query_count_does_not_grow_with_the_page(api_for, django_assert_num_queries):
    api = api_for(Role.AGENT)
    for _ in range(2):
        TicketFactory()
    api.get(LIST)  # warm: role names, content types
    with django_assert_num_queries(3) as small:  # token, groups, page
        assert len(api.get(LIST).json()["results"]) == 2
    for _ in range(18):
        TicketFactory(assignee=api.user)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get(LIST).json()["results"]) == 20


def test_customers_create_is_idempotent_and_validated(api_for):
    api = api_for(Role.AGENT)
    key = _key()
    first = api.post("/api/v1/customers/", {"name": "北京远景科技有限公司", "phone": "010-6000 1234"}, format="json",
                     HTTP_IDEMPOTENCY_KEY=key)
    again = api.post("/api/v1/customers/", {"name": "北京远景科技有限公司", "phone": "010-6000 1234"}, format="json",
                     HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["open_tickets"] == 0
    twin = api.post("/api/v1/customers/", {"name": "北京远景科技有限公司"}, format="json")
    assert twin.status_code == 400 and "name" in twin.json()["error"]["fields"]
    bad_phone = api.post("/api/v1/customers/", {"name": "X", "phone": "call me"}, format="json")
    assert bad_phone.status_code == 400 and "phone" in bad_phone.json()["error"]["fields"]
    assert api_for(Role.CALLBACK_SPECIALIST).post("/api/v1/customers/", {"name": "Y"}, format="json").status_code == 403


def test_contracts_show_their_hl13_state(api_for):
    api = api_for(Role.AGENT)
    with time_machine.travel(datetime.datetime(2026, 12, 10, 2, 0, tzinfo=datetime.UTC), tick=False):
        contract = ServiceContractFactory(end_date=datetime.date(2026, 12, 31))
        rows = api.get("/api/v1/contracts/", {"customer": contract.customer_id}).json()["results"]
    assert [(r["number"], r["state"]) for r in rows] == [(contract.number, "expiring")]


def test_sla_clock_list_is_scoped_to_visible_tickets(api_for, make_user):
    desk = api_for(Role.AGENT)
    mine = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=desk.user)
    engineer_api = api_for(Role.ENGINEER)
    assert engineer_api.get("/api/v1/sla-clocks/").json()["results"] == []
    tickets = {row["ticket"] for row in desk.get("/api/v1/sla-clocks/", {"running": "true"}).json()["results"]}
    assert tickets == {mine.number}


def test_throttle_answers_429_with_the_error_body(api_for, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api = api_for(Role.AGENT)
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [api.get(LIST).status_code for _ in range(4)]
        other_token = api_for(Role.AGENT, user=api.user)  # another token of the same user: its own budget
        assert other_token.get(LIST).status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 200, 429]
