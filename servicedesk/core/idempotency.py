"""Idempotent creating requests: a double click or a retry never stores a second record.

Every form that creates records renders a random key (:class:`IdempotentFormMixin`). The view runs
the service through :func:`run_once`, which inserts an :class:`~servicedesk.core.models.IdempotencyKey`
row in the same transaction as the records the service creates. The unique constraint on
``(scope, key)`` decides who was first; it is never a read-then-write:

* a sequential repeat hits the constraint and gets the first request's result URL;
* a concurrent twin blocks on the constraint until the first request commits, then does the same;
* a request whose service fails (a ValidationError) rolls its key back with everything else, so the
  user can correct the form and send it again with the same key.

Keys are kept ``IDEMPOTENCY_KEEP_DAYS`` (nightly purge); a repeat after that is a new request.
"""

import datetime
import re
import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import IdempotencyKey

FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
T = TypeVar("T")


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 random bits


class IdempotentFormMixin(forms.Form):
    """Adds the hidden key. Put it first in the bases so its ``clean`` runs; the key is taken out
    of ``cleaned_data`` (services get only their own arguments) and kept as ``form.idempotency_key``.

    A post without a key (an API client, an old page) is still accepted and gets no protection;
    every page this app renders carries one."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(FIELD, new_key())
        self.idempotency_key = ""

    def clean(self):
        data = super().clean()
        if data is None:
            data = self.cleaned_data
        key = data.pop(FIELD, "") or ""
        if key and not KEY_PATTERN.fullmatch(key):
            # On top of the form (the field is hidden, its own error would not show).
            self.add_error(None, _("This form is damaged; reload the page and try again."))
        self.idempotency_key = key
        return data


class AlreadySaved(Exception):
    """Raised by :func:`run_once` for a repeat; :class:`IdempotencyMiddleware` answers it with the
    first result (as Django answers Http404), so views need no branch of their own."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def run_once(
    *,
    scope: str,
    key: str,
    user,
    create: Callable[[], T],
    url_of: Callable[[T], str],
    now: datetime.datetime | None = None,
) -> T:
    """Run ``create`` at most once per ``(scope, key)`` and return what it created; a repeat raises
    :class:`AlreadySaved` with the first result's URL.

    The key row and what ``create`` writes commit together. A key used by another user is refused
    (PermissionDenied): keys are random, so that is a forged or leaked form, not a double click."""
    if not key:
        return create()
    now = now or timezone.now()
    user_id = getattr(user, "pk", None)
    with transaction.atomic():
        try:
            with transaction.atomic():  # savepoint: the failed insert leaves the outer block usable
                row = IdempotencyKey.objects.create(scope=scope, key=key, user_id=user_id, created_at=now)
        except IntegrityError:
            first = IdempotencyKey.objects.filter(scope=scope, key=key).values("user_id", "result_url").first()
            if first is None:  # purged between our insert and this read: cannot happen within its lifetime
                raise
            if first["user_id"] != user_id:
                raise PermissionDenied(gettext("This form was sent by someone else."))
            raise AlreadySaved(first["result_url"]) from None
        result = create()
        row.result_url = url_of(result)[:300]
        row.save(update_fields=["result_url"])
    return result


def already_saved(request, url: str) -> HttpResponse:
    """The answer to a repeat: the first result, with a message, as a redirect (htmx: HX-Redirect)."""
    messages.info(request, gettext("Already saved: this form was sent before, here is the result."))
    url = url or request.path
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


class IdempotencyMiddleware:
    """Turns :class:`AlreadySaved` from any view into :func:`already_saved`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AlreadySaved):
            return already_saved(request, exception.url)
        return None


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete keys older than ``IDEMPOTENCY_KEEP_DAYS`` (nightly, with the outbox purge)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SERVICEDESK.get("IDEMPOTENCY_KEEP_DAYS", 7))
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
