import pytest
from django.urls import reverse

from staff.roles import Role
from tickets import services
from tickets.models import Ticket
from tickets.models.tickets import EventKind, Status

from .factories import ContactFactory, CustomerFactory, InstallationFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    for url in (reverse("home"), reverse("tickets:list"), reverse("tickets:create"), reverse("customers:list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_gn7_hr_may_not_see_customer_data(client, make_user):
    client.force_login(make_user(Role.HR))
    assert client.get(reverse("tickets:list")).status_code == 403
    assert client.get(reverse("customers:list")).status_code == 403


def test_gn7_engineer_sees_only_tickets_assigned_to_them(client, engineer):
    mine = TicketFactory(assignee=engineer)
    other = TicketFactory()
    client.force_login(engineer)
    response = client.get(reverse("tickets:list"))
    assert [t.pk for t in response.context["page"].object_list] == [mine.pk]
    assert client.get(reverse("tickets:detail", args=[other.number])).status_code == 404
    assert client.get(reverse("tickets:detail", args=[mine.number])).status_code == 200


def test_callback_specialist_can_read_but_not_change_tickets(client, make_user):
    ticket = TicketFactory()
    client.force_login(make_user(Role.CALLBACK_SPECIALIST))
    assert client.get(ticket.get_absolute_url()).status_code == 200
    response = client.post(reverse("tickets:transition", args=[ticket.number]), {"action": "start"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def _list_queries(client, django_assert_max_num_queries, url, expected_rows):
    response = client.get(url)
    assert len(response.context["page"].object_list) == expected_rows
    return response


@pytest.mark.parametrize("rows", [3, 30])
def test_ticket_list_query_count_does_not_grow_with_the_page(agent_client, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 25}
    TicketFactory.create_batch(rows, assignee=None)
    # session, user, user's roles, unread badge, count, page rows, assignee options, region options
    with django_assert_num_queries(8):
        response = agent_client.get(reverse("tickets:list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_ticket_list_finds_a_ticket_by_contact_phone_typed_differently(agent_client):
    contact = ContactFactory(mobile="138 0013 8000")
    wanted = TicketFactory(customer=contact.customer, contact=contact)
    TicketFactory()
    response = agent_client.get(reverse("tickets:list"), {"q": "+86 138-0013-8000"})
    assert [t.pk for t in response.context["page"].object_list] == [wanted.pk]


def test_ticket_list_search_by_number_and_text(agent_client):
    wanted = TicketFactory(subject="Scanner shows error E42")
    TicketFactory(subject="Something else")
    for text in (wanted.number, "error e42"):
        response = agent_client.get(reverse("tickets:list"), {"q": text})
        assert [t.pk for t in response.context["page"].object_list] == [wanted.pk]


def test_ticket_list_filters_by_status_open_and_unassigned(agent_client, agent):
    open_mine = TicketFactory(assignee=agent)
    open_free = TicketFactory()
    TicketFactory(status=Status.CLOSED, resolution="x", resolved_at=open_mine.created_at, closed_at=open_mine.created_at)
    response = agent_client.get(reverse("tickets:list"), {"status": "open"})
    assert {t.pk for t in response.context["page"].object_list} == {open_mine.pk, open_free.pk}
    response = agent_client.get(reverse("tickets:list"), {"assignee": "null", "status": "open"})
    assert [t.pk for t in response.context["page"].object_list] == [open_free.pk]


def test_ticket_list_invalid_filter_shows_all_with_an_error(agent_client):
    TicketFactory()
    response = agent_client.get(reverse("tickets:list"), {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_ticket_list_empty_state(agent_client):
    response = agent_client.get(reverse("tickets:list"))
    assert "No tickets yet" in response.content.decode()


def test_create_ticket_from_the_form(agent_client, agent):
    contact = ContactFactory()
    installation = InstallationFactory(customer=contact.customer)
    response = agent_client.post(
        reverse("tickets:create"),
        {
            "customer": contact.customer.name,
            "contact": contact.pk,
            "installation": installation.pk,
            "channel": "hotline",
            "type": "fault",
            "priority": 3,
            "subject": "Invoice printer stops",
            "description": "After the first page",
            "assignee": "",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == ticket.get_absolute_url()
    assert (ticket.customer, ticket.contact, ticket.installation, ticket.created_by) == (
        contact.customer,
        contact,
        installation,
        agent,
    )
    assert ticket.events.filter(kind=EventKind.CREATED).exists()


def test_create_form_with_bad_input_keeps_what_was_typed(agent_client):
    response = agent_client.post(
        reverse("tickets:create"),
        {"customer": "No Such Company", "subject": "", "description": "My long description", "priority": 2},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "No customer is registered under that full name" in html
    assert "My long description" in html and 'value="No Such Company"' in html
    assert not Ticket.objects.exists()


def test_create_form_refuses_a_contact_of_another_customer(agent_client):
    customer = CustomerFactory()
    stranger = ContactFactory()
    response = agent_client.post(
        reverse("tickets:create"),
        {
            "customer": customer.name,
            "contact": stranger.pk,
            "channel": "hotline",
            "type": "fault",
            "priority": 2,
            "subject": "x",
            "description": "y",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert not Ticket.objects.exists()


def test_customer_fields_partial_lists_that_customers_contacts(agent_client):
    contact = ContactFactory(name="Jason Huang")
    ContactFactory(name="Someone Else")
    response = agent_client.get(reverse("tickets:customer_fields"), {"customer": contact.customer.name})
    html = response.content.decode()
    assert "Jason Huang" in html and "Someone Else" not in html


def test_detail_shows_timeline_and_only_allowed_transitions(agent_client, agent):
    ticket = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=agent)
    services.ticket_comment(ticket=ticket, author=agent, body="Asked for the error log")
    response = agent_client.get(ticket.get_absolute_url())
    html = response.content.decode()
    assert "Asked for the error log" in html
    assert {t.action for t in response.context["transitions"]} == {"start", "resolve"}
    assert 'data-action="close"' not in html


def test_transition_from_the_detail_page(agent_client, agent):
    ticket = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=agent)
    url = reverse("tickets:transition", args=[ticket.number])
    agent_client.post(url, {"action": "resolve", "resolution": "Reinstalled the driver"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    response = agent_client.post(url, {"action": "wait", "note": "x"}, follow=True)
    assert "cannot be changed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_edit_ticket_records_changes(agent_client, agent):
    ticket = services.ticket_create(customer=CustomerFactory(), subject="Old", description="d", created_by=agent)
    response = agent_client.post(
        reverse("tickets:edit", args=[ticket.number]),
        {"channel": "hotline", "type": "bug", "priority": 4, "subject": "New subject", "description": "d"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.type, ticket.priority) == ("New subject", "bug", 4)
    assert set(ticket.events.get(kind=EventKind.UPDATED).data["changes"]) == {"subject", "type", "priority"}


def test_assign_and_comment_from_the_detail_page(agent_client, agent, engineer):
    ticket = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=agent)
    agent_client.post(reverse("tickets:assign", args=[ticket.number]), {"assignee": engineer.pk})
    agent_client.post(reverse("tickets:comment", args=[ticket.number]), {"body": "On my way"})
    ticket.refresh_from_db()
    assert ticket.assignee == engineer
    assert ticket.events.filter(kind=EventKind.COMMENT, body="On my way").exists()


@pytest.mark.parametrize("rows", [2, 20])
def test_customer_list_query_count_is_constant(agent_client, django_assert_num_queries, rows):
    for customer in CustomerFactory.create_batch(rows):
        TicketFactory(customer=customer)
    with django_assert_num_queries(6):  # session, user, roles, unread badge, count, page with open counts
        agent_client.get(reverse("customers:list"))


def test_customer_search_by_contact_phone(agent_client):
    contact = ContactFactory(mobile="135 0000 1111")
    CustomerFactory()
    response = agent_client.get(reverse("customers:list"), {"q": "13500001111"})
    assert [c.pk for c in response.context["page"].object_list] == [contact.customer.pk]


def test_customer_detail_shows_contract_state(agent_client):
    from .factories import ServiceContractFactory

    contract = ServiceContractFactory()
    response = agent_client.get(reverse("customers:detail", args=[contract.customer.pk]))
    assert response.status_code == 200
    assert contract.number in response.content.decode()


def test_start_page_counts_open_tickets(agent_client, agent):
    TicketFactory(assignee=agent, status=Status.IN_PROGRESS)
    TicketFactory(assignee=agent, status=Status.WAITING)
    TicketFactory()  # new, unassigned
    TicketFactory(status=Status.NEW)
    done = TicketFactory(assignee=agent)
    services.ticket_transition(ticket=done, action="resolve", actor=agent, resolution="ok")
    summary = agent_client.get(reverse("start")).context["summary"]
    assert (summary["mine_open"], summary["unassigned"]) == (2, 2)
    assert (summary["new"], summary["in_progress"], summary["waiting"]) == (2, 1, 1)


def test_gn2_ticket_record_keeps_customer_product_serial_fault_contact_and_handling(agent_client, agent):
    customer = CustomerFactory(name="华东电力设计院")
    contact = ContactFactory(customer=customer, name="陈工", mobile="13911112222")
    installation = InstallationFactory(customer=customer, serial_number="SN-GN2-0001", product__name="ERP 9")
    ticket = services.ticket_create(
        customer=customer,
        contact=contact,
        installation=installation,
        subject="Report export fails",
        description="Month-end report stops at 80 %",
        created_by=agent,
    )
    services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Rebuilt the report index")
    html = agent_client.get(ticket.get_absolute_url()).content.decode()
    for kept in ("华东电力设计院", "ERP 9", "SN-GN2-0001", "Month-end report stops at 80 %", "陈工", "13911112222", "Rebuilt the report index"):
        assert kept in html, kept


def test_hl10_complaint_ticket_page_links_to_its_complaint_workflow(agent_client, agent):
    ticket = services.ticket_create(
        customer=CustomerFactory(), subject="Rude engineer", description="d", type="complaint", created_by=agent
    )
    html = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert ticket.complaint.get_absolute_url() in html
    plain = services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=agent)
    assert 'id="ticket-complaint"' not in agent_client.get(plain.get_absolute_url()).content.decode()


# --- Issue 17: the Due column and the ticket page's SLA deadlines -------------------------------------


def test_ticket_page_without_clocks_has_no_deadline_card(agent_client):
    response = agent_client.get(TicketFactory().get_absolute_url())
    assert b'id="ticket-sla"' not in response.content
