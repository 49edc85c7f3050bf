from django.urls import path

from .views import attendance, leave, manage, payroll, penalties, travel

app_name = "staff"

urlpatterns = [
    path("attendance/", attendance.attendance, name="attendance"),
    path("attendance/sign-in/", attendance.sign_in, name="sign_in"),
    path("attendance/notice/", attendance.site_notice, name="site_notice"),
    path("attendance/team/", attendance.team, name="team"),
    path("attendance/incidents/new/", attendance.incident_new, name="incident_new"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/new/", leave.leave_new, name="leave_new"),
    path("leave/<int:pk>/", leave.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/decide/", leave.leave_decide, name="leave_decide"),
    path("leave/<int:pk>/certificate/", leave.leave_certificate, name="leave_certificate"),
    path("leave/<int:pk>/certificate/file/", leave.leave_certificate_file, name="leave_certificate_file"),
    path("leave/<int:pk>/return/", leave.leave_return, name="leave_return"),
    path("leave/<int:pk>/cancel/", leave.leave_cancel, name="leave_cancel"),
    path("travel/", travel.travel_list, name="travel_list"),
    path("travel/new/", travel.travel_new, name="travel_new"),
    path("travel/<int:pk>/", travel.travel_detail, name="travel_detail"),
    path("travel/<int:pk>/decide/", travel.travel_decide, name="travel_decide"),
    path("travel/<int:pk>/claim/", travel.claim_new, name="claim_new"),
    path("travel/<int:pk>/claim/decide/", travel.claim_decide, name="claim_decide"),
    path("penalties/", penalties.penalty_list, name="penalty_list"),
    path("penalties/export.xlsx", penalties.penalty_export_xlsx, name="penalties_export_xlsx"),
    path("penalties/decide/", penalties.penalty_queue, name="penalty_queue"),
    path("penalties/<int:pk>/", penalties.penalty_detail, name="penalty_detail"),
    path("penalties/<int:pk>/confirm/", penalties.penalty_confirm, name="penalty_confirm"),
    path("penalties/<int:pk>/waive/", penalties.penalty_waive, name="penalty_waive"),
    path("penalties/<int:pk>/statement/", penalties.penalty_statement, name="penalty_statement"),
    path("approvals/", manage.approvals, name="approvals"),
    path("assessments/", manage.assessments, name="assessments"),
    path("assessments/new/", manage.assessment_new, name="assessment_new"),
    path("payroll/", payroll.payroll, name="payroll"),
    path("payroll/<int:pk>/", payroll.payroll_run, name="payroll_run"),
    path("payroll/<int:pk>/export/", payroll.payroll_export, name="payroll_export"),
    path("payroll/<int:pk>/csv/", payroll.payroll_csv, name="payroll_csv"),
    path("fund/", payroll.fund, name="fund"),
]
