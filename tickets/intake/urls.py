from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    # Public (login_not_required): the customers' door (issue 14).
    path("request/", views.request_form, name="request"),
    path("request/lookup/", views.serial_lookup, name="serial_lookup"),
    path("request/sent/<str:status_token>/", views.request_sent, name="request_sent"),
    path("status/<str:status_token>/", views.status, name="status"),
    path("status/<str:status_token>/files/<int:file_pk>/", views.status_file, name="status_file"),
    # Staff: on a ticket the user may see (GN-7).
    path("tickets/<str:number>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("tickets/<str:number>/status-link/revoke/", views.status_link_revoke, name="status_link_revoke"),
]
