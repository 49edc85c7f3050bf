"""SMS (Aliyun) and WeChat backends with their HTTP stubbed at the transport (issue 14): no call
leaves the machine; we assert the request the SDK would send."""

import datetime
import itertools
import json
import urllib.parse

import pytest
import requests

from servicedesk.core import outbox
from servicedesk.core.models import OutboxMessage
from servicedesk.notify.backends import wechat as wechat_backend
from servicedesk.notify.models import CustomerMessage, MessageTemplate
from servicedesk.notify.services import customer_message_send
from tickets.tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db
_SEQ = itertools.count(1)


class Transport:
    """Stands in for ``requests.Session.send`` (used by darabonba's ``DaraCore.do_action`` and by
    wechatpy): records every prepared request and answers from ``answers`` (url part -> JSON)."""

    def __init__(self, answers):
        self.answers = answers
        self.requests = []

    def install(self, monkeypatch):
        monkeypatch.setattr(requests.Session, "send", lambda session, prepared, **kw: self.answer(prepared))

    def answer(self, prepared):
        self.requests.append(prepared)
        for part, answer in self.answers.items():
            if part in prepared.url:
                response = requests.Response()
                response.status_code, response.reason = 200, "OK"
                response.headers["Content-Type"] = "application/json"
                response._content = json.dumps(answer(prepared) if callable(answer) else answer).encode()
                response.url = prepared.url
                response.request = prepared
                return response
        raise AssertionError(f"unexpected request {prepared.url}")


@pytest.fixture
def aliyun(settings):
    settings.NOTIFY_SMS_BACKEND = "servicedesk.notify.backends.aliyun.AliyunSmsBackend"
    settings.NOTIFY_ALIYUN_ACCESS_KEY_ID = "LTAI-test"
    settings.NOTIFY_ALIYUN_ACCESS_KEY_SECRET = "secret-test"
    settings.NOTIFY_ALIYUN_SMS_SIGN_NAME = "某某服务中心"
    MessageTemplate.objects.filter(kind="bind_code", channel="sms").update(provider_template_code="SMS_465001")


@pytest.fixture
def wechat(settings, wechat_configured):
    settings.NOTIFY_WECHAT_BACKEND = "servicedesk.notify.backends.wechat.WeChatTemplateBackend"
    MessageTemplate.objects.filter(kind="ticket_update", channel="wechat").update(wechat_template_id="TPL-42")
    wechat_backend._client.cache_clear()
    yield
    wechat_backend._client.cache_clear()


def _sms_message(now, **contact):
    contact = ContactFactory(
        customer=CustomerFactory(name=f"北京测试{next(_SEQ)}有限公司"), preferred_channel="sms", mobile="139 1234 5678", **contact
    )
    return customer_message_send(contact=contact, kind="bind_code", context={"code": "482913"}, key=f"b{contact.pk}", now=now)


def test_aliyun_send_sms_request_shape(aliyun, now, monkeypatch):
    transport = Transport({"dysmsapi.aliyuncs.com": {"Code": "OK", "Message": "OK", "BizId": "900^0", "RequestId": "R1"}})
    transport.install(monkeypatch)
    message = _sms_message(now)
    assert outbox.relay(now=now).delivered == 1
    [sent] = transport.requests
    url = urllib.parse.urlsplit(sent.url)
    query = dict(urllib.parse.parse_qsl(url.query))
    assert url.netloc == "dysmsapi.aliyuncs.com" and sent.method == "POST"
    assert sent.headers["x-acs-action"] == "SendSms" and sent.headers["x-acs-version"] == "2017-05-25"
    assert query["PhoneNumbers"] == "13912345678" and query["SignName"] == "某某服务中心"
    assert query["TemplateCode"] == "SMS_465001" and json.loads(query["TemplateParam"]) == {"code": "482913"}
    assert query["OutId"] == str(message.pk)
    assert "Credential=LTAI-test" in sent.headers["Authorization"] and "Signature=" in sent.headers["Authorization"]
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id == "900^0" and "482913" in message.body


