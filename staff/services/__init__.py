"""Writes for staff records, one module per family; everything public is importable from here.

Other apps call:
- ``penalty_propose(*, rule_code, employee, source, occurred_at, details="")`` (ST-3..ST-12),
- ``attendance_incident_record(*, employee, kind, occurred_at, source=None, details="")`` (HL-4, ST-3..5),
- ``complaint_confirmed_record(*, employee, source, confirmed_at, about_attitude=True)`` (ST-6, ST-7).
See docs/staff.md for their contracts.
"""

from .assessments import assessment_record
from .attendance import (
    attendance_classify_day,
    attendance_incident_record,
    attendance_sign_in,
    site_visit_notice_give,
)
from .leave import (
    leave_cancel,
    leave_certificate_upload,
    leave_request_decide,
    leave_request_submit,
    leave_return_report,
)
from .system import channel_user_get
from .payroll import deduction_run_export, deduction_run_prepare, fund_spend
from .penalties import (
    UnknownPenaltyRule,
    complaint_confirmed_record,
    penalty_confirm,
    penalty_propose,
    penalty_statement_add,
    penalty_waive,
)
from .travel import expense_claim_decide, expense_claim_submit, travel_request_decide, travel_request_submit

__all__ = [
    "channel_user_get",
    "UnknownPenaltyRule",
    "assessment_record",
    "attendance_classify_day",
    "attendance_incident_record",
    "attendance_sign_in",
    "complaint_confirmed_record",
    "deduction_run_export",
    "deduction_run_prepare",
    "expense_claim_decide",
    "expense_claim_submit",
    "fund_spend",
    "leave_cancel",
    "leave_certificate_upload",
    "leave_request_decide",
    "leave_request_submit",
    "leave_return_report",
    "penalty_confirm",
    "penalty_propose",
    "penalty_statement_add",
    "penalty_waive",
    "site_visit_notice_give",
    "travel_request_decide",
    "travel_request_submit",
]
