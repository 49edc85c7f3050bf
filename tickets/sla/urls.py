from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("contract-reminders/", views.reminder_list, name="reminders"),
    path("contract-reminders/<int:pk>/done/", views.reminder_done, name="reminder_done"),
    path("contract-reminders/<int:pk>/lost/", views.reminder_lost, name="reminder_lost"),
    path("contract-reminders/<int:pk>/letter/", views.reminder_letter, name="reminder_letter"),
]
