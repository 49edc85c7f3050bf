"""The WeChat server callback (issue 14): signature, passive replies, replays, safe mode, bad input."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse
from wechatpy.crypto import WeChatCrypto

from tickets.models import Ticket
from tickets.models.tickets import Channel
from tickets.tests.factories import ContactFactory
from tickets.wechat.models import WeChatMessage

from .helpers import APP_ID, OPENID, TOKEN, aes_key, event_xml, post, signed_query, signature, text_xml

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def reply_content(response) -> str:
    return ET.fromstring(response.content).findtext("Content")


@pytest.fixture
def bound(wechat_on):
    return ContactFactory(name="王芳", mobile="139 1234 5678", wechat_openid=OPENID)


def test_without_a_token_the_channel_is_off(client):
    assert client.get(reverse("wechat:callback"), signed_query(echostr="x")).status_code == 404


def test_get_with_a_good_signature_echoes_echostr(client, wechat_on):
    response = client.get(reverse("wechat:callback"), signed_query(echostr="4711abc"))
    assert (response.status_code, response.content) == (200, b"4711abc")


def test_bad_signature_is_refused_with_403(client, wechat_on):
    query = {**signed_query(echostr="x"), "signature": "0" * 40}
    response = client.get(reverse("wechat:callback"), query)
    assert response.status_code == 403 and b"signature" in response.content
    assert post(client, text_xml("hi"), token="wrong-token").status_code == 403
    assert WeChatMessage.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "",
        "garbage",
        "<xml>",
        "<a><b>1</b></a>",
        "<xml><MsgType>text</MsgType></xml>",
        "<xml><MsgType>text</MsgType><FromUserName>o</FromUserName><CreateTime>nope</CreateTime></xml>",
        "<xml><MsgType>text</MsgType><FromUserName>o</FromUserName><CreateTime>99999999999999999999</CreateTime></xml>",
        "<xml><MsgType>text</MsgType><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgId>x</MsgId></xml>",
        "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><xml><FromUserName>&a;</FromUserName></xml>",
    ],
)
def test_bad_xml_is_a_400_never_a_500(client, wechat_on, body):
    response = post(client, body)
    assert response.status_code == 400, response.content
    assert WeChatMessage.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_gn1_plain_text_from_a_bound_user_opens_a_messaging_ticket(client, bound):
    response = post(client, text_xml("打印机卡纸\n第二页开始卡纸", msg_id=1001))
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact, ticket.customer, ticket.subject) == (
        Channel.MESSAGING, bound, bound.customer, "打印机卡纸",
    )
    assert ticket.description == "打印机卡纸\n第二页开始卡纸"
    assert ticket.created_by.username == "servicedesk-channels"
    assert ticket.number in reply_content(response)
    root = ET.fromstring(response.content)
    assert (root.findtext("ToUserName"), root.findtext("FromUserName"), root.findtext("MsgType")) == (OPENID, "gh_servicedesk", "text")


@time_machine.travel(NOW, tick=False)
def test_gn1_replayed_msgid_makes_one_ticket_and_the_same_answer(client, bound):
    """WeChat retries three times when we are slow: one ticket, one timeline, the same reply."""
    first = post(client, text_xml("屏幕不亮", msg_id=2002))
    again = [post(client, text_xml("屏幕不亮", msg_id=2002)) for _ in range(3)]
    assert Ticket.objects.count() == 1
    assert WeChatMessage.objects.filter(msg_id="2002").count() == 1
    assert {reply_content(r) for r in again} == {reply_content(first)}
    assert Ticket.objects.get().events.filter(kind="customer_message").count() == 0


@time_machine.travel(NOW, tick=False)
def test_events_subscribe_welcomes_and_others_answer_success(client, wechat_on):
    response = post(client, event_xml("subscribe"))
    assert response.status_code == 200 and "mobile" in reply_content(response)
    assert post(client, event_xml("subscribe")).content == response.content  # replayed event: same answer
    other = post(client, event_xml("unsubscribe", create_time=1773108100))
    assert (other.status_code, other.content) == (200, b"success")
    assert WeChatMessage.objects.filter(kind="event").count() == 2


@time_machine.travel(NOW, tick=False)
def test_encrypted_mode_round_trip(client, bound, settings):
    """Safe mode: the message arrives encrypted with msg_signature; our reply is encrypted back."""
    key = aes_key()
    assert len(key) == 43
    settings.SERVICEDESK = {**settings.SERVICEDESK, "WECHAT_ENCODING_AES_KEY": key}
    wechat = WeChatCrypto(TOKEN, key, APP_ID)
    timestamp, nonce = "1773108000", "safe-nonce"
    envelope = ET.fromstring(wechat.encrypt_message(text_xml("扫描仪报错 E31", msg_id=3003), nonce, timestamp))
    encrypted = envelope.findtext("Encrypt")
    msg_signature = signature(TOKEN, timestamp, nonce, encrypted)
    body = f"<xml><ToUserName><![CDATA[gh_servicedesk]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"

    response = post(client, body, timestamp=timestamp, nonce=nonce, encrypt_type="aes", msg_signature=msg_signature)

    assert response.status_code == 200, response.content
    answer = ET.fromstring(response.content)
    assert answer.findtext("Encrypt") and answer.findtext("Content") is None
    plain = wechat.decrypt_message(response.content, answer.findtext("MsgSignature"), answer.findtext("TimeStamp"), answer.findtext("Nonce"))
    ticket = Ticket.objects.get()
    assert ticket.subject == "扫描仪报错 E31"
    assert ticket.number in ET.fromstring(plain).findtext("Content")

    # A wrong msg_signature is 403; plain text while safe mode is on is 400; nothing more is written.
    tampered = post(client, body, timestamp=timestamp, nonce=nonce, encrypt_type="aes", msg_signature="0" * 40)
    assert tampered.status_code == 403
    assert post(client, text_xml("plain", msg_id=3004)).status_code == 400
    garbled = body.replace(encrypted[:20], "!!!!" * 5)
    garbled_sig = signature(TOKEN, timestamp, nonce, encrypted.replace(encrypted[:20], "!!!!" * 5))
    assert post(client, garbled, timestamp=timestamp, nonce=nonce, encrypt_type="aes", msg_signature=garbled_sig).status_code == 400
    assert Ticket.objects.count() == 1 and WeChatMessage.objects.count() == 1
