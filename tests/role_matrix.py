"""The expected role matrix: URL name -> the HTTP status each identity gets (GN-7, issue 13).

``tests/test_role_matrix.py`` requests every URL of the project as every identity, with the ids of
objects that belong to someone else, and compares the statuses with the rows below. A new URL needs
a row here before the suite passes; a changed cell is a change of who may see what, so review it
like one. Read a row as:

- 200 the page (or the form re-shown with its errors, 400 where the view says so), 302 a redirect:
  for anonymous always the login page; after a POST the view's own redirect (e.g. back to the page
  with a message);
- 403 the role may not use this page at all (``role_required``);
- 404 the role may use the page, but this object is outside what they may see (deny by default:
  the answer is the same as for an id that does not exist);
- 405 the method is not allowed.

POST-only views (``POST_ONLY``) are tried with a POST with empty data; every other URL with GET.
``PUBLIC`` pages answer without login (anonymous gets no redirect to the login page).

Regenerate the table in docs/security.md with ``python -m tests.role_matrix --markdown``.
"""

import sys

ANONYMOUS = "anonymous"
# The columns: anonymous, then staff/roles.py ``Role`` in its order (checked by the test).
IDENTITIES = (
    ANONYMOUS,
    "agent",
    "duty_manager",
    "service_manager",
    "engineer",
    "callback_specialist",
    "hr",
    "admin",
)

# Views that answer only POST (a GET is 405 for everyone signed in; checked by the test).
POST_ONLY = frozenset(
    {
        "care:callback_attempt",
        "intake:status_link_revoke",
        "care:callback_send_link",
        "care:callback_survey",
        "care:complaint_answer",
        "care:complaint_decide",
        "care:complaint_verify",
        "contracts:renewal_apply",
        "contracts:renewal_cancel",
        "contracts:renewal_decline",
        "contracts:renewal_pay",
        "contracts:renewal_sign",
        "hotline:callback_done",
        "hotline:cti",
        "hotline:duty_done",
        "hotline:phrases",
        "hotline:seat_sign_in",
        "logout",
        "mailin:unknown_assign",
        "notification_read",
        "maintenance:plan_generate",
        "onsite:approve",
        "onsite:call",
        "onsite:cancel",
        "onsite:check_in",
        "onsite:check_out",
        "onsite:close",
        "onsite:depart",
        "onsite:escalate",
        "onsite:hand_in",
        "onsite:part_returned",
        "onsite:photo_add",
        "onsite:report",
        "onsite:reschedule",
        "onsite:resume",
        "onsite:sign",
        "onsite:trip",
        "parts:factory_returned",
        "parts:part_use",
        "remote:attachment_delete",
        "remote:change_step",
        "roster:assign",
        "roster:forward",
        "roster:manager",
        "roster:publish",
        "roster:shifts_create",
        "roster:sign_in",
        "roster:sign_out",
        "roster:unassign",
        "sla:reminder_done",
        "staff:claim_decide",
        "staff:leave_cancel",
        "staff:leave_certificate",
        "staff:leave_decide",
        "staff:leave_return",
        "staff:payroll_export",
        "staff:penalty_confirm",
        "staff:penalty_statement",
        "staff:penalty_waive",
        "staff:sign_in",
        "staff:site_notice",
        "staff:travel_decide",
        "tickets:assign",
        "tickets:comment",
        "tickets:transition",
        "training:checklist_add",
        "training:checklist_toggle",
        "training:customer_sign",
        "training:document_add",
        "training:exam_record",
        "training:plan_close",
        "training:plan_start",
        "training:project_close",
        "training:project_complete",
        "training:project_form",
        "training:project_payment",
        "training:project_plan",
        "training:quality_check",
        "training:session_add",
        "training:teaching_plan",
        "training:trainee_add",
        "training:trainee_sign",
    }
)
# Pages that answer without login (anonymous is not sent to the login page).
PUBLIC = frozenset({
    "care:survey_public", "healthz", "hotline:cti", "login", "logout", "set_language",
    # issue 16: the engineers' offline app (manifest and service worker, fetched without the session).
    "pwa_manifest", "pwa_worker",
    # issue 14: the customers' own doors.
    "intake:request", "intake:serial_lookup", "intake:request_sent", "intake:status", "intake:status_file",
    "wechat:callback", "wechat:work_callback",
})


