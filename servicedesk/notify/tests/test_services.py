"""customer_message_send (issue 14): channel choice, idempotency, rendering, delivery once."""

import itertools

import pytest
from django.core import mail

from servicedesk.core import outbox
from servicedesk.core.models import OutboxMessage
from servicedesk.notify.models import CustomerMessage, MessageKind, MessageTemplate
from servicedesk.notify.services import channel_choose, customer_message_send
from tickets.models import ContactChannel
from tickets.tests.factories import ContactFactory, CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db
_SEQ = itertools.count(1)


def _english_customer():
    return CustomerFactory(name=f"Acme Trading {next(_SEQ)} Ltd.")


def _contact(**kwargs):
    kwargs.setdefault("customer", _english_customer())
    return ContactFactory(**kwargs)


def test_the_preferred_channel_is_used_when_the_contact_can_receive_it():
    assert channel_choose(contact=_contact(preferred_channel=ContactChannel.SMS)) == "sms"
    assert channel_choose(contact=_contact(preferred_channel=ContactChannel.EMAIL)) == "email"


def test_fallback_is_email_then_sms_then_wechat(wechat_configured):
    assert channel_choose(contact=_contact(preferred_channel=ContactChannel.SMS, mobile="", phone="010-1")) == "email"
    assert channel_choose(contact=_contact(preferred_channel=ContactChannel.WECHAT, email="")) == "sms"
    only_wechat = _contact(email="", mobile="", phone="010-2", wechat_openid="o-1", preferred_channel="email")
    assert channel_choose(contact=only_wechat) == "wechat"


def test_wechat_needs_an_openid_and_a_configured_account(settings):
    settings.NOTIFY_WECHAT_APP_ID = ""
    contact = _contact(preferred_channel=ContactChannel.WECHAT, wechat_openid="o-2")
    assert channel_choose(contact=contact) == "email"  # not configured: the fallback
    assert channel_choose(contact=contact, channel="wechat") is None


def test_an_unreachable_contact_gets_no_message(now):
    contact = _contact(email="", mobile="", phone="010-3")
    assert customer_message_send(contact=contact, kind="bind_code", context={"code": "1"}, key="k", now=now) is None
    assert customer_message_send(
        contact=_contact(mobile=""), kind="bind_code", context={"code": "1"}, channel="sms", key="k2", now=now
    ) is None
    assert not CustomerMessage.objects.exists() and not OutboxMessage.objects.exists()


def test_the_same_key_twice_gives_the_first_row_and_one_delivery(now, django_capture_on_commit_callbacks):
    contact = _contact()
    with django_capture_on_commit_callbacks(execute=True):
        first = customer_message_send(contact=contact, kind=MessageKind.BIND_CODE, context={"code": "4711"}, key="bind:1", now=now)
        second = customer_message_send(contact=contact, kind=MessageKind.BIND_CODE, context={"code": "9999"}, key="bind:1", now=now)
    assert second.pk == first.pk and CustomerMessage.objects.count() == 1
    assert OutboxMessage.objects.filter(key="notify:bind:1").count() == 1
    first.refresh_from_db()
    assert first.status == CustomerMessage.Status.SENT and first.sent_at is not None and first.attempts == 1
    assert len(mail.outbox) == 1 and "4711" in mail.outbox[0].body
    # a second delivery of the same row sends nothing
    from servicedesk.notify.services import customer_message_deliver

    assert customer_message_deliver(message_id=first.pk, now=now) is False
    assert len(mail.outbox) == 1


def test_rendering_follows_the_customer_language(now):
    zh = ContactFactory(customer=CustomerFactory(name="北京某某科技有限公司"), name="张伟")
    en = _contact(name="Jane Doe")
    m_zh = customer_message_send(contact=zh, kind="bind_code", context={"code": "1234"}, key="zh", now=now)
    m_en = customer_message_send(contact=en, kind="bind_code", context={"code": "5678"}, key="en", now=now)
    assert m_zh.language == "zh-hans" and "验证码" in m_zh.body and "1234" in m_zh.body and "张伟" in m_zh.body
    assert m_en.language == "en" and "binding code is 5678" in m_en.body and "Jane Doe" in m_en.body
    assert m_en.recipient == en.email and m_en.channel == "email" and m_en.status == "pending"


