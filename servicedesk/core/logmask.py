"""GN-7: customers' phone numbers, e-mail and street addresses never reach a log file.

``PersonalDataFilter`` is installed on every handler in ``settings.LOGGING``. It renders the record's
message with its args, masks it, and stores the masked text as the message (args emptied), so a
value hidden inside an argument's ``str()`` is masked too; the exception text is masked the same
way. ``mask_personal_data`` is the pure function behind it.

- Phone numbers (Chinese mobiles ``1[3-9]x xxxx xxxx`` and landlines with an area code, with
  spaces, dashes, brackets or a +86 prefix) keep only their last four digits: ``***-****-5678``.
  Enough to tell two callers apart while debugging, not enough to call anyone.
- E-mail addresses keep the domain: ``***@example.com``.
- Street addresses become ``[address]``: a value labelled ``address``/``地址`` (``address=...``,
  ``'site_address': '...'``, ``地址：...``), a Chinese street address ending in a house number
  (``...路88号``, ``...大街1号院3号楼``) and an English one (``12 Xueyuan Road``).
"""

import logging
import re

_SEP = r"[ \-]?"
# Not \b or \w: Chinese characters are word characters, and "电话13812345678" must be masked.
_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z_])"
_NOT_DIGIT_AFTER = r"(?!\d)"

# +86 / 0086, optionally in brackets; kept visible when masking.
_COUNTRY = r"(?P<country>\(?(?:\+|00)86\)?" + _SEP + r")"
MOBILE = re.compile(
    _NOT_DIGIT_BEFORE + _COUNTRY + r"?1[3-9]\d(?:" + _SEP + r"\d){8}" + _NOT_DIGIT_AFTER
)
# Area code 0xx / 0xxx (or xx / xxx after +86), then a 7- or 8-digit number, optionally an extension.
LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:"
    + _COUNTRY
    + r"\(?[1-9]\d{1,2}\)?|\(?0[1-9]\d{1,2}\)?)"
    + _SEP
    + r"\d{3,4}"
    + _SEP
    + r"\d{4}"
    + r"(?:\s?(?:-|ext\.?|x|转)\s?\d{1,5})?"
    + _NOT_DIGIT_AFTER
)
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")

_CJK = r"\u4e00-\u9fff"
# A labelled value: address=..., 'site_address': '...', 地址：... (quoted: up to the closing quote;
# unquoted: up to the next separator).
LABELLED_ADDRESS = re.compile(
    r"(?P<label>(?:(?<![A-Za-z0-9_])(?!ip_|remote_|mac_)(?:[A-Za-z]+_)?address|地址|住址)['\"]?\s*[:=：]\s*)"
    r"(?:(?P<quote>['\"])(?:(?!(?P=quote)).)*(?P=quote)|[^,;&|\n'\"]+)",
    re.IGNORECASE,
)
# Chinese street address: ...路/街/道/巷/胡同/弄/里 + house number + 号, then building/unit/room parts.
CHINESE_ADDRESS = re.compile(
    r"[" + _CJK + r"0-9]*(?:路|街|大道|道|巷|胡同|弄|里)[" + _CJK + r"]*?"
    r"[0-9\-]+号(?:[" + _CJK + r"A-Za-z]*?[0-9][0-9\-A-Za-z]*(?:号楼|号院|楼|栋|幢|座|单元|层|室|号))*"
)
ENGLISH_ADDRESS = re.compile(
    r"(?<![0-9A-Za-z])(?:No\.\s?)?\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'\-]*\s+){1,4}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Place|Pl|Hutong)\b\.?"
)

ADDRESS_MASK = "[address]"


def _keep_last_four(match: re.Match) -> str:
    country = match.group("country") or ""
    text = match.group(0)[len(country):]
    digits = sum(ch.isdigit() for ch in text)
    hidden = 0
    out = []
    for ch in text:
        if ch.isdigit() and hidden < digits - 4:
            out.append("*")
            hidden += 1
        else:
            out.append(ch)
    return country + "".join(out)


def _labelled(match: re.Match) -> str:
    quote = match.group("quote") or ""
    return f"{match.group('label')}{quote}{ADDRESS_MASK}{quote}"


def mask_personal_data(text: str) -> str:
    """``text`` with phone numbers, e-mail and street addresses masked (see the module docstring)."""
    if not text:
        return text
    text = LABELLED_ADDRESS.sub(_labelled, text)
    text = CHINESE_ADDRESS.sub(ADDRESS_MASK, text)
    text = ENGLISH_ADDRESS.sub(ADDRESS_MASK, text)
    text = EMAIL.sub(lambda m: f"***@{m.group(1)}", text)
    text = MOBILE.sub(_keep_last_four, text)
    text = LANDLINE.sub(_keep_last_four, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Masks the rendered message and the exception text of every record; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # msg and args do not fit: keep both (masked), never the error's unmasked args
            message = " ".join([str(record.msg), *map(str, record.args or ())])
        record.msg = mask_personal_data(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
