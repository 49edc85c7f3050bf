from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_create, name="create"),
    path("export.xlsx", views.ticket_export_xlsx, name="export_xlsx"),
    path("new/customer-fields/", views.ticket_customer_fields, name="customer_fields"),
    path("statistics/", views.monthly_statistics, name="statistics"),
    path("kpi/", views.kpi_dashboard, name="kpi"),
    path("<str:number>/", views.ticket_detail, name="detail"),
    path("<str:number>/edit/", views.ticket_edit, name="edit"),
    path("<str:number>/transition/", views.ticket_transition, name="transition"),
    path("<str:number>/comment/", views.ticket_comment, name="comment"),
    path("<str:number>/assign/", views.ticket_assign, name="assign"),
]
