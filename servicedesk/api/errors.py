"""One error body for every API failure, whatever raised it:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

``fields`` is there for validation errors only. Django's ValidationError (raised by the services,
the same ones the web forms show) becomes a 400; a refusal an app registers with :func:`register`
(e.g. a status change the transition table does not allow) its own status. Nothing the client
sends becomes a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

_REFUSALS: dict[type[Exception], tuple[int, str]] = {}


def register(exc_class: type[Exception], *, http_status: int, code: str) -> None:
    """Answer ``exc_class`` (its ``message`` or ``str()``) with ``http_status`` and ``code``."""
    _REFUSALS[exc_class] = (http_status, code)


def _message_of(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _message_of(value)
        return ""
    if isinstance(detail, list):
        return _message_of(detail[0]) if detail else ""
    return str(detail)


def _body(http_status: int, code: str, message: str, fields=None) -> dict:
    error = {"status": http_status, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def exception_handler(exc, context):
    for exc_class, (http_status, code) in _REFUSALS.items():
        if isinstance(exc, exc_class):
            return Response(_body(http_status, code, str(getattr(exc, "message", exc))), status=http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {name: [str(m) for m in errors] for name, errors in exc.message_dict.items()}
            exc = exceptions.ValidationError(fields)
        else:
            exc = exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler and the error log take it
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = _message_of(fields) or _("The request is not valid.")
        response.data = _body(response.status_code, "invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
        message = detail.get("detail", "") if isinstance(detail, dict) else _message_of(detail)
        response.data = _body(response.status_code, str(code), str(message))
    return response


def not_found_body() -> dict:
    return _body(status.HTTP_404_NOT_FOUND, "not_found", _("No such API endpoint."))
