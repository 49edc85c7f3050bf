"""The unknown-contact queue pages (issue 14, GN-1): list, assign, bad input, roles, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staff.roles import Role
from tickets.mailin import services
from tickets.mailin.models import InboundEmail, InboundStatus
from tickets.models import Contact, Customer
from tickets.models.tickets import Channel

from .factories import MailboxFactory
from .messages import make_message

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def _unknown(mailbox, n: int) -> InboundEmail:
    msg = make_message(sender=f"Stranger {n} <stranger{n}@newco.example>", subject=f"Plotter {n} broken", body=f"Plotter {n} smears.")
    record = services.inbound_email_process(mailbox=mailbox, uid=n, raw=bytes(msg), now=NOW)
    assert record.status == InboundStatus.UNKNOWN_CONTACT
    return record


@pytest.fixture
def mailbox():
    return MailboxFactory()


def test_gn1_unknown_queue_lists_waiting_mail_in_constant_queries(agent_client, mailbox, django_assert_max_num_queries):
    _unknown(mailbox, 1)
    url = reverse("mailin:unknown_queue")
    with django_assert_max_num_queries(30) as first:
        response = agent_client.get(url)
    assert response.status_code == 200 and "Plotter 1 broken" in response.content.decode()
    for n in range(2, 12):
        _unknown(mailbox, n)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = agent_client.get(url)
    assert "Plotter 11 broken" in response.content.decode()


def test_empty_queue_says_so(agent_client):
    response = agent_client.get(reverse("mailin:unknown_queue"))
    assert "No e-mails are waiting." in response.content.decode()


def test_gn1_assigning_a_customer_opens_the_email_ticket(agent_client, agent, mailbox):
    inbound = _unknown(mailbox, 1)
    response = agent_client.post(
        reverse("mailin:unknown_assign"), {"inbound": inbound.pk, "customer_name": "新公司有限公司", "contact_name": "陈先生"}
    )
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.ASSIGNED and inbound.ticket is not None
    assert response.status_code == 302 and response.url == reverse("tickets:detail", args=[inbound.ticket.number])
    ticket = inbound.ticket
    assert ticket.channel == Channel.EMAIL and ticket.created_by == agent
    assert ticket.customer == Customer.objects.get(name="新公司有限公司")
    assert Contact.objects.get(customer=ticket.customer).email == "stranger1@newco.example"
    # The next mail from that sender now opens its ticket directly.
    again = services.inbound_email_process(
        mailbox=mailbox, uid=50, raw=bytes(make_message(sender="stranger1@newco.example", subject="Second plotter")), now=timezone.now()
    )
    assert again.status == InboundStatus.TICKET_CREATED


def test_assigning_twice_says_it_was_handled(agent_client, mailbox):
    inbound = _unknown(mailbox, 1)
    data = {"inbound": inbound.pk, "customer_name": "新公司有限公司"}
    agent_client.post(reverse("mailin:unknown_assign"), data)
    response = agent_client.post(reverse("mailin:unknown_assign"), data)
    assert response.status_code == 400
    assert "already been handled" in response.content.decode()
    assert InboundEmail.objects.get().ticket is not None


@pytest.mark.parametrize("data", [{}, {"inbound": "x", "customer_name": "A"}, {"inbound": "1", "customer_name": ""}])
def test_bad_assign_input_is_a_400_with_the_queue(agent_client, mailbox, data):
    _unknown(mailbox, 1)
    response = agent_client.post(reverse("mailin:unknown_assign"), data)
    assert response.status_code == 400
    assert InboundEmail.objects.get().status == InboundStatus.UNKNOWN_CONTACT


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.HR, Role.CALLBACK_SPECIALIST])
def test_engineers_hr_and_callback_staff_cannot_open_the_queue(client, make_user, mailbox, role):
    _unknown(mailbox, 1)
    client.force_login(make_user(role))
    assert client.get(reverse("mailin:unknown_queue")).status_code == 403
    inbound = InboundEmail.objects.get()
    assert client.post(reverse("mailin:unknown_assign"), {"inbound": inbound.pk, "customer_name": "X"}).status_code == 403
