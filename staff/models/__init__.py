"""Staff: users and teams, work calendars, penalties."""

from .penalties import PenaltyProposal, PenaltyRule
from .users import Team, User
from .work_calendars import CalendarDay, WorkCalendar, WorkingHours

__all__ = [
    "CalendarDay",
    "PenaltyProposal",
    "PenaltyRule",
    "Team",
    "User",
    "WorkCalendar",
    "WorkingHours",
]
