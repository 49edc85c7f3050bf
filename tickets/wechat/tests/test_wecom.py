"""The WeCom (企业微信) callback (issue 14): the encrypted URL check, signed and encrypted messages,
the same conversation as the official account under a prefixed id, bad input 4xx."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse
from wechatpy.enterprise.crypto import PrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto

from servicedesk.notify.services import contact_address
from tickets.models import ContactChannel, Ticket
from tickets.models.tickets import Channel
from tickets.tests.factories import ContactFactory
from tickets.wechat.models import WeChatMessage

from .helpers import aes_key, signature, text_xml

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
WECOM_TOKEN = "test-wecom-token"
CORP_ID = "ww0123456789abcdef"
USERID = "ZhangWei"
TIMESTAMP, NONCE = "1773108000", "wecom-nonce"


@pytest.fixture
def key(settings, wechat_on):
    value = aes_key()
    settings.SERVICEDESK = {
        **settings.SERVICEDESK, "WECOM_TOKEN": WECOM_TOKEN, "WECOM_ENCODING_AES_KEY": value, "WECOM_CORP_ID": CORP_ID
    }
    return value


@pytest.fixture
def bound(key):
    return ContactFactory(name="张伟", mobile="137 0000 1111", wechat_openid=f"wecom:{USERID}")


def _url(**query) -> str:
    return reverse("wechat:work_callback") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _post(client, key: str, xml: str, *, corp_id: str = CORP_ID, msg_signature: str | None = None):
    """An encrypted message the way WeCom sends it: <Encrypt> in the body, msg_signature in the URL."""
    envelope = ET.fromstring(WorkCrypto(WECOM_TOKEN, key, corp_id).encrypt_message(xml, NONCE, TIMESTAMP))
    encrypted = envelope.findtext("Encrypt")
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><AgentID>1000002</AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    sig = msg_signature or signature(WECOM_TOKEN, TIMESTAMP, NONCE, encrypted)
    return client.post(_url(msg_signature=sig, timestamp=TIMESTAMP, nonce=NONCE), data=body.encode(), content_type="text/xml")


def _wecom_text(content: str, *, msg_id: int) -> str:
    xml = text_xml(content, msg_id=msg_id, openid=USERID)
    return xml.replace("</xml>", "<AgentID>1000002</AgentID></xml>")


def test_wecom_is_off_until_token_key_and_corp_id_are_set(client, wechat_on):
    assert client.get(_url(msg_signature="x", timestamp=TIMESTAMP, nonce=NONCE, echostr="x")).status_code == 404


def test_wecom_url_check_answers_the_decrypted_echostr(client, key):
    import base64

    echostr = PrpCrypto(base64.b64decode(key + "=")).encrypt("1616140317555161061", CORP_ID)
    echostr = echostr.decode() if isinstance(echostr, bytes) else echostr
    good = client.get(
        reverse("wechat:work_callback"),
        {"msg_signature": signature(WECOM_TOKEN, TIMESTAMP, NONCE, echostr), "timestamp": TIMESTAMP, "nonce": NONCE, "echostr": echostr},
    )
    assert (good.status_code, good.content) == (200, b"1616140317555161061")
    bad = client.get(
        reverse("wechat:work_callback"), {"msg_signature": "0" * 40, "timestamp": TIMESTAMP, "nonce": NONCE, "echostr": echostr}
    )
    assert bad.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_gn1_wecom_text_from_a_bound_user_opens_a_messaging_ticket_and_the_reply_is_encrypted(client, key, bound):
    response = _post(client, key, _wecom_text("投影仪无信号", msg_id=5005))
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.contact, ticket.subject) == (Channel.MESSAGING, bound, "投影仪无信号")
    answer = ET.fromstring(response.content)
    assert answer.findtext("Encrypt") and answer.findtext("Content") is None
    plain = WorkCrypto(WECOM_TOKEN, key, CORP_ID).decrypt_message(
        response.content, answer.findtext("MsgSignature"), answer.findtext("TimeStamp"), answer.findtext("Nonce")
    )
    assert ticket.number in ET.fromstring(plain).findtext("Content")
    assert WeChatMessage.objects.get().openid == f"wecom:{USERID}"
    # Replayed by WeCom: still one ticket.
    assert _post(client, key, _wecom_text("投影仪无信号", msg_id=5005)).status_code == 200
    assert Ticket.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_wecom_bad_signature_other_corp_and_garbage_are_4xx(client, key, bound):
    assert _post(client, key, _wecom_text("x", msg_id=1), msg_signature="0" * 40).status_code == 403
    assert _post(client, key, _wecom_text("x", msg_id=2), corp_id="ww-another-corp").status_code == 403
    garbage = client.post(
        _url(msg_signature=signature(WECOM_TOKEN, TIMESTAMP, NONCE, "abc"), timestamp=TIMESTAMP, nonce=NONCE),
        data=b"<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>",
        content_type="text/xml",
    )
    assert garbage.status_code == 400
    assert client.post(_url(msg_signature="x"), data=b"not xml", content_type="text/xml").status_code in (400, 403)
    assert not Ticket.objects.exists() and not WeChatMessage.objects.exists()


def test_a_wecom_contact_gets_no_official_account_template_message(key, bound):
    """Template messages belong to the official account: notices to a WeCom user go by SMS/e-mail."""
    assert contact_address(contact=bound, channel=ContactChannel.WECHAT) == ""
    assert contact_address(contact=bound, channel=ContactChannel.SMS) == bound.mobile
