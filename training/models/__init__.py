"""Training plans, sessions, trainees with exam results and sign-off; implementation projects."""

from .plans import Attendance, ChecklistItem, PlanStatus, Trainee, TrainingPlan, TrainingSession
from .projects import ImplementationProject, ProjectStatus

__all__ = [
    "Attendance",
    "ChecklistItem",
    "ImplementationProject",
    "PlanStatus",
    "ProjectStatus",
    "Trainee",
    "TrainingPlan",
    "TrainingSession",
]
