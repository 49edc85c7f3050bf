"""The WeChat conversation (issue 14, GN-1): binding by phone verification, continuing or opening
tickets, pictures fetched through the outbox. Time frozen; no call leaves the machine."""

import datetime
from unittest import mock

import pytest
import requests
import time_machine

from servicedesk.core import outbox
from servicedesk.core.models import OutboxMessage
from servicedesk.notify.models import CustomerMessage
from servicedesk.notify.models import MessageKind as NotifyKind
from tickets.intake.services import status_link_url
from tickets.models import Contact, ContactChannel, Ticket, TicketAttachment
from tickets.models.tickets import Channel, EventKind, Status
from tickets.tests.factories import ContactFactory
from tickets.wechat import services
from tickets.wechat.models import MessageKind, WeChatBinding, WeChatMessage

from .helpers import OPENID

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
_seq = iter(range(10_000, 99_999))


def send(text: str = "", *, now=NOW, kind=MessageKind.TEXT, openid=OPENID, msg_id=None, **extra) -> str:
    incoming = services.Incoming(
        msg_id=str(msg_id or next(_seq)), openid=openid, kind=kind, created_at=now, content=text, **extra
    )
    return services.message_receive(incoming=incoming, now=now)


@pytest.fixture
def contact(wechat_on):
    return ContactFactory(name="王芳", mobile="139 1234 5678")


@pytest.fixture
def bound(wechat_on):
    return ContactFactory(name="李雷", mobile="138 0013 8000", wechat_openid=OPENID)


@pytest.fixture
def code():
    with mock.patch.object(services, "bind_code_generate", return_value="246810"):
        yield "246810"


# --- Binding ------------------------------------------------------------------------------------------


def test_an_unbound_user_is_asked_for_the_mobile_number(contact):
    assert "mobile number" in send("你好，打印机坏了")
    assert Ticket.objects.count() == 0


def test_an_unknown_number_is_told_to_call_the_hotline(contact):
    assert "hotline" in send("186 0000 0000")
    assert not WeChatBinding.objects.get(openid=OPENID).code_hash


def test_bind_flow_code_by_sms_then_bound(contact, code):
    reply = send("+86 139-1234-5678")
    assert "139****5678" in reply and "10 minutes" in reply
    binding = WeChatBinding.objects.get(openid=OPENID)
    # Only the keyed hash is stored, never the code (the SMS goes through notify's outbox).
    assert binding.contact == contact and code not in binding.code_hash
    assert binding.code_hash == services._code_hash(openid=OPENID, code=code)
    reply = send(code, now=NOW + datetime.timedelta(minutes=9))
    assert "bound" in reply
    contact.refresh_from_db()
    assert contact.wechat_openid == OPENID
    binding.refresh_from_db()
    assert binding.bound_at == NOW + datetime.timedelta(minutes=9) and not binding.code_hash
    assert binding.history.count() >= 2


def test_bind_code_sms_is_a_customer_message_in_the_outbox(contact, code):
    send("13912345678")
    message = CustomerMessage.objects.get(contact=contact)
    assert message.kind == NotifyKind.BIND_CODE and message.channel == ContactChannel.SMS
    assert message.recipient == contact.mobile and code in message.body
    assert OutboxMessage.objects.filter(topic="notify.deliver", payload__message_id=message.pk).count() == 1


