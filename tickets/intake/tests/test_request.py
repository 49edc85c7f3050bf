"""The public request form (issue 14, GN-1): validation messages, the ticket it opens (channel web,
OS-8 clocks, HL-13 contract, HL-12 checklist), idempotency, honeypot, rate limits, size limits and
the serial-number look-up that leaks nothing."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from hotline.tests.factories import checklist_for
from staff.services import channel_user_get
from tickets.intake import services
from tickets.intake.models import ServiceRequest, StatusLink
from tickets.models import Contact, Customer, Ticket, TicketAttachment
from tickets.models.tickets import Channel
from tickets.sla.models import ClockKind
from tickets.tests.factories import ContactFactory, CustomerFactory

from .factories import NOW, form_data, installation_under_contract, png

pytestmark = pytest.mark.django_db
URL = "/request/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post(client, **overrides):
    return client.post(URL, form_data(**overrides))


def test_the_form_is_public_phone_first_and_zh_hans_by_default():
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport" content="width=device-width' in html
    assert 'name="idempotency_key"' in html and 'name="website"' in html
    assert 'type="file"' in html and "multiple" in html
    assert 'action="/i18n/setlang/"' in html  # the language switch


def test_gn1_required_fields_and_a_landline_are_refused_with_messages(public_client):
    response = post(public_client, organisation="", contact_name="", phone="010-6552 9988", description="")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["organisation"] and form.errors["contact_name"] and form.errors["description"]
    assert "mobile number" in str(form.errors["phone"])
    assert "Please correct the fields" in response.content.decode()
    assert not Ticket.objects.exists()
    response = post(public_client, phone="abc")
    assert "Enter a phone number" in str(response.context["form"].errors["phone"])


def test_gn1_os8_hl13_a_request_becomes_a_web_ticket_with_clocks_and_contract(public_client):
    installation, contract = installation_under_contract()
    response = post(public_client, serial_number=installation.serial_number.lower())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB
    assert ticket.created_by == channel_user_get()
    assert ticket.customer == installation.customer  # the serial number names the customer
    assert ticket.installation == installation
    assert ticket.contract == contract  # HL-13
    assert ticket.contact.mobile == "138 0013 8000" and ticket.contact.customer == installation.customer
    kinds = set(ticket.sla_clocks.values_list("kind", flat=True))
    assert {ClockKind.RESPOND, ClockKind.RESOLVE} <= kinds  # OS-8, as for the hotline
    respond = ticket.sla_clocks.get(kind=ClockKind.RESPOND)
    assert respond.started_at == NOW and respond.met_at is None
    assert StatusLink.objects.filter(ticket=ticket).exists()
    request = ServiceRequest.objects.get()
    assert request.ticket == ticket and request.client_ip == "127.0.0.1"
    # The success page: the number and the status link.
    page = public_client.get(response["Location"])
    html = page.content.decode()
    assert ticket.number in html and "/status/" in html


def test_a_known_phone_finds_the_contact_and_no_customer_is_created(public_client):
    contact = ContactFactory(mobile="+86 138-0013-8000")
    customers = Customer.objects.count()
    assert post(public_client).status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.contact == contact and ticket.customer == contact.customer
    assert Customer.objects.count() == customers
    assert Contact.objects.count() == 1  # the existing contact, untouched


def test_an_unknown_requester_becomes_a_customer_and_contact_like_a_hotline_caller(public_client):
    existing = CustomerFactory(name="上海示例医院 Example Hospital")
    assert post(public_client, email="li@example.com").status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.customer == existing  # by exact full name (hotline's rule)
    assert ticket.contact.name == "李雷" and ticket.contact.email == "li@example.com"
    assert post(public_client, organisation="全新公司 New Co", phone="139 0000 1111", idempotency_key="k" * 32).status_code == 302
    assert Customer.objects.filter(name="全新公司 New Co").exists()


def test_hl12_checklist_answers_go_into_the_description(public_client):
    installation, _contract = installation_under_contract()
    checklist = checklist_for(installation.product, questions=("Which light is on?", "Ribbon changed?"))
    first, second = checklist.items.all()
    response = post(
        public_client,
        serial_number=installation.serial_number,
        checklist=str(checklist.pk),
        **{f"check_{first.pk}": "red", f"check_{second.pk}": ""},
    )
    assert response.status_code == 302
    description = Ticket.objects.get().description
    assert "- Which light is on?: red" in description and "Ribbon changed?" not in description


def test_photos_are_stored_as_web_attachments(public_client):
    response = public_client.post(URL, {**form_data(), "files": [png("a.png"), png("b.png")]})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert list(ticket.attachments.values_list("name", "source")) == [("a.png", "web"), ("b.png", "web")]


def test_a_renamed_program_is_refused_and_nothing_is_saved(public_client):
    response = public_client.post(URL, {**form_data(), "files": [png("virus.png", b"MZ\x90\x00" + b"\x00" * 100)]})
    assert response.status_code == 400
    assert response.context["form"].errors["files"]
    assert not Ticket.objects.exists() and not TicketAttachment.objects.exists()


@override_settings(SERVICEDESK={**__import__("django.conf").conf.settings.SERVICEDESK, "INTAKE_MAX_FILES": 1})
def test_too_many_files_are_refused(public_client):
    response = public_client.post(URL, {**form_data(), "files": [png("a.png"), png("b.png")]})
    assert response.status_code == 400
    assert "at most 1" in str(response.context["form"].errors["files"])
    assert not Ticket.objects.exists()


@override_settings(SERVICEDESK={**__import__("django.conf").conf.settings.SERVICEDESK, "INTAKE_MAX_REQUEST_MB": 1})
def test_a_request_larger_than_the_limit_is_413(public_client):
    big = png("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10))
    response = public_client.post(URL, {**form_data(), "files": [big]})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_double_submit_makes_one_ticket(public_client):
    first = post(public_client)
    second = post(public_client)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1 and ServiceRequest.objects.count() == 1


def test_the_service_returns_the_first_request_for_a_repeated_key():
    kwargs = dict(
        organisation="Org", contact_name="Li", phone="13800138000", description="Broken", idempotency_key="x" * 32, now=NOW
    )
    first, created = services.service_request_submit(**kwargs)
    again, created_again = services.service_request_submit(**kwargs)
    assert created and not created_again and again.pk == first.pk and Ticket.objects.count() == 1


def test_the_honeypot_refuses_without_a_ticket(public_client):
    response = post(public_client, website="http://spam.example")
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_11th_request_from_one_address_in_a_minute_is_refused(public_client, frozen):
    for n in range(10):
        response = post(public_client, phone=f"139 0000 {n:04d}", idempotency_key=f"key-{n:02d}" + "b" * 26)
        assert response.status_code == 302, n
    response = post(public_client, phone="137 0000 0000", idempotency_key="key-11" + "c" * 26)
    assert response.status_code == 429
    assert "Too many requests in a short time" in response.content.decode()
    assert Ticket.objects.count() == 10
    other = Client(REMOTE_ADDR="10.9.9.9")  # another address is not affected
    other.cookies["django_language"] = "en"
    assert other.post(URL, form_data(phone="136 0000 0000", idempotency_key="key-o" + "d" * 27)).status_code == 302
    frozen.shift(datetime.timedelta(minutes=2))  # the next minute: accepted again
    assert post(public_client, phone="135 0000 0000", idempotency_key="key-12" + "e" * 26).status_code == 302


def test_requests_per_phone_are_limited_across_addresses():
    for n in range(5):
        client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert client.post(URL, form_data(idempotency_key=f"phone-{n}" + "f" * 26)).status_code == 302
    client = Client(REMOTE_ADDR="10.0.0.99")
    client.cookies["django_language"] = "en"
    response = client.post(URL, form_data(phone="+86 13800138000", idempotency_key="phone-6" + "g" * 25))
    assert response.status_code == 429
    assert Ticket.objects.count() == 5


def test_hl13_serial_lookup_shows_product_and_contract_only(public_client):
    installation, contract = installation_under_contract(end=datetime.date(2026, 6, 30))
    installation.customer.name = "Secret Customer Ltd"
    installation.customer.save()
    response = public_client.get(reverse("intake:serial_lookup"), {"serial_number": installation.serial_number})
    html = response.content.decode()
    assert response.status_code == 200
    assert installation.product.name in html and "under contract until 2026-06-30" in html
    for secret in ("Secret Customer", contract.number, installation.customer.address, installation.customer.phone):
        assert secret not in html
    contract.end_date = datetime.date(2026, 3, 1)
    contract.save()
    html = public_client.get(reverse("intake:serial_lookup"), {"serial_number": installation.serial_number}).content.decode()
    assert "no valid contract" in html
    html = public_client.get(reverse("intake:serial_lookup"), {"serial_number": "NOPE"}).content.decode()
    assert "do not know this serial number" in html


def test_hl12_serial_lookup_shows_the_product_checklist(public_client):
    installation, _contract = installation_under_contract()
    checklist_for(installation.product, questions=("Which light is on?",))
    html = public_client.get(reverse("intake:serial_lookup"), {"serial_number": installation.serial_number}).content.decode()
    assert "Which light is on?" in html and 'name="checklist"' in html


def test_serial_lookups_are_rate_limited(public_client):
    for _ in range(30):
        assert public_client.get(reverse("intake:serial_lookup"), {"serial_number": "X"}).status_code == 200
    assert public_client.get(reverse("intake:serial_lookup"), {"serial_number": "X"}).status_code == 429


def test_the_customer_gets_the_confirmation_with_the_status_link(public_client):
    from servicedesk.notify.models import CustomerMessage

    assert post(public_client, email="li@example.com").status_code == 302
    ticket = Ticket.objects.get()
    message = CustomerMessage.objects.get(key=f"request_received:{ticket.pk}")
    assert message.kind == "request_received" and message.ticket == ticket and message.contact == ticket.contact
    assert services.status_link_url(ticket=ticket) in message.body
