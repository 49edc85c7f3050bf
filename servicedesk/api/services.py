"""API token life cycle: create (the raw token is returned once), revoke, authenticate."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

TOKEN_PREFIX = "sd_"
# last_used_at is written at most this often per token: an API client calling every second
# does not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user, name: str, expires_at: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``. Returns the row and the raw token; only its digest is stored."""
    now = now or timezone.now()
    if not user.is_active:
        raise ValidationError(_("Tokens are only issued to active users."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip(), prefix=raw[:10], digest=token_digest(raw), created_at=now, expires_at=expires_at
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The usable token for ``raw`` with its active user, or None (unknown, revoked, expired)."""
    now = now or timezone.now()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
