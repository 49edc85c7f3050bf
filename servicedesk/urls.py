from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from onsite import pwa
from servicedesk.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("start/", core_views.start, name="start"),
    path("healthz", core_views.healthz, name="healthz"),
    # The engineers' offline app (issue 16): at the root, the worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_worker"),
    path("search/", core_views.search, name="search"),
    path("notifications/", core_views.notification_list, name="notifications"),
    path("notifications/read/", core_views.notification_read, name="notification_read"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch also works on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # REST API, its OpenAPI schema and docs (issue 15, docs/api.md).
    path("api/", include("servicedesk.api.urls")),
    path("tickets/", include("tickets.urls")),
    path("customers/", include("tickets.customer_urls")),
    path("staff/", include("staff.urls")),
    path("remote/", include("tickets.remote.urls")),
    path("training/", include("training.urls")),
    path("sla/", include("tickets.sla.urls")),
    path("contracts/", include("tickets.contracts.urls")),
    # Before "onsite/": spare parts are a nested app with their own namespace (issue 16).
    path("onsite/parts/", include("onsite.parts.urls")),
    path("onsite/maintenance/", include("onsite.maintenance.urls")),
    path("onsite/", include("onsite.urls")),
    path("care/", include("tickets.care.urls")),
    # Public: the service-request form /request/ and the status page /status/<token>/ (issue 14).
    path("", include("tickets.intake.urls")),
    path("mail/", include("tickets.mailin.urls")),
    # WeChat official account server callback (issue 14, public, signed by WeChat).
    path("wechat/", include("tickets.wechat.urls")),
    # Before any "hotline/" include: the roster is a nested app with its own namespace.
    path("hotline/roster/", include("hotline.roster.urls")),
    path("hotline/", include("hotline.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