def row(*statuses: int) -> dict[str, int]:
    """A row in IDENTITIES order: ``row(anonymous, agent, duty_manager, ..., admin)``."""
    assert len(statuses) == len(IDENTITIES), statuses
    return dict(zip(IDENTITIES, statuses, strict=True))


# The objects in the URLs belong to someone else (see tests/test_role_matrix.py): an engineer's 404
# on a ticket, an order or a document is the scoping at work; a duty manager's 404 on a leave
# request means "not one of your reports".
# fmt: off
MATRIX: dict[str, dict[str, int]] = {
    # --- Start page, notifications, search, login --------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "home":                                  row(302, 302, 302, 302, 302, 302, 302, 302),
    "start":                                 row(302, 200, 200, 200, 200, 200, 200, 200),
    "healthz":                               row(200, 200, 200, 200, 200, 200, 200, 200),
    "pwa_manifest":                          row(200, 200, 200, 200, 200, 200, 200, 200),
    "pwa_worker":                            row(200, 200, 200, 200, 200, 200, 200, 200),
    "notifications":                         row(302, 200, 200, 200, 200, 200, 200, 200),
    "search":                                row(302, 200, 200, 200, 200, 200, 200, 200),
    "notification_read":                     row(302, 302, 302, 302, 302, 302, 302, 302),
    "login":                                 row(200, 302, 302, 302, 302, 302, 302, 302),
    "logout":                                row(302, 302, 302, 302, 302, 302, 302, 302),
    "set_language":                          row(302, 302, 302, 302, 302, 302, 302, 302),
    # --- Tickets and customers ---------------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "tickets:list":                          row(302, 200, 200, 200, 200, 200, 403, 200),
    "tickets:export_xlsx":                   row(302, 200, 200, 200, 200, 200, 403, 200),
    "tickets:create":                        row(302, 200, 200, 200, 200, 403, 403, 200),
    "tickets:customer_fields":               row(302, 200, 200, 200, 200, 403, 403, 200),
    "tickets:statistics":                    row(302, 403, 200, 200, 403, 403, 403, 200),
    "tickets:kpi":                           row(302, 403, 200, 200, 403, 403, 403, 200),
    "tickets:detail":                        row(302, 200, 200, 200, 404, 200, 403, 200),
    "tickets:edit":                          row(302, 200, 200, 200, 404, 403, 403, 200),
    "tickets:transition":                    row(302, 302, 302, 302, 404, 403, 403, 302),
    "tickets:comment":                       row(302, 302, 302, 302, 404, 302, 403, 302),
    "tickets:assign":                        row(302, 302, 302, 302, 404, 403, 403, 302),
    "customers:list":                        row(302, 200, 200, 200, 403, 200, 403, 200),
    "customers:detail":                      row(302, 200, 200, 200, 403, 200, 403, 200),
    # --- Staff: attendance, leave, travel, penalties, payroll --------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "staff:attendance":                      row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:sign_in":                         row(302, 302, 302, 302, 302, 302, 302, 302),
    "staff:site_notice":                     row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:team":                            row(302, 403, 200, 200, 403, 403, 200, 200),
    "staff:incident_new":                    row(302, 403, 200, 200, 403, 403, 403, 200),
    "staff:leave_list":                      row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:leave_new":                       row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:leave_detail":                    row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:leave_decide":                    row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:leave_certificate":               row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:leave_certificate_file":          row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:leave_return":                    row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:leave_cancel":                    row(302, 404, 404, 403, 404, 404, 403, 403),
    "staff:travel_list":                     row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:travel_new":                      row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:travel_detail":                   row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:travel_decide":                   row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:claim_new":                       row(302, 404, 404, 403, 404, 404, 403, 403),
    "staff:claim_decide":                    row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:penalty_list":                    row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:penalties_export_xlsx":           row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:penalty_queue":                   row(302, 403, 200, 200, 403, 403, 403, 200),
    "staff:penalty_detail":                  row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:penalty_confirm":                 row(302, 403, 404, 200, 403, 403, 403, 200),
    "staff:penalty_waive":                   row(302, 403, 404, 200, 403, 403, 403, 200),
    "staff:penalty_statement":               row(302, 404, 404, 200, 404, 404, 200, 200),
    "staff:approvals":                       row(302, 403, 200, 200, 403, 403, 200, 200),
    "staff:assessments":                     row(302, 200, 200, 200, 200, 200, 200, 200),
    "staff:assessment_new":                  row(302, 403, 200, 200, 403, 403, 200, 200),
    "staff:payroll":                         row(302, 403, 403, 403, 403, 403, 200, 200),
    "staff:payroll_run":                     row(302, 403, 403, 403, 403, 403, 200, 200),
    "staff:payroll_export":                  row(302, 403, 403, 403, 403, 403, 302, 302),
    "staff:payroll_csv":                     row(302, 403, 403, 403, 403, 403, 200, 200),
    "staff:fund":                            row(302, 403, 403, 200, 403, 403, 200, 200),
    # --- Remote maintenance: records, change requests, knowledge base, documents -------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "remote:ticket_remote":                  row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:record_create":                  row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:change_create":                  row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:bug_create":                     row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:faq_promote":                    row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:change_list":                    row(302, 200, 200, 200, 200, 200, 403, 200),
    "remote:change_detail":                  row(302, 200, 200, 200, 404, 200, 403, 200),
    "remote:change_step":                    row(302, 200, 200, 200, 404, 403, 403, 200),
    "remote:faq_list":                       row(302, 200, 200, 200, 200, 200, 403, 200),
    "remote:faq_detail":                     row(302, 200, 200, 200, 200, 200, 403, 200),
    "remote:attachment_list":                row(302, 403, 200, 200, 403, 403, 403, 200),
    "remote:attachment_download":            row(302, 200, 200, 200, 404, 200, 403, 200),
    "remote:attachment_delete":              row(302, 403, 403, 403, 403, 403, 403, 302),
    # --- Training plans and implementation projects ------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "training:plan_list":                    row(302, 403, 403, 200, 200, 403, 403, 200),
    "training:plan_create":                  row(302, 403, 403, 200, 200, 403, 403, 200),
    "training:plan_detail":                  row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:plan_edit":                    row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:checklist_add":                row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:checklist_toggle":             row(302, 403, 403, 302, 404, 403, 403, 302),
    "training:document_add":                 row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:teaching_plan":                row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:trainee_add":                  row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:plan_start":                   row(302, 403, 403, 302, 404, 403, 403, 302),
    "training:session_add":                  row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:exam_record":                  row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:trainee_sign":                 row(302, 403, 403, 302, 404, 403, 403, 302),
    "training:customer_sign":                row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:quality_check":                row(302, 403, 403, 200, 403, 403, 403, 200),
    "training:plan_close":                   row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:project_list":                 row(302, 403, 403, 200, 200, 403, 403, 200),
    "training:project_create":               row(302, 403, 403, 200, 200, 403, 403, 200),
    "training:project_detail":               row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:project_plan":                 row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:project_complete":             row(302, 403, 403, 302, 404, 403, 403, 302),
    "training:project_form":                 row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:project_payment":              row(302, 403, 403, 200, 404, 403, 403, 200),
    "training:project_close":                row(302, 403, 403, 302, 404, 403, 403, 302),
    # --- SLA board and contract reminders ----------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "sla:board":                             row(302, 403, 200, 200, 403, 403, 403, 200),
    "sla:reminders":                         row(302, 403, 403, 200, 403, 200, 403, 200),
    "sla:reminder_done":                     row(302, 403, 403, 302, 403, 302, 403, 302),
    "sla:reminder_lost":                     row(302, 403, 403, 200, 403, 200, 403, 200),
    "sla:reminder_letter":                   row(302, 403, 403, 200, 403, 200, 403, 200),
    # --- Contracts and renewals --------------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "contracts:list":                        row(302, 200, 200, 200, 403, 200, 403, 200),
    "contracts:detail":                      row(302, 200, 200, 200, 403, 200, 403, 200),
    "contracts:renewal_offer":               row(302, 403, 403, 200, 403, 200, 403, 200),
    "contracts:renewals":                    row(302, 200, 200, 200, 403, 200, 403, 200),
    "contracts:renewal_detail":              row(302, 200, 200, 200, 403, 200, 403, 200),
    "contracts:renewal_sign":                row(302, 403, 403, 200, 403, 200, 403, 200),
    "contracts:renewal_pay":                 row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:renewal_apply":               row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:renewal_decline":             row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:renewal_cancel":              row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:overdue":                     row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:targets":                     row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:targets_year":                row(302, 403, 403, 200, 403, 403, 403, 200),
    "contracts:target_edit":                 row(302, 403, 403, 200, 403, 403, 403, 200),
    # --- On-site orders ----------------------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "onsite:mine":                           row(302, 403, 403, 403, 200, 403, 403, 403),
    "onsite:order_list":                     row(302, 200, 200, 200, 403, 200, 403, 200),
    "onsite:orders_export_xlsx":             row(302, 200, 200, 200, 403, 200, 403, 200),
    "onsite:request":                        row(302, 200, 200, 200, 404, 403, 403, 200),
    "onsite:detail":                         row(302, 200, 200, 200, 404, 200, 403, 200),
    "onsite:approve":                        row(302, 403, 200, 200, 403, 403, 403, 200),
    "onsite:assign":                         row(302, 403, 200, 200, 403, 403, 403, 200),
    "onsite:call":                           row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:depart":                         row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:check_in":                       row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:report":                         row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:sign":                           row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:check_out":                      row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:hand_in":                        row(302, 403, 302, 302, 404, 403, 403, 302),
    "onsite:trip":                           row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:escalate":                       row(302, 403, 403, 403, 404, 403, 403, 403),
    "onsite:resume":                         row(302, 403, 200, 200, 404, 403, 403, 200),
    "onsite:reschedule":                     row(302, 403, 200, 200, 404, 403, 403, 200),
    "onsite:cancel":                         row(302, 403, 200, 200, 403, 403, 403, 200),
    "onsite:close":                          row(302, 403, 200, 200, 403, 403, 403, 200),
    "onsite:part_returned":                  row(302, 403, 200, 200, 403, 403, 403, 200),
    "onsite:print":                          row(302, 200, 200, 200, 404, 200, 403, 200),
    "onsite:signature":                      row(302, 200, 200, 200, 404, 200, 403, 200),
    "onsite:photo_add":                      row(302, 403, 403, 400, 404, 403, 403, 400),
    "onsite:photo":                          row(302, 200, 200, 200, 404, 200, 403, 200),
    "onsite:photo_thumbnail":                row(302, 200, 200, 200, 404, 200, 403, 200),
    "onsite:calendar":                       row(302, 403, 200, 200, 200, 403, 403, 200),
    # Issue 16: preventive maintenance plans (duty managers read, service managers edit).
    "maintenance:plan_list":                 row(302, 403, 200, 200, 403, 403, 403, 200),
    "maintenance:plan_create":               row(302, 403, 403, 200, 403, 403, 403, 200),
    "maintenance:plan_detail":               row(302, 403, 200, 200, 403, 403, 403, 200),
    "maintenance:plan_edit":                 row(302, 403, 403, 200, 403, 403, 403, 200),
    "maintenance:plan_generate":             row(302, 403, 403, 302, 403, 403, 403, 302),
    "onsite:reports":                        row(302, 403, 200, 200, 403, 403, 403, 200),
    # --- Spare parts and van stock (issue 16) ------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "parts:catalogue":                       row(302, 403, 200, 200, 200, 403, 403, 200),
    "parts:locations":                       row(302, 403, 200, 200, 403, 403, 403, 200),
    "parts:location_detail":                 row(302, 403, 200, 200, 403, 403, 403, 200),
    "parts:transfer":                        row(302, 403, 403, 200, 403, 403, 403, 200),
    "parts:my_van":                          row(302, 403, 403, 403, 200, 403, 403, 403),
    "parts:receive":                         row(302, 403, 403, 200, 403, 403, 403, 200),
    "parts:count":                           row(302, 403, 403, 200, 403, 403, 403, 200),
    "parts:factory":                         row(302, 403, 200, 200, 403, 403, 403, 200),
    "parts:factory_returned":                row(302, 403, 302, 302, 403, 403, 403, 302),
    "parts:part_use":                        row(302, 403, 403, 403, 404, 403, 403, 403),
    # --- Callbacks, surveys, complaints ------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "care:queue":                            row(302, 403, 403, 200, 403, 200, 403, 200),
    "care:callbacks_export_xlsx":            row(302, 403, 403, 200, 403, 200, 403, 200),
    "care:callback_detail":                  row(302, 403, 403, 200, 403, 200, 403, 200),
    "care:callback_attempt":                 row(302, 403, 403, 400, 403, 400, 403, 400),
    "care:callback_survey":                  row(302, 403, 403, 400, 403, 400, 403, 400),
    "care:callback_send_link":               row(302, 403, 403, 302, 403, 302, 403, 302),
    "care:survey_public":                    row(200, 200, 200, 200, 200, 200, 200, 200),
    # --- Customers' door (issue 14): public form and status page -----------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "intake:request":                        row(200, 200, 200, 200, 200, 200, 200, 200),
    "intake:serial_lookup":                  row(200, 200, 200, 200, 200, 200, 200, 200),
    "intake:request_sent":                   row(200, 200, 200, 200, 200, 200, 200, 200),
    "intake:status":                         row(200, 200, 200, 200, 200, 200, 200, 200),
    "intake:status_file":                    row(200, 200, 200, 200, 200, 200, 200, 200),
    "intake:attachment":                     row(302, 200, 200, 200, 404, 200, 403, 200),
    "intake:status_link_revoke":             row(302, 302, 302, 302, 404, 403, 403, 302),
    "care:satisfaction":                     row(302, 403, 200, 200, 403, 200, 403, 200),
    "care:report":                           row(302, 403, 200, 200, 403, 200, 403, 200),
    "care:report_csv":                       row(302, 403, 200, 200, 403, 200, 403, 200),
    "mailin:unknown_queue":                  row(302, 200, 200, 200, 403, 403, 403, 200),
    "mailin:unknown_assign":                 row(302, 400, 400, 400, 403, 403, 403, 400),
    "care:complaint_list":                   row(302, 200, 200, 200, 403, 200, 403, 200),
    "care:complaint_detail":                 row(302, 200, 200, 200, 403, 200, 403, 200),
    "care:complaint_verify":                 row(302, 403, 400, 400, 403, 403, 403, 400),
    "care:complaint_decide":                 row(302, 403, 400, 400, 403, 403, 403, 400),
    "care:complaint_answer":                 row(302, 403, 400, 400, 403, 403, 403, 400),
    # --- Hotline roster ----------------------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "roster:week":                           row(302, 403, 200, 200, 403, 403, 403, 200),
    "roster:shifts_create":                  row(302, 403, 302, 302, 403, 403, 403, 302),
    "roster:publish":                        row(302, 403, 400, 403, 403, 403, 403, 400),
    "roster:shift":                          row(302, 403, 200, 200, 403, 403, 403, 200),
    "roster:assign":                         row(302, 403, 400, 400, 403, 403, 403, 400),
    "roster:manager":                        row(302, 403, 400, 400, 403, 403, 403, 400),
    "roster:unassign":                       row(302, 403, 302, 302, 403, 403, 403, 302),
    "roster:forward":                        row(302, 403, 302, 302, 403, 403, 403, 302),
    "roster:mine":                           row(302, 200, 200, 200, 200, 403, 403, 200),
    "roster:sign_in":                        row(302, 404, 404, 403, 404, 403, 403, 403),
    "roster:sign_out":                       row(302, 302, 302, 403, 302, 403, 403, 403),
    "roster:holidays":                       row(302, 403, 200, 200, 403, 403, 403, 200),
    # --- Hotline -----------------------------------------------------------------------------------
    #                                            anon agent duty  svc   eng   cb    hr   admin
    "hotline:call":                          row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:my_queue":                      row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:lookup":                        row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:checklist":                     row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:phrases":                       row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:incoming":                      row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:seat_sign_in":                  row(302, 404, 404, 403, 403, 403, 403, 404),
    "hotline:call_list":                     row(302, 200, 200, 200, 403, 403, 403, 200),
    "hotline:calls_export_xlsx":             row(302, 200, 200, 200, 403, 403, 403, 200),
    "hotline:call_detail":                   row(302, 200, 200, 200, 403, 403, 403, 200),
    "hotline:queue":                         row(302, 403, 200, 200, 403, 403, 403, 200),
    "hotline:duty_done":                     row(302, 403, 302, 302, 403, 403, 403, 302),
    "hotline:my_callbacks":                  row(302, 200, 200, 403, 403, 403, 403, 200),
    "hotline:callback_done":                 row(302, 404, 404, 403, 403, 403, 403, 404),
    "hotline:stats":                         row(302, 403, 200, 200, 403, 403, 403, 200),
    "hotline:cti":                           row(403, 403, 403, 403, 403, 403, 403, 403),
    # WeChat's server callback: 404 while WECHAT_TOKEN is unset (the channel is off), issue 14.
    "wechat:callback":                       row(404, 404, 404, 404, 404, 404, 404, 404),
    "wechat:work_callback":                  row(404, 404, 404, 404, 404, 404, 404, 404),
}
# fmt: on


