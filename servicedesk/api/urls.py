"""/api/v1/: the resources each app registers in its ``api.py`` (``ROUTES``), the schema and docs.

API views answer for themselves (401 with a JSON body, never a redirect to the login page), so
they are taken out of LoginRequiredMiddleware; their permission classes deny by default."""

from importlib import import_module

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views

API_MODULES = (
    "tickets.api",
    "tickets.contracts.api",
    "tickets.sla.api",
    "tickets.care.api",
    "tickets.remote.api",
    "hotline.api",
    "onsite.api",
    # helper modules are added as they land
)

router = SimpleRouter(trailing_slash=True)
for module_name in API_MODULES:
    for prefix, viewset, basename in import_module(module_name).ROUTES:
        router.register(prefix, viewset, basename=basename)


def _open_to_api_auth(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _open_to_api_auth(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


v1 = _open_to_api_auth(
    [
        path("", views.api_root, name="root"),
        *router.urls,
        re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
    ]
)

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    *_open_to_api_auth([path("schema/", SpectacularAPIView.as_view(), name="schema")]),
    # The interactive page is for people: behind the normal login (a redirect to the login page).
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")), name="docs"),
]
