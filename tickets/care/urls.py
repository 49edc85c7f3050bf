from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("callbacks/", views.queue, name="queue"),
    path("callbacks/export.xlsx", views.queue_export_xlsx, name="callbacks_export_xlsx"),
    path("callbacks/<int:pk>/", views.callback_detail, name="callback_detail"),
    path("callbacks/<int:pk>/attempt/", views.callback_attempt, name="callback_attempt"),
    path("callbacks/<int:pk>/survey/", views.callback_survey, name="callback_survey"),
    path("callbacks/<int:pk>/send-link/", views.callback_send_link, name="callback_send_link"),
    path("survey/<str:token>/", views.survey_public, name="survey_public"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/verify/", views.complaint_verify, name="complaint_verify"),
    path("complaints/<int:pk>/decide/", views.complaint_decide, name="complaint_decide"),
    path("complaints/<int:pk>/answer/", views.complaint_answer, name="complaint_answer"),
]
