"""HL-1, HL-5: the CTI webhook's payload, checked field by field before anything touches the database.

A PBX resends an event it got a 5xx for, so an event the database would refuse (an over-long call
id, a negative ring time, a year-9999 timestamp, a list where a string belongs) must be a 400 that
names the field, never a 500. ``cti_payload_parse`` takes the raw request body and ``now`` and
returns a ``CtiPayload`` of clean values, or raises ``CtiPayloadError`` for the first bad field.
Unknown keys are ignored. The rules are listed in docs/hotline.md ("CTI webhook").
"""

import dataclasses
import datetime
import json
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from tickets.phones import normalize_phone

from .models import CallLog
from .services import CtiEvent

MAX_RING_SECONDS = 24 * 60 * 60
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_TIME_FIELDS = ("started_at", "answered_at", "ended_at")
# Model fields the service may name in a ValidationError, as the PBX calls them.
_PAYLOAD_FIELD = {"pbx_call_id": "call_id", "caller_phone": "caller", "caller_phone_normalized": "caller"}


class CtiPayloadError(Exception):
    """The first bad field of a CTI payload ("body" when it is not a JSON object at all)."""

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclasses.dataclass(frozen=True)
class CtiPayload:
    """Clean values, named as ``services.cti_event_receive`` takes them."""

    call_id: str
    event: str
    at: datetime.datetime
    caller: str = ""
    seat: str = ""
    started_at: datetime.datetime | None = None
    answered_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    ring_seconds: int | None = None

    def as_kwargs(self) -> dict:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


def _max_length(field: str) -> int:
    return CallLog._meta.get_field(field).max_length


def cti_time_window(*, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The earliest and latest event time accepted at ``now`` (settings HOTLINE_CTI_MAX_PAST_DAYS,
    HOTLINE_CTI_MAX_FUTURE_MINUTES): older events are not a live call any more, later ones are a
    PBX clock gone wrong."""
    conf = settings.SERVICEDESK
    return (
        now - datetime.timedelta(days=conf["HOTLINE_CTI_MAX_PAST_DAYS"]),
        now + datetime.timedelta(minutes=conf["HOTLINE_CTI_MAX_FUTURE_MINUTES"]),
    )


def _reject_constant(name: str):
    raise ValueError(name)  # NaN / Infinity are not JSON


def cti_payload_parse(body: bytes, *, now: datetime.datetime) -> CtiPayload:
    """The request body (UTF-8 JSON object) as clean values; ``CtiPayloadError`` otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise CtiPayloadError("body", _("The body must be UTF-8 encoded JSON.")) from None
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise CtiPayloadError("body", _("The body is not valid JSON.")) from None
    if not isinstance(raw, dict):
        raise CtiPayloadError("body", _("The body must be a JSON object."))
    return cti_payload_clean(raw, now=now)


def cti_payload_clean(raw: dict, *, now: datetime.datetime) -> CtiPayload:
    """The fields of a decoded payload, checked in order; the first bad one raises."""
    earliest, latest = cti_time_window(now=now)
    call_id = _text(raw, "call_id", max_length=_max_length("pbx_call_id"), required=True)
    event = raw.get("event")
    event = event.strip() if isinstance(event, str) else None
    if event not in CtiEvent.ALL:
        raise CtiPayloadError("event", _("Must be one of: %(events)s.") % {"events": ", ".join(CtiEvent.ALL)})
    at = _moment(raw, "at", earliest=earliest, latest=latest) or now
    caller = _text(raw, "caller", max_length=_max_length("caller_phone"))
    digits = _max_length("caller_phone_normalized")
    if len(normalize_phone(caller)) > digits:
        raise CtiPayloadError("caller", _("A phone number has at most %(max)d digits.") % {"max": digits})
    seat = _text(raw, "seat", max_length=_max_length("seat"))
    times = {field: _moment(raw, field, earliest=earliest, latest=latest) for field in _TIME_FIELDS}
    return CtiPayload(
        call_id=call_id,
        event=event,
        at=at,
        caller=caller,
        seat=seat,
        **times,
        ring_seconds=_seconds(raw, "ring_seconds"),
    )


def cti_error_field(exc: ValidationError) -> str | None:
    """The payload field a service ``ValidationError`` is about, or None when it names none."""
    fields = [f for f in getattr(exc, "error_dict", {}) if f != NON_FIELD_ERRORS]
    return _PAYLOAD_FIELD.get(fields[0], fields[0]) if fields else None


def _text(raw: dict, field: str, *, max_length: int, required: bool = False) -> str:
    value = raw.get(field)
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)  # many PBXs send numeric call ids and seat numbers
    if not isinstance(value, str):
        raise CtiPayloadError(field, _("Must be a string."))
    value = value.strip()
    if required and not value:
        raise CtiPayloadError(field, _("This field is required."))
    if len(value) > max_length:
        raise CtiPayloadError(
            field, _("At most %(max)d characters (it has %(length)d).") % {"max": max_length, "length": len(value)}
        )
    # NUL cannot be stored by PostgreSQL, a lone surrogate cannot be encoded: refuse all control characters.
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        raise CtiPayloadError(field, _("Must not contain control characters."))
    return value


def _moment(raw: dict, field: str, *, earliest, latest) -> datetime.datetime | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except (ValueError, OverflowError):  # well formed but impossible: 30 February, offset +99:00
            moment = None
    if moment is None:
        raise CtiPayloadError(field, _("Must be an ISO 8601 date and time, e.g. 2026-03-10T09:30:00+08:00."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not earliest <= moment <= latest:
        raise CtiPayloadError(
            field,
            _("Must be between %(earliest)s and %(latest)s.")
            % {"earliest": _iso(earliest), "latest": _iso(latest)},
        )
    return moment


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _seconds(raw: dict, field: str) -> int | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    whole = _("Must be a whole number of seconds.")
    if isinstance(value, bool):  # bool is an int in Python, not a number of seconds
        raise CtiPayloadError(field, whole)
    if isinstance(value, float):
        if not value.is_integer():
            raise CtiPayloadError(field, whole)
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise CtiPayloadError(field, whole)
        try:
            value = int(text)
        except ValueError:  # more digits than Python converts: far out of range anyway
            value = MAX_RING_SECONDS + 1
    elif not isinstance(value, int):
        raise CtiPayloadError(field, whole)
    if not 0 <= value <= MAX_RING_SECONDS:
        raise CtiPayloadError(field, _("Must be between 0 and %(max)d.") % {"max": MAX_RING_SECONDS})
    return value
