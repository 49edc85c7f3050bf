"""The two writes every customer channel shares (issue 14): a customer's message on the timeline
(not a staff response, OS-8) and a file on the ticket (the app's one upload check)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.models import TicketAttachment
from tickets.models.tickets import Channel, EventKind
from tickets.sla.models import SLAClock

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def ticket(agent):
    with time_machine.travel(NOW, tick=False):
        return services.ticket_create(
            customer=CustomerFactory(), subject="Printer", description="Stops.", created_by=agent, channel=Channel.WEB
        )


@time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False)
def test_os8_a_customer_message_is_on_the_timeline_and_is_not_a_response(ticket):
    event = services.ticket_customer_message(ticket=ticket, body="  Still broken.  ", channel="web", sender="Li Lei")
    assert (event.kind, event.actor, event.body) == (EventKind.CUSTOMER_MESSAGE, None, "Still broken.")
    assert event.data == {"channel": "web", "sender": "Li Lei"}
    respond = SLAClock.objects.get(ticket=ticket, kind="respond")
    assert respond.met_at is None
    with pytest.raises(ValidationError):
        services.ticket_customer_message(ticket=ticket, body="   ", channel="web")


def test_an_attachment_is_checked_and_stored_under_a_random_name(ticket, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    photo = SimpleUploadedFile("C:\\Users\\li\\fault.png", PNG, content_type="image/png")
    attachment = services.ticket_attachment_add(ticket=ticket, upload=photo, source=TicketAttachment.Source.WEB)
    assert (attachment.name, attachment.content_type, attachment.size) == ("fault.png", "image/png", len(PNG))
    assert attachment.is_image and "fault" not in attachment.file.name
    assert attachment.file.read() == PNG
    fake = SimpleUploadedFile("fault.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    with pytest.raises(ValidationError, match="not PNG"):
        services.ticket_attachment_add(ticket=ticket, upload=fake, source=TicketAttachment.Source.WEB)
    assert ticket.attachments.count() == 1


def test_the_channel_user_cannot_log_in_and_is_made_once():
    from staff.services import channel_user_get

    first, second = channel_user_get(), channel_user_get()
    assert first.pk == second.pk
    assert not first.is_active and not first.has_usable_password()
