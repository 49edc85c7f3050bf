from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    path("", views.week, name="week"),
    path("shifts/create/", views.shifts_create, name="shifts_create"),
    path("publish/", views.publish, name="publish"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/assign/", views.shift_assign, name="assign"),
    path("shifts/<int:pk>/manager/", views.shift_manager, name="manager"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="unassign"),
    path("assignments/<int:pk>/forward/", views.assignment_forward, name="forward"),
    path("mine/", views.my_duty, name="mine"),
    path("mine/<int:pk>/sign-in/", views.duty_sign_in, name="sign_in"),
    path("mine/sign-out/", views.duty_sign_out, name="sign_out"),
    path("holidays/", views.holiday_duty, name="holidays"),
]
