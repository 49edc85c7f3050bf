"""The address a login attempt came from, for django-axes (AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; with ``LOGIN_TRUSTED_PROXIES = n`` the n-th entry from the right of
    X-Forwarded-For, i.e. the address our outermost proxy saw. Entries further left come from the
    client and can be forged, so they are never used."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
