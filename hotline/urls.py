from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("call/", views.call_screen, name="call"),
    path("call/lookup/", views.caller_lookup, name="lookup"),
    path("call/checklist/", views.checklist, name="checklist"),
    path("call/phrases/", views.phrase_check, name="phrases"),
    path("call/incoming/", views.incoming, name="incoming"),
    path("call/seat/", views.seat_sign_in_view, name="seat_sign_in"),
    path("call/my-queue/", views.my_queue, name="my_queue"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/export.xlsx", views.call_export_xlsx, name="calls_export_xlsx"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/done/", views.duty_request_done, name="duty_done"),
    path("callbacks/", views.my_callbacks, name="my_callbacks"),
    path("callbacks/<int:pk>/done/", views.callback_done, name="callback_done"),
    path("stats/", views.stats, name="stats"),
    path("cti/events/", views.cti_webhook, name="cti"),
]