def test_bind_code_expires(contact, code):
    send("13912345678", now=NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        reply = send(code, now=NOW + datetime.timedelta(minutes=10))
    assert "expired" in reply
    contact.refresh_from_db()
    assert contact.wechat_openid == ""


def test_five_wrong_codes_block_for_an_hour(contact, code):
    send("13912345678")
    replies = [send("000000", now=NOW + datetime.timedelta(seconds=i)) for i in range(1, 6)]
    assert "4 attempts left" in replies[0] and "1 attempts left" in replies[3]
    assert "Too many attempts" in replies[4]
    binding = WeChatBinding.objects.get(openid=OPENID)
    assert binding.blocked_until == NOW + datetime.timedelta(seconds=5, hours=1)
    # Blocked: even the right code or a new number is refused until the hour has passed.
    assert "Too many attempts" in send(code, now=NOW + datetime.timedelta(minutes=30))
    assert "Too many attempts" in send("13912345678", now=NOW + datetime.timedelta(minutes=59))
    later = NOW + datetime.timedelta(hours=1, seconds=6)
    assert "139****5678" in send("13912345678", now=later)
    assert "bound" in send(code, now=later + datetime.timedelta(minutes=1))


def test_a_replayed_wrong_code_counts_once(contact, code):
    send("13912345678")
    send("111111", msg_id=777)
    send("111111", msg_id=777)
    assert WeChatBinding.objects.get(openid=OPENID).attempts == 1


def test_openid_already_on_another_contact_answers_already_bound(contact, code):
    send("13912345678")
    other = ContactFactory()
    Contact.objects.filter(pk=other.pk).update(wechat_openid=OPENID)  # bound meanwhile (a race)
    binding = WeChatBinding.objects.get(openid=OPENID)
    reply = services._binding_verify(binding=binding, code=code, now=NOW + datetime.timedelta(minutes=1))
    assert "already bound" in reply
    contact.refresh_from_db()
    assert contact.wechat_openid == ""


# --- Tickets ------------------------------------------------------------------------------------------


def test_gn1_a_bound_user_continues_the_open_wechat_ticket(bound):
    first = send("复印机卡纸")
    ticket = Ticket.objects.get()
    assert ticket.number in first
    reply = send("还是不行", now=NOW + datetime.timedelta(days=6))
    assert Ticket.objects.count() == 1
    assert "Added to your service request " + ticket.number in reply
    event = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert (event.body, event.data["channel"], event.data["sender"]) == ("还是不行", "messaging", "李雷")


def test_new_prefix_after_n_days_or_a_closed_ticket_opens_a_new_one(bound):
    send("复印机卡纸")
    send("新问题 扫描仪不工作")
    send("new: the fax is silent")
    assert list(Ticket.objects.order_by("id").values_list("subject", flat=True)) == ["复印机卡纸", "扫描仪不工作", "the fax is silent"]
    # Past WECHAT_CONTINUE_DAYS (7) nothing is continued.
    send("另一件事", now=NOW + datetime.timedelta(days=8))
    assert Ticket.objects.count() == 4
    # A resolved ticket is not continued either.
    Ticket.objects.update(status=Status.CLOSED, closed_at=NOW, resolved_at=NOW, resolution="fixed")
    send("又坏了", now=NOW + datetime.timedelta(days=8, minutes=1))
    assert Ticket.objects.count() == 5


def test_a_hotline_ticket_of_the_contact_is_not_continued_over_wechat(bound, agent):
    from tickets import services as ticket_services

    ticket_services.ticket_create(customer=bound.customer, contact=bound, subject="电话报修", description="x", created_by=agent, channel=Channel.MESSAGING, now=NOW)
    send("微信报修")
    assert Ticket.objects.count() == 2


def test_the_answer_carries_the_ticket_number_and_its_status_link(bound):
    reply = send("打印机")
    ticket = Ticket.objects.get()
    assert ticket.number in reply and status_link_url(ticket=ticket) in reply


# --- Pictures -----------------------------------------------------------------------------------------


def _response(url: str, *, status=200, content=b"", content_type="application/json") -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.url = status, content, url
    response.headers["Content-Type"] = content_type
    return response


def test_picture_goes_to_the_outbox_and_the_handler_stores_the_attachment(bound, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    reply = send(kind=MessageKind.IMAGE, media_id="MEDIA-9", pic_url="http://mmbiz.qpic.cn/pic/9", msg_id=9009)
    ticket = Ticket.objects.get()
    assert ticket.number in reply and ticket.attachments.count() == 0
    note = ticket.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert note.data["media_id"] == "MEDIA-9"
    row = OutboxMessage.objects.get(topic=services.MEDIA_FETCH_TOPIC)

    calls = []

    def fake_send(session, request, **kwargs):  # the HTTP transport, stubbed: nothing leaves the machine
        calls.append(request.url)
        if "cgi-bin/token" in request.url:
            return _response(request.url, content=b'{"access_token": "AT", "expires_in": 7200}')
        assert "media/get" in request.url and "media_id=MEDIA-9" in request.url
        return _response(request.url, content=PNG, content_type="image/png")

    with mock.patch.object(requests.Session, "send", fake_send):
        assert outbox.deliver(message_id=row.pk, now=NOW + datetime.timedelta(seconds=5))
        services.media_fetch(now=NOW, message_id=WeChatMessage.objects.get().pk)  # a repeat does nothing
    attachment = ticket.attachments.get()
    assert (attachment.source, attachment.content_type, attachment.size) == (TicketAttachment.Source.MESSAGING, "image/png", len(PNG))
    assert WeChatMessage.objects.get().attachment == attachment
    assert sum("media/get" in url for url in calls) == 1


def test_a_media_api_error_is_retried_not_stored(bound, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    send(kind=MessageKind.IMAGE, media_id="GONE", pic_url="", msg_id=9010)
    row = OutboxMessage.objects.get(topic=services.MEDIA_FETCH_TOPIC)

    def fake_send(session, request, **kwargs):
        if "cgi-bin/token" in request.url:
            return _response(request.url, content=b'{"access_token": "AT", "expires_in": 7200}')
        return _response(request.url, content=b'{"errcode": 40007, "errmsg": "invalid media_id"}')

    with mock.patch.object(requests.Session, "send", fake_send):
        assert not outbox.deliver(message_id=row.pk, now=NOW)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING and row.attempts == 1
    assert TicketAttachment.objects.count() == 0


def test_other_kinds_are_answered_with_a_hint(bound):
    assert "text messages and pictures" in send(kind=MessageKind.OTHER)
    assert Ticket.objects.count() == 0