# The REST API (issue 15, docs/api.md), "METHOD api:<route name>": each identity with a token of
# its own (anonymous: none, so 401). Detail routes name someone else's object; POSTs carry an empty
# body, so 400 means "this role may, and the body is refused". Read 403 and 404 as above.
# fmt: off
API_MATRIX: dict[str, dict[str, int]] = {
    "GET api:call-detail":                   row(401, 200, 200, 200, 403, 403, 403, 200),
    "GET api:call-list":                     row(401, 200, 200, 200, 403, 403, 403, 200),
    "GET api:callback-detail":               row(401, 403, 403, 200, 403, 200, 403, 200),
    "GET api:callback-list":                 row(401, 403, 403, 200, 403, 200, 403, 200),
    "GET api:complaint-detail":              row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:complaint-list":                row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:faq-detail":                    row(401, 200, 200, 200, 200, 200, 403, 200),
    "GET api:faq-list":                      row(401, 200, 200, 200, 200, 200, 403, 200),
    "GET api:order-detail":                  row(401, 200, 200, 200, 404, 200, 403, 200),
    "GET api:order-list":                    row(401, 200, 200, 200, 200, 200, 403, 200),
    "POST api:order-approve":                row(401, 403, 409, 409, 403, 403, 403, 409),
    "POST api:order-dispatch":               row(401, 403, 400, 400, 403, 403, 403, 400),
    "GET api:survey-response-detail":        row(401, 403, 200, 200, 403, 200, 403, 200),
    "GET api:survey-response-list":          row(401, 403, 200, 200, 403, 200, 403, 200),
    "GET api:contact-detail":                row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:contact-list":                  row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:contract-detail":               row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:contract-list":                 row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:customer-detail":               row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:customer-list":                 row(401, 200, 200, 200, 403, 200, 403, 200),
    "POST api:customer-list":                row(401, 400, 400, 400, 403, 403, 403, 400),
    "GET api:installation-detail":           row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:installation-list":             row(401, 200, 200, 200, 403, 200, 403, 200),
    "GET api:sla-clock-detail":              row(401, 200, 200, 200, 404, 200, 403, 200),
    "GET api:sla-clock-list":                row(401, 200, 200, 200, 200, 200, 403, 200),
    "POST api:ticket-assign":                row(401, 400, 400, 400, 404, 403, 403, 400),
    "GET api:ticket-clocks":                 row(401, 200, 200, 200, 404, 200, 403, 200),
    "GET api:ticket-comments":               row(401, 200, 200, 200, 404, 200, 403, 200),
    "POST api:ticket-comments":              row(401, 400, 400, 400, 404, 400, 403, 400),
    "GET api:ticket-detail":                 row(401, 200, 200, 200, 404, 200, 403, 200),
    "GET api:ticket-events":                 row(401, 200, 200, 200, 404, 200, 403, 200),
    "GET api:ticket-list":                   row(401, 200, 200, 200, 200, 200, 403, 200),
    "POST api:ticket-list":                  row(401, 400, 400, 400, 400, 403, 403, 400),
    "POST api:ticket-transition":            row(401, 400, 400, 400, 404, 403, 403, 400),
}
# fmt: on


def format_row(name: str, statuses: dict[str, int]) -> str:
    """One line of MATRIX for ``statuses`` (what the test prints for a new or changed URL)."""
    cells = ", ".join(f"{statuses[identity]:>3}" for identity in IDENTITIES)
    key = f'"{name}":'
    return f"    {key:<40} row({cells}),"


def markdown() -> str:
    """The matrix as a markdown table (docs/security.md, "Role matrix")."""
    lines = [
        "| URL name | method | " + " | ".join(IDENTITIES) + " |",
        "|---|---|" + "---|" * len(IDENTITIES),
    ]
    for name, statuses in MATRIX.items():
        method = "POST" if name in POST_ONLY else "GET"
        cells = " | ".join(str(statuses[identity]) for identity in IDENTITIES)
        lines.append(f"| `{name}` | {method} | {cells} |")
    lines += [
        "",
        "| API route | " + " | ".join(IDENTITIES) + " |",
        "|---|" + "---|" * len(IDENTITIES),
    ]
    for name, statuses in API_MATRIX.items():
        cells = " | ".join(str(statuses[identity]) for identity in IDENTITIES)
        lines.append(f"| `{name}` | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m tests.role_matrix --markdown")
    print(markdown())
