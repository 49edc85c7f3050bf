from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/checklist/", views.checklist_add, name="checklist_add"),
    path("plans/<int:pk>/checklist/<int:item_pk>/", views.checklist_toggle, name="checklist_toggle"),
    path("plans/<int:pk>/documents/", views.document_add, name="document_add"),
    path("plans/<int:pk>/teaching-plan/", views.teaching_plan_save, name="teaching_plan"),
    path("plans/<int:pk>/trainees/", views.trainee_add, name="trainee_add"),
    path("plans/<int:pk>/start/", views.plan_start, name="plan_start"),
    path("plans/<int:pk>/sessions/", views.session_add, name="session_add"),
    path("plans/<int:pk>/exam/", views.exam_record, name="exam_record"),
    path("plans/<int:pk>/trainees/<int:trainee_pk>/sign/", views.trainee_sign, name="trainee_sign"),
    path("plans/<int:pk>/customer-sign/", views.customer_sign, name="customer_sign"),
    path("plans/<int:pk>/quality/", views.quality_check, name="quality_check"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/plan/", views.project_plan_save, name="project_plan"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project_complete"),
    path("projects/<int:pk>/form/", views.project_form_collect, name="project_form"),
    path("projects/<int:pk>/payment/", views.project_payment, name="project_payment"),
    path("projects/<int:pk>/close/", views.project_close, name="project_close"),
]
