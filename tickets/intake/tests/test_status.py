"""The customer's status page (issue 14): stages in plain words with frozen time, the OS-8 promise,
the engineer's name on the day only, comments (customer messages, not OS-8 responses), files, the
CB-1 survey when solved, revoked/tampered links, pinned queries; and the staff side: attachment
downloads scoped like the ticket (GN-7), the revoke button, the customer badge."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from onsite.models import OrderStatus
from onsite.tests.factories import order_at, visit_ticket
from staff.roles import Role
from tickets import services as ticket_services
from tickets.intake import selectors, services
from tickets.intake.models import StatusLink
from tickets.models import TicketAttachment
from tickets.models.tickets import EventKind
from tickets.sla.models import ClockKind

from .factories import png

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
OPENED = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)  # Monday 09:00


def path_of(ticket) -> str:
    url = services.status_link_url(ticket=ticket)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def ticket(db):
    with time_machine.travel(OPENED, tick=False):
        return visit_ticket(now=OPENED)


def page(client, ticket, at):
    with time_machine.travel(at, tick=False):
        response = client.get(path_of(ticket))
    assert response.status_code == 200
    return response, response.content.decode()


def test_received_with_the_os8_promise_in_plain_words(public_client, ticket):
    response, html = page(public_client, ticket, OPENED + datetime.timedelta(minutes=5))
    assert response.context["view"].stage.code == "received"
    assert ticket.number in html and "Received" in html
    respond = ticket.sla_clocks.get(kind=ClockKind.RESPOND)
    due = respond.due_at.astimezone(SHANGHAI).strftime("%H:%M")
    assert f"We respond within" in html and f"by {due}" in html
    assert "We aim to solve it within" in html


def test_stages_engineer_assigned_visit_booked_and_the_name_on_the_day_only(public_client, ticket, make_user):
    with time_machine.travel(OPENED + datetime.timedelta(minutes=10), tick=False):
        ticket_services.ticket_assign(ticket=ticket, assignee=make_user(Role.AGENT), actor=ticket.created_by)
    response, html = page(public_client, ticket, OPENED + datetime.timedelta(minutes=15))
    assert response.context["view"].stage.code == "assigned" and "Engineer assigned" in html
    assert "We responded at" in html  # OS-8: the assignment was the response

    with time_machine.travel(OPENED + datetime.timedelta(hours=1), tick=False):
        order = order_at(OrderStatus.ASSIGNED, ticket=ticket, now=OPENED + datetime.timedelta(hours=1))
    name = order.engineer.display_name
    # The day before the visit (window 10 March 14:00-16:00): booked, no name yet.
    response, html = page(public_client, ticket, OPENED + datetime.timedelta(hours=2))
    assert response.context["view"].stage.code == "visit_booked"
    assert "Visit booked for 03-10 14:00" in html
    assert name not in html and "on the day of the visit" in html
    # The day of the visit: the engineer's name.
    response, html = page(public_client, ticket, datetime.datetime(2026, 3, 10, 8, 0, tzinfo=SHANGHAI))
    assert "Visit booked for 14:00" in html and name in html
    # Staff-only facts never show: no comments, no staff names.
    assert ticket.created_by.display_name not in html


def test_solved_shows_the_cb1_survey_link_and_then_thanks(public_client, ticket, make_user):
    from tickets.care.models import Callback
    from tickets.care.tests.factories import answers

    agent = make_user(Role.AGENT)
    solved_at = OPENED + datetime.timedelta(hours=3)
    with time_machine.travel(solved_at, tick=False):
        ticket_services.ticket_transition(ticket=ticket, action="resolve", actor=agent, resolution="Cleaned the print head.")
    callback = Callback.objects.get(ticket=ticket)  # HL-9, CB-1: the resolved web/hotline ticket's callback
    response, html = page(public_client, ticket, solved_at + datetime.timedelta(minutes=1))
    view = response.context["view"]
    assert view.stage.code == "solved" and "/care/survey/" in view.survey_url
    assert 'id="survey-link"' in html
    assert 'name="body"' not in html  # no comment box on a solved request
    from tickets.care.services import survey_answer_record
    from tickets.care.models import ResponseVia

    survey_answer_record(callback=callback, answers=answers(callback), via=ResponseVia.ONLINE, now=solved_at)
    _response, html = page(public_client, ticket, solved_at + datetime.timedelta(minutes=2))
    assert "Thank you for your answers." in html and 'id="survey-link"' not in html


def test_a_comment_lands_on_the_timeline_and_is_not_an_os8_response(public_client, ticket):
    at = OPENED + datetime.timedelta(minutes=20)
    with time_machine.travel(at, tick=False):
        response = public_client.post(path_of(ticket), {"body": "The light is red now."})
    assert response.status_code == 302
    event = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert event.body == "The light is red now." and event.data["channel"] == "web" and event.actor is None
    assert ticket.sla_clocks.get(kind=ClockKind.RESPOND).met_at is None  # OS-8: still running
    _response, html = page(public_client, ticket, at)
    assert "The light is red now." in html


def test_an_empty_comment_is_a_400_with_a_message(public_client, ticket):
    response = public_client.post(path_of(ticket), {"body": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["body"]


def test_comments_need_the_csrf_token(ticket):
    client = Client(enforce_csrf_checks=True)
    assert client.post(path_of(ticket), {"body": "hello"}).status_code == 403
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_comments_are_rate_limited_per_link(public_client, ticket):
    for n in range(10):
        assert public_client.post(path_of(ticket), {"body": f"message {n}"}).status_code == 302
    response = public_client.post(path_of(ticket), {"body": "one too many"})
    assert response.status_code == 429
    assert ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 10


def test_a_revoked_link_refuses_comments_and_shows_a_friendly_410(public_client, ticket, agent):
    path = path_of(ticket)
    services.status_link_revoke(ticket=ticket, actor=agent)
    for response in (public_client.get(path), public_client.post(path, {"body": "hello"})):
        assert response.status_code == 410 and "no longer valid" in response.content.decode()
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).exists()


def test_a_tampered_link_is_a_friendly_404(public_client, ticket):
    path = path_of(ticket)
    token = path.split("/")[2]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x", "a" * 300):
        response = public_client.get(f"/status/{bad}/")
        assert response.status_code == 404 and "not valid" in response.content.decode()


def test_only_the_customers_files_show_and_download(public_client, ticket, agent):
    mine = ticket_services.ticket_attachment_add(ticket=ticket, upload=png("mine.png"), source=TicketAttachment.Source.WEB)
    staff = ticket_services.ticket_attachment_add(ticket=ticket, upload=png("staff.png"), source=TicketAttachment.Source.DESK)
    _response, html = page(public_client, ticket, OPENED)
    assert "mine.png" in html and "staff.png" not in html
    token = path_of(ticket).split("/")[2]
    response = public_client.get(reverse("intake:status_file", args=[token, mine.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert public_client.get(reverse("intake:status_file", args=[token, staff.pk])).status_code == 404
    other = visit_ticket(now=OPENED)
    theirs = ticket_services.ticket_attachment_add(ticket=other, upload=png("theirs.png"), source=TicketAttachment.Source.WEB)
    assert public_client.get(reverse("intake:status_file", args=[token, theirs.pk])).status_code == 404


def test_the_status_page_runs_a_fixed_number_of_queries(public_client, ticket, django_assert_num_queries):
    path = path_of(ticket)
    for n in range(3):
        ticket_services.ticket_customer_message(ticket=ticket, body=f"m{n}", channel="web")
        ticket_services.ticket_attachment_add(ticket=ticket, upload=png(f"p{n}.png"), source=TicketAttachment.Source.WEB)
    with time_machine.travel(OPENED, tick=False):
        # link+ticket, visit order, clocks, messages, files (the session and messages add none: no cookie yet).
        with django_assert_num_queries(5):
            assert public_client.get(path).status_code == 200


def test_the_selector_exposes_no_other_customers_data(ticket):
    view = selectors.status_view(ticket=ticket, now=OPENED)
    text = repr(view)
    assert ticket.customer.name not in text and ticket.contact.name not in text and ticket.contact.email not in text


# --- Staff side ------------------------------------------------------------------------------------------


def test_staff_download_is_scoped_like_the_ticket(client, ticket, make_user):
    attachment = ticket_services.ticket_attachment_add(ticket=ticket, upload=png("photo.png"), source=TicketAttachment.Source.WEB)
    url = reverse("intake:attachment", args=[ticket.number, attachment.pk])
    client.force_login(make_user(Role.AGENT))
    response = client.get(url)
    assert response.status_code == 200 and "inline" in response["Content-Disposition"]
    client.force_login(make_user(Role.ENGINEER))  # not their ticket
    assert client.get(url).status_code == 404
    engineer = make_user(Role.ENGINEER)
    ticket_services.ticket_assign(ticket=ticket, assignee=engineer, actor=ticket.created_by)
    client.force_login(engineer)
    assert client.get(url).status_code == 200
    other = visit_ticket(now=OPENED)
    client.force_login(make_user(Role.AGENT))  # the file of another ticket under this number: 404
    assert client.get(reverse("intake:attachment", args=[other.number, attachment.pk])).status_code == 404


def test_staff_ticket_page_shows_thumbnails_the_link_and_the_customer_badge(client, ticket, agent):
    attachment = ticket_services.ticket_attachment_add(ticket=ticket, upload=png("photo.png"), source=TicketAttachment.Source.WEB)
    ticket_services.ticket_customer_message(ticket=ticket, body="Any news?", channel="web", sender="李明")
    services.status_link_url(ticket=ticket)
    client.force_login(agent)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert f'<img src="{reverse("intake:attachment", args=[ticket.number, attachment.pk])}"' in html
    assert 'class="badge customer"' in html and "Any news?" in html
    assert reverse("intake:status_link_revoke", args=[ticket.number]) in html
    response = client.post(reverse("intake:status_link_revoke", args=[ticket.number]))
    assert response.status_code == 302
    assert StatusLink.objects.get(ticket=ticket).revoked_at is not None
    assert "revoked" in client.get(ticket.get_absolute_url()).content.decode()


def test_admin_action_revokes(admin_client, ticket):
    services.status_link_url(ticket=ticket)
    link = StatusLink.objects.get(ticket=ticket)
    response = admin_client.post(
        reverse("admin:intake_statuslink_changelist"), {"action": "revoke", "_selected_action": [link.pk]}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