def test_aliyun_error_code_is_retried_then_failed(aliyun, now, monkeypatch, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "OUTBOX_MAX_ATTEMPTS": 2}
    transport = Transport({"dysmsapi.aliyuncs.com": {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控", "RequestId": "R2"}})
    transport.install(monkeypatch)
    message = _sms_message(now)
    assert outbox.relay(now=now).delivered == 0
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and "isv.BUSINESS_LIMIT_CONTROL" in message.error
    row = OutboxMessage.objects.get(key=f"notify:{message.key}")
    assert row.status == "pending" and row.available_at > now  # the outbox's back-off
    later = now + datetime.timedelta(minutes=5)
    assert outbox.relay(now=later).delivered == 0
    message.refresh_from_db()
    row.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2 and row.status == "failed"
    assert len(transport.requests) == 2


def test_aliyun_without_template_code_fails_with_a_reason(aliyun, now, monkeypatch):
    MessageTemplate.objects.filter(kind="bind_code", channel="sms").update(provider_template_code="")
    Transport({}).install(monkeypatch)
    message = _sms_message(now)
    outbox.relay(now=now)
    message.refresh_from_db()
    assert message.status == "pending" and "no template code" in message.error


def test_wechat_template_message_is_sent_once(wechat, now, monkeypatch):
    transport = Transport(
        {
            "/cgi-bin/token": {"access_token": "ACCESS", "expires_in": 7200},
            "/cgi-bin/message/template/send": {"errcode": 0, "errmsg": "ok", "msgid": 200228332},
        }
    )
    transport.install(monkeypatch)
    from tickets.tests.factories import TicketFactory

    ticket = TicketFactory(customer=CustomerFactory(name=f"Wechat Test {next(_SEQ)} Ltd."))
    ticket.contact.wechat_openid, ticket.contact.preferred_channel = "oOPENID1", "wechat"
    ticket.contact.save()
    message = customer_message_send(
        contact=ticket.contact, kind="ticket_update", ticket=ticket,
        context={"body": "Engineer on the way", "status_url": "https://sd.example.com/s/x"}, key="wx1", now=now,
    )
    assert message.channel == "wechat" and message.recipient == "oOPENID1"
    assert outbox.relay(now=now).delivered == 1
    assert outbox.relay(now=now).delivered == 0  # exactly once
    send = [r for r in transport.requests if "template/send" in r.url]
    assert len(send) == 1 and "access_token=ACCESS" in send[0].url
    payload = json.loads(send[0].body)
    assert payload["touser"] == "oOPENID1" and payload["template_id"] == "TPL-42"
    assert payload["url"] == "https://sd.example.com/s/x"
    assert payload["data"]["body"] == {"value": "Engineer on the way"} and ticket.number in payload["data"]["first"]["value"]
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_id == "200228332"


def test_wechat_error_is_recorded_for_the_retry(wechat, now, monkeypatch):
    transport = Transport(
        {
            "/cgi-bin/token": {"access_token": "ACCESS", "expires_in": 7200},
            "/cgi-bin/message/template/send": {"errcode": 43004, "errmsg": "require subscribe"},
        }
    )
    transport.install(monkeypatch)
    contact = ContactFactory(
        customer=CustomerFactory(name=f"Wechat Err {next(_SEQ)} Ltd."), wechat_openid="oX", preferred_channel="wechat"
    )
    MessageTemplate.objects.filter(kind="bind_code", channel="wechat").update(wechat_template_id="TPL-1")
    message = customer_message_send(contact=contact, kind="bind_code", context={"code": "1"}, key="wx2", now=now)
    outbox.relay(now=now)
    message.refresh_from_db()
    assert message.status == CustomerMessage.Status.PENDING and "43004" in message.error and message.attempts == 1
