"""The parsing and threading rules, on messages built with email.message.EmailMessage (no IMAP)."""

import email
from email import policy

import pytest

from tickets.mailin import policies

from .messages import make_message


def parsed(msg):
    return email.message_from_bytes(bytes(msg), policy=policy.default)


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "a@x.example", "Auto-Submitted: auto-replied"),
        ({"Precedence": "bulk"}, "a@x.example", "Precedence: bulk"),
        ({"Precedence": "junk"}, "a@x.example", "Precedence: junk"),
        ({"Precedence": "list"}, "a@x.example", "Precedence: list"),
        ({"Precedence": "auto_reply"}, "a@x.example", "Precedence: auto_reply"),
        ({"X-Autoreply": "yes"}, "a@x.example", "X-Autoreply present"),
        ({"X-Autorespond": "yes"}, "a@x.example", "X-Autorespond present"),
        ({"List-Id": "<news.x.example>"}, "a@x.example", "List-Id present"),
        ({"Return-Path": "<>"}, "a@x.example", "empty Return-Path"),
        ({}, "MAILER-DAEMON@mx.example", "sender mailer-daemon@mx.example"),
        ({}, "postmaster@mx.example", "sender postmaster@mx.example"),
    ],
)
def test_automatic_mail_is_recognised(headers, sender, reason):
    msg = parsed(make_message(sender=sender, headers=headers))
    assert policies.automatic_reason(msg) == reason


def test_person_mail_is_not_automatic():
    msg = parsed(make_message(headers={"Auto-Submitted": "no", "X-Auto-Response-Suppress": "All", "Precedence": "first-class"}))
    assert policies.automatic_reason(msg) == ""


def test_delivery_report_is_automatic():
    raw = b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\nFrom: x@y.example\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n"
    assert policies.automatic_reason(email.message_from_bytes(raw, policy=policy.default)) == "multipart/report"


def test_our_own_address_is_automatic_no_loop():
    msg = parsed(make_message(sender="Service <service@desk.example>"))
    assert policies.automatic_reason(msg, own_addresses=frozenset({"service@desk.example"})) == "sent from our own address"


def test_referenced_ids_in_reply_to_first_then_references_newest_first():
    msg = parsed(make_message(in_reply_to="<c@x>", references="<a@x> <b@x> <c@x>"))
    assert policies.referenced_ids(msg) == ["<c@x>", "<b@x>", "<a@x>"]


@pytest.mark.parametrize(
    ("mid", "number"),
    [
        ("<SD-2026-000042@servicedesk.local>", "SD-2026-000042"),
        ("<SD-2026-000042.17@servicedesk.local>", "SD-2026-000042"),
        ("<sd-2026-000042.17@ServiceDesk.Local>", "SD-2026-000042"),
        ("<SD-2026-000042@other.example>", ""),
        ("<SD-2026-000042.x@servicedesk.local>", ""),
    ],
)
def test_ticket_number_from_our_message_ids(mid, number):
    assert policies.ticket_number_from_our_id(mid, domain="servicedesk.local") == number


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Re: [SD-2026-000042] Printer jams", "SD-2026-000042"),
        ("答复: SD-2026-000042 打印机卡纸", "SD-2026-000042"),
        ("Re: SD-2026-42 still broken", "SD-2026-000042"),
        ("Re: [sd-2026-00042]", "SD-2026-000042"),
        ("XSD-2026-000042", ""),
        ("SD-2026-000042-7", ""),
        ("Printer jams", ""),
    ],
)
def test_ticket_number_from_subject(subject, number):
    assert policies.ticket_number_from_subject(subject, prefix="SD") == number


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Still broken.\n\nOn Mon, 2 Mar 2026 at 09:00, Service <s@d.example> wrote:\n> old text", "Still broken."),
        ("Still broken.\nOn Mon, 2 Mar 2026 at 09:00, Service Desk\n<s@d.example> wrote:\n> old", "Still broken."),
        ("Thanks\n\n-----Original Message-----\nFrom: Service\nSent: Monday", "Thanks"),
        ("好的，谢谢\n\n发件人: 服务台 <s@d.example>\n发送时间: 2026年3月2日", "好的，谢谢"),
        ("收到\n------------------ 原始邮件 ------------------\n发件人: x", "收到"),
        ("收到\n在 2026年3月2日 周一 09:00，服务台 <s@d.example> 写道：\n> 旧", "收到"),
        ("Yes\n\nFrom: Service Desk <s@d.example>\nSent: Monday, March 2, 2026\nTo: me", "Yes"),
        ("From: the lab on floor 2 it still fails.\nPlease come.", "From: the lab on floor 2 it still fails.\nPlease come."),
        ("New text\n> quoted line\n> another", "New text"),
    ],
)
def test_strip_quoted(text, kept):
    assert policies.strip_quoted(text) == kept


def test_body_text_prefers_plain_and_falls_back_to_html():
    assert policies.body_text(parsed(make_message(body="plain words", html="<p>html</p>"))) == "plain words"
    msg = make_message()
    msg.clear_content()
    msg.set_content("<p>first</p><p>second<br>third</p>", subtype="html")
    assert policies.body_text(parsed(msg)) == "first\nsecond\nthird"


def test_message_id_missing_gets_a_stable_id_from_the_bytes():
    msg = make_message()
    del msg["Message-ID"]
    raw = bytes(msg)
    first = policies.message_id_of(parsed(msg), raw=raw)
    assert first.startswith("<sha256.") and first == policies.message_id_of(parsed(msg), raw=raw)


def test_attachment_parts_are_the_files():
    msg = parsed(make_message(attachments=[("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")]))
    assert [part.get_filename() for part in policies.attachment_parts(msg)] == ["photo.png"]