def test_plain_text_is_not_html_escaped(now):
    ticket = TicketFactory(customer=CustomerFactory(name="A & B Ltd."), subject="Fish & chips")
    message = customer_message_send(
        contact=ticket.contact, kind="ticket_update", ticket=ticket,
        context={"body": "R&D <done>", "status_url": "https://x/s?a=1&b=2"}, key="u", now=now,
    )
    assert "R&D <done>" in message.body and "a=1&b=2" in message.body and "Fish & chips" in message.subject


def test_without_an_active_template_the_row_is_skipped_and_nothing_is_sent(now):
    MessageTemplate.objects.filter(kind="bind_code", channel="email").update(is_active=False)
    message = customer_message_send(contact=_contact(), kind="bind_code", context={"code": "1"}, key="s", now=now)
    assert message.status == CustomerMessage.Status.SKIPPED and "no active template" in message.error
    assert not OutboxMessage.objects.exists()


def test_a_missing_language_falls_back_to_the_other_one(now):
    MessageTemplate.objects.filter(kind="bind_code", channel="email", language="en").delete()
    message = customer_message_send(contact=_contact(), kind="bind_code", context={"code": "1"}, key="f", now=now)
    assert message.language == "zh-hans" and "验证码" in message.body


def test_email_about_a_ticket_carries_the_thread_headers(settings, now, django_capture_on_commit_callbacks):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "MAIL_DOMAIN": "help.example.com"}
    settings.NOTIFY_MAIL_REPLY_TO = "support@example.com"
    ticket = TicketFactory(customer=_english_customer(), number="SD-2026-000123")
    with django_capture_on_commit_callbacks(execute=True):
        message = customer_message_send(
            contact=ticket.contact, kind="request_received", ticket=ticket,
            context={"status_url": "https://help.example.com/s/abc"}, key="rr", now=now,
        )
    [email] = mail.outbox
    assert email.subject == "[SD-2026-000123] We have received your request"
    assert email.extra_headers["Message-ID"] == f"<SD-2026-000123.{message.pk}@help.example.com>"
    assert email.extra_headers["In-Reply-To"] == "<SD-2026-000123@help.example.com>"
    assert email.extra_headers["References"] == "<SD-2026-000123@help.example.com>"
    assert email.reply_to == ["support@example.com"] and email.to == [ticket.contact.email]
    assert email.message()["Message-ID"] == f"<SD-2026-000123.{message.pk}@help.example.com>"
    message.refresh_from_db()
    assert message.provider_id == f"<SD-2026-000123.{message.pk}@help.example.com>"


def test_sms_and_wechat_go_to_the_console_backend_by_default(now, wechat_configured, settings, caplog):
    settings.NOTIFY_SMS_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    settings.NOTIFY_WECHAT_BACKEND = "servicedesk.notify.backends.console.ConsoleBackend"
    sms = customer_message_send(contact=_contact(preferred_channel="sms"), kind="bind_code", context={"code": "1"}, key="c1", now=now)
    wx = customer_message_send(
        contact=_contact(preferred_channel="wechat", wechat_openid="o-9"), kind="bind_code", context={"code": "2"}, key="c2", now=now
    )
    caplog.set_level("INFO", logger="servicedesk.notify")
    assert outbox.relay(now=now).delivered == 2
    sms.refresh_from_db()
    wx.refresh_from_db()
    assert sms.status == wx.status == "sent" and sms.provider_id.startswith("console-")
    assert sms.recipient == sms.contact.mobile and wx.recipient == "o-9"
    assert sms.contact.mobile not in caplog.text  # GN-7


def test_a_broker_error_on_enqueue_never_reaches_the_caller(monkeypatch, now, django_capture_on_commit_callbacks):
    from servicedesk.core import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.outbox_deliver, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        message = customer_message_send(contact=_contact(), kind="bind_code", context={"code": "7"}, key="b", now=now)
    message.refresh_from_db()
    assert message.status == "pending" and mail.outbox == []
    assert outbox.relay(now=now).delivered == 1
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1
