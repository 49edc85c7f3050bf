from django.urls import path

from . import views

app_name = "mailin"

urlpatterns = [
    path("unknown/", views.unknown_queue, name="unknown_queue"),
    path("unknown/assign/", views.unknown_assign, name="unknown_assign"),
]
