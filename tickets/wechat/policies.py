"""Pure rules of the WeChat conversation (issue 14): what a text means, no database."""

import re

from tickets.phones import normalize_phone

CODE_LENGTH = 6
MAX_WRONG_CODES = 5
MAX_CODES_SENT = 5
_CODE = re.compile(rf"^\d{{{CODE_LENGTH}}}$")
# "新问题 ..." or "new ..." (any case, then a space, a colon or nothing more) forces a new ticket.
_NEW_PREFIX = re.compile(r"^\s*(?:新问题|new\b)\s*[:：,，]?\s*", re.IGNORECASE)
_MOBILE = re.compile(r"^1\d{10}$")
# WeCom users are stored next to the official account's OpenIDs with this prefix: the two id
# spaces never collide, and notify knows a WeCom id cannot get an official-account template message.
WECOM_PREFIX = "wecom:"
OPENID_MAX = 64  # the stored id's length (Contact.wechat_openid, WeChatBinding/WeChatMessage.openid)


def wecom_id(userid: str) -> str:
    return f"{WECOM_PREFIX}{userid}"


def is_wecom(openid: str) -> bool:
    return openid.startswith(WECOM_PREFIX)


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text.strip()))


def mobile_in(text: str) -> str:
    """The normalised mainland mobile number the text consists of, or "" (HL-12 normalisation)."""
    text = text.strip()
    if not text or len(text) > 30 or not re.fullmatch(r"[\d\s()+\-./]+", text):
        return ""
    digits = normalize_phone(text)
    return digits if _MOBILE.match(digits) else ""


def split_new_prefix(text: str) -> tuple[bool, str]:
    """``(forced_new, rest)``: whether the customer asked for a new ticket, and the text without it."""
    match = _NEW_PREFIX.match(text)
    if match is None:
        return False, text.strip()
    return True, text[match.end():].strip()


def subject_from(text: str, *, limit: int = 200) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
