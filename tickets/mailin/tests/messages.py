"""Test messages built with the standard library (no IMAP needed)."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import datetime


def make_message(
    *,
    sender: str = "Li Lei <lilei@customer.example>",
    to: str = "service@desk.example",
    subject: str = "Printer jams on page two",
    body: str = "The printer in room 3 jams on every second page.",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
    html: str = "",
    date: datetime.datetime | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(domain="customer.example")
    msg["Date"] = format_datetime(date or datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, content, mime in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg
