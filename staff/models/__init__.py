"""Staff: users and profiles, work calendars, attendance, leave, travel, assessments, penalties, payroll."""

from .assessments import Assessment
from .attendance import AttendanceDay, AttendanceIncident, DayReason, DayStatus, IncidentKind, SignIn, SiteVisitNotice
from .leave import LEAVE_ACTIVE_STATUSES, LeaveKind, LeaveRequest, LeaveStatus
from .payroll import DeductionLine, DeductionRun, FundEntry
from .penalties import ConfirmedComplaint, PenaltyProposal, PenaltyRule
from .profiles import EmployeeProfile, EmployeeSkill, Level, Skill, Track
from .travel import ExpenseClaim, TravelAllowanceRate, TravelRequest
from .users import Team, User
from .work_calendars import CalendarDay, WorkCalendar, WorkingHours

__all__ = [
    "LEAVE_ACTIVE_STATUSES",
    "Assessment",
    "AttendanceDay",
    "AttendanceIncident",
    "CalendarDay",
    "ConfirmedComplaint",
    "DayReason",
    "DayStatus",
    "DeductionLine",
    "DeductionRun",
    "EmployeeProfile",
    "EmployeeSkill",
    "ExpenseClaim",
    "FundEntry",
    "IncidentKind",
    "LeaveKind",
    "LeaveRequest",
    "LeaveStatus",
    "Level",
    "PenaltyProposal",
    "PenaltyRule",
    "SignIn",
    "SiteVisitNotice",
    "Skill",
    "Team",
    "Track",
    "TravelAllowanceRate",
    "TravelRequest",
    "User",
    "WorkCalendar",
    "WorkingHours",
]
