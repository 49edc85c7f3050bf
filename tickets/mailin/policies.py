"""Pure rules of the e-mail intake (issue 14): what is automatic mail, what a reply refers to, what
text the customer wrote. No database here; ``services.py`` applies these decisions.

Every function takes a parsed ``email.message.EmailMessage`` (``email.policy.default``) or plain
values, so the unit tests build messages with the standard library and need no IMAP server.
"""

import hashlib
import re
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from django.utils.html import strip_tags

from tickets.policies import format_ticket_number

# Precedence values that only machines send (RFC 3834 section 3.1.8 and common practice).
AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
# Senders that are never a person: bounces and server notices.
AUTO_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})
# Longest Message-ID we store as it is; a longer one is stored as its hash (still unique, stable).
MESSAGE_ID_MAX = 250


def header(msg: EmailMessage, name: str) -> str:
    """One header as text ("" when absent or unreadable): a malformed header never raises here."""
    try:
        return str(msg.get(name) or "").strip()
    except Exception:  # noqa: BLE001 - the email package raises many kinds on broken headers
        return ""


def automatic_reason(msg: EmailMessage, *, own_addresses: frozenset[str] = frozenset()) -> str:
    """Why this message is automatic (an auto-reply, a bounce, list traffic, our own mail), or "".

    Automatic mail never opens a ticket and is never answered: that is what keeps two auto-responders
    from mailing each other for ever (issue 14, "no loops").
    """
    auto_submitted = header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = header(msg, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    # (X-Auto-Response-Suppress is not a sign: Outlook sets it on ordinary mail too.)
    for name in ("X-Autoreply", "X-Autorespond"):
        if header(msg, name):
            return f"{name} present"
    # Decision (docs/channels.md): mailing-list and newsletter mail carries List-Id; a
    # customer writing to the service address does not. Treated as automatic.
    if header(msg, "List-Id"):
        return "List-Id present"
    if msg.get_content_type() == "multipart/report":  # delivery and read reports (RFC 6522)
        return "multipart/report"
    return_path = header(msg, "Return-Path")
    if return_path.replace(" ", "") == "<>":  # the null sender of bounces (RFC 5321 4.5.5)
        return "empty Return-Path"
    sender = sender_address(msg)
    if sender.split("@", 1)[0] in AUTO_LOCAL_PARTS:
        return f"sender {sender}"
    if sender and sender in own_addresses:
        return "sent from our own address"
    return ""


def sender_address(msg: EmailMessage) -> str:
    """The From address, lower-cased ("" when there is none)."""
    return parseaddr(header(msg, "From"))[1].strip().lower()


def sender_name(msg: EmailMessage) -> str:
    return parseaddr(header(msg, "From"))[0].strip()


_ID_RE = re.compile(r"<[^<>\s]+>")


def message_ids(value: str) -> list[str]:
    """The ``<...>`` ids in an In-Reply-To or References header, in order."""
    return _ID_RE.findall(value or "")


def referenced_ids(msg: EmailMessage) -> list[str]:
    """Ids this message answers, the most direct first: In-Reply-To, then References newest first."""
    seen: list[str] = []
    for mid in message_ids(header(msg, "In-Reply-To")) + list(reversed(message_ids(header(msg, "References")))):
        if mid not in seen:
            seen.append(mid)
    return seen


def message_id_of(msg: EmailMessage, *, raw: bytes) -> str:
    """The Message-ID to deduplicate by. A message without one gets a stable id from its bytes, so
    the same message fetched twice is still recognised; an over-long one is stored as its hash."""
    ids = message_ids(header(msg, "Message-ID"))
    if ids and len(ids[0]) <= MESSAGE_ID_MAX:
        return ids[0]
    source = ids[0].encode() if ids else raw
    return f"<sha256.{hashlib.sha256(source).hexdigest()}@mailin.invalid>"


def ticket_number_from_our_id(message_id: str, *, domain: str) -> str:
    """The ticket number in one of our outgoing ids: ``<SD-2026-000042@domain>`` (the thread root)
    or ``<SD-2026-000042.17@domain>`` (one message about the ticket); "" for anyone else's id."""
    match = re.fullmatch(r"<([^.@<>\s]+)(?:\.\d+)?@" + re.escape(domain.lower()) + r">", message_id.lower())
    return match.group(1).upper() if match else ""


def ticket_number_from_subject(subject: str, *, prefix: str) -> str:
    """A ticket number written in the subject, "[SD-2026-000042]" or bare, normalised to the stored
    form ("SD-2026-42" is SD-2026-000042); "" when there is none."""
    pattern = r"(?<![\w-])" + re.escape(prefix) + r"-(\d{4})-(\d{1,9})(?![\w-])"
    match = re.search(pattern, subject or "", flags=re.IGNORECASE)
    if not match:
        return ""
    return format_ticket_number(prefix=prefix, year=int(match.group(1)), sequence=int(match.group(2)))


def body_text(msg: EmailMessage) -> str:
    """The message's text: the text/plain body, else the HTML body without tags."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()  # decodes the transfer encoding and charset; raises if it cannot
    if part.get_content_subtype() == "html":
        content = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content))
    return content.replace("\r\n", "\n").strip()


# A line that starts the quoted earlier message: everything from it down is cut.
_QUOTE_STARTS = (
    re.compile(r"^-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*原始邮件\s*-{2,}\s*$"),  # QQ / Foxmail
    re.compile(r"^(发件人|寄件者)\s*[:：]"),  # Chinese Outlook / 163 / QQ header block
    re.compile(r"^在.{2,120}写道\s*[:：]\s*$"),  # Chinese Gmail / Apple Mail
    re.compile(r"^On\s.{2,200}\swrote:\s*$", re.IGNORECASE),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^Am\s.{2,200}\sschrieb.{0,80}:\s*$"),
)
_OUTLOOK_FROM = re.compile(r"^From:\s.+$", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^(Sent|Date|To|发送时间|日期)\s*[:：]", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The new text of a reply: cut at the first "On ... wrote:", "-----Original Message-----",
    "发件人:" (or an Outlook "From:" followed by "Sent:") line; drop trailing "> " quote lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if any(p.match(stripped) for p in _QUOTE_STARTS) or (
            stripped.startswith("On ") and not stripped.endswith("wrote:") and _QUOTE_STARTS[4].match(joined)
        ):
            cut = index
            break
        if _OUTLOOK_FROM.match(stripped) and index + 1 < len(lines) and _OUTLOOK_NEXT.match(lines[index + 1].strip()):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip()


def attachment_parts(msg: EmailMessage) -> list[EmailMessage]:
    """The parts that are files (a filename or Content-Disposition: attachment), not the body."""
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_filename() or part.get_content_disposition() == "attachment":
            parts.append(part)
    return parts


def recipients(msg: EmailMessage) -> list[str]:
    return [address.lower() for _, address in getaddresses([header(msg, "To"), header(msg, "Cc")]) if address]
