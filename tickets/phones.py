"""Phone numbers as the service centre sees them: typed any way, looked up one way.

``normalize_phone`` keeps digits only, drops the China country code (+86 / 0086) and returns the
national form, so "+86 138-0013-8000", "0086 13800138000" and "138 0013 8000" all match, and a
landline keeps its area code ("010-6552 9988" -> "01065529988"). Extensions after "ext"/"x"/"#"/","
are dropped from the lookup key.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_DIGITS = 5
MAX_DIGITS = 15
_EXTENSION = re.compile(r"(?:ext\.?|x|#|,|转)\s*\d+\s*$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[\d\s()+\-./]*$")


def normalize_phone(raw: str) -> str:
    """Lookup key for a phone number, or "" when there are no digits at all."""
    text = _EXTENSION.sub("", (raw or "").strip())
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and digits.startswith("86") and len(digits) > 10:
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]  # 86 + an 11-digit mobile number typed without "+"
    return digits


def validate_phone(raw: str) -> None:
    """Form/model validator: something a person could dial."""
    if not raw:
        return
    text = _EXTENSION.sub("", raw.strip())
    digits = normalize_phone(raw)
    if not _ALLOWED.match(text) or not (MIN_DIGITS <= len(digits) <= MAX_DIGITS):
        raise ValidationError(
            _("Enter a phone number of %(min)s to %(max)s digits, e.g. 138 0013 8000 or 010-6552 9988."),
            code="invalid_phone",
            params={"min": MIN_DIGITS, "max": MAX_DIGITS},
        )
