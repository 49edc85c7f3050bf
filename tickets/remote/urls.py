from django.urls import path

from . import views

app_name = "remote"

urlpatterns = [
    path("tickets/<str:number>/", views.ticket_remote, name="ticket_remote"),
    path("tickets/<str:number>/records/<str:kind>/", views.record_create, name="record_create"),
    path("tickets/<str:number>/change-request/", views.change_create, name="change_create"),
    path("tickets/<str:number>/bug/", views.bug_create, name="bug_create"),
    path("tickets/<str:number>/faq/", views.faq_promote, name="faq_promote"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/<str:action>/", views.change_step, name="change_step"),
    path("faq/", views.faq_list, name="faq_list"),
    path("faq/<int:pk>/", views.faq_detail, name="faq_detail"),
    path("documents/", views.attachment_list, name="attachment_list"),
    path("documents/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("documents/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
