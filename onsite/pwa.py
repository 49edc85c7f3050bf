"""The engineers' offline phone app (issue 16): the web app manifest and the service worker.

Both are served from the site root without login: the browser fetches them without the session
(the manifest with ``credentials: omit``) and a service worker's scope can only be as wide as the
folder it is served from, so ``/sw.js`` (with ``Service-Worker-Allowed: /``) rather than
``/static/sw.js``. The worker's source is the static file ``static/sw.js``; this view puts the
asset URLs in front of it as the static storage names them (hashed names under whitenoise in
production), and a version made from them, so a new deployment installs a new worker and drops
the old caches.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# What the engineer's pages need offline, cached when the worker installs (cache-first after).
OFFLINE_ASSETS = (
    "css/app.css",
    "js/app.js",
    "js/onsite.js",
    "js/offline.js",
    "js/photos.js",  # the order page's photo upload resizes offline too
    "css/photos.css",
    "vendor/htmx.min.js",
    "img/favicon.svg",
    "img/pwa/icon-192.png",
)
ICONS = (
    ("img/pwa/icon-192.png", "192x192", "any"),
    ("img/pwa/icon-512.png", "512x512", "any"),
    ("img/pwa/icon-maskable-512.png", "512x512", "maskable"),
)
WORKER = "sw.js"


def _source(name: str) -> bytes:
    """A static file's bytes: from the source folders, else from the collected files."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read()


def _worker_script() -> bytes:
    assets = [static(name) for name in OFFLINE_ASSETS]
    digest = hashlib.sha256(_source(WORKER))
    for name, url in zip(OFFLINE_ASSETS, assets, strict=True):
        digest.update(url.encode())
        digest.update(_source(name))
    config = {
        "version": digest.hexdigest()[:12],
        "assets": assets,
        "staticPrefix": settings.STATIC_URL,  # "/static/" (the script prefix added by Django)
        "pages": [reverse("onsite:mine"), reverse("onsite:detail", args=[0]).replace("/0/", "/")],
        "loginPath": reverse("login"),
    }
    head = f"self.SERVICEDESK_SW = {json.dumps(config)};\n".encode()
    return head + _source(WORKER)


# Production: built once per process (the files do not change); tests and development: each time.
_cached_worker_script = lru_cache(maxsize=1)(_worker_script)


@login_not_required
@require_GET
@cache_control(no_cache=True, max_age=0)  # the browser checks for a new worker on every visit
def service_worker(request):
    script = _worker_script() if settings.DEBUG or getattr(settings, "WHITENOISE_AUTOREFRESH", False) else _cached_worker_script()
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest in the request's language (name, short name), installable from the
    engineer's "My visits" page."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    data = {
        "name": _("%(site)s for engineers") % {"site": settings.SERVICEDESK["SITE_NAME"]},
        "short_name": _("My visits"),
        "description": _("Today's on-site visits, also without a connection."),
        "lang": language,
        "id": reverse("onsite:mine"),
        "start_url": reverse("onsite:mine"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [{"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose} for src, sizes, purpose in ICONS],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Vary"] = "Accept-Language, Cookie"
    return response
