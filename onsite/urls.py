from django.urls import path

from . import views

app_name = "onsite"

urlpatterns = [
    path("mine/", views.my_orders, name="mine"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/export.xlsx", views.order_export_xlsx, name="orders_export_xlsx"),
    path("tickets/<str:number>/request/", views.order_request, name="request"),
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("orders/<int:pk>/approve/", views.order_approve, name="approve"),
    path("orders/<int:pk>/assign/", views.order_assign, name="assign"),
    path("orders/<int:pk>/call/", views.order_call, name="call"),
    path("orders/<int:pk>/depart/", views.order_depart, name="depart"),
    path("orders/<int:pk>/check-in/", views.order_check_in, name="check_in"),
    path("orders/<int:pk>/report/", views.order_report, name="report"),
    path("orders/<int:pk>/sign/", views.order_sign, name="sign"),
    path("orders/<int:pk>/check-out/", views.order_check_out, name="check_out"),
    path("orders/<int:pk>/hand-in/", views.order_hand_in, name="hand_in"),
    path("orders/<int:pk>/trip/", views.order_trip, name="trip"),
    path("orders/<int:pk>/escalate/", views.order_escalate, name="escalate"),
    path("orders/<int:pk>/resume/", views.order_resume, name="resume"),
    path("orders/<int:pk>/reschedule/", views.order_reschedule, name="reschedule"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="cancel"),
    path("orders/<int:pk>/close/", views.order_close, name="close"),
    path("orders/<int:pk>/parts/<int:part_pk>/returned/", views.part_returned, name="part_returned"),
    path("orders/<int:pk>/print/", views.order_print, name="print"),
    path("orders/<int:pk>/signature.png", views.order_signature, name="signature"),
    path("orders/<int:pk>/photos/", views.order_photo_add, name="photo_add"),
    path("orders/<int:pk>/photos/<int:photo_pk>/", views.order_photo, name="photo"),
    path("orders/<int:pk>/photos/<int:photo_pk>/thumbnail.jpg", views.order_photo_thumbnail, name="photo_thumbnail"),
    path("calendar/", views.visit_calendar, name="calendar"),
    path("reports/", views.reports, name="reports"),
]
