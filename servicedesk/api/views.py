"""Shared pieces of the API views: idempotent creation, the root, the JSON 404."""

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.reverse import reverse

from servicedesk.core.idempotency import KEY_PATTERN, AlreadySaved, run_once

from .errors import not_found_body
from .permissions import IsAuthenticatedOnly

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A random key (16-64 letters, digits, - or _) per intended creation. A retry with the same key "
        "creates nothing new and answers with what the first request created (status 200)."
    ),
)


def idempotency_key(request) -> str:
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if key and not KEY_PATTERN.fullmatch(key):
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [_("Use 16 to 64 letters, digits, “-” or “_”.")]})
    return key


def create_once(request, *, scope: str, create: Callable, url_of: Callable, replay: Callable):
    """Run ``create`` once per ``Idempotency-Key`` (the same table and constraint as the web forms).

    Returns ``(obj, created)``. A repeat gets ``replay(url)`` with the first result's ``url_of``
    address; it reads the object again through the view's user-scoped queryset (:func:`url_kwargs`)."""
    try:
        return run_once(
            scope=f"api.{scope}", key=idempotency_key(request), user=request.user, create=create, url_of=url_of
        ), True
    except AlreadySaved as saved:
        return replay(saved.url), False


def url_kwargs(url: str) -> dict:
    """The URL kwargs of an address this API made, plus its query string's single values."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise exceptions.NotFound() from None
    return {**match.kwargs, **{name: values[-1] for name, values in parse_qs(parts.query).items()}}


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([IsAuthenticatedOnly])
def api_root(request):
    from .urls import router

    return Response(
        {prefix: reverse(f"api:{basename}-list", request=request) for prefix, _viewset, basename in router.registry}
    )


def not_found(request, rest=""):
    return JsonResponse(not_found_body(), status=404)
