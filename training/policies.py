"""Pure training and implementation rules: exam mastery (TR-3), what a plan needs before it starts
(TR-1, TR-2), the sign-off order (TR-6), what closes a plan (TR-4, TR-5) and a project (TR-7), and
the implementation-form deadline (ST-12). No database access here."""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal("100")

# TR-1: the environment to prepare, put on every new plan's checklist (edited per plan).
DEFAULT_ENVIRONMENT_CHECKLIST = (
    _("Training room booked"),
    _("Computers and projector working"),
    _("Training system installed with practice data"),
    _("Trainee accounts created"),
)


# --- Exam (TR-3) --------------------------------------------------------------------------------------


def exam_passed(*, score: Decimal, max_score: Decimal, threshold: Decimal) -> bool:
    """TR-3: mastery = score / maximum; a trainee passes at ``threshold`` percent or more.

    Decided exactly (score x 100 >= threshold x maximum), never on a rounded percentage, so 84.9 %
    fails and 85.0 % passes.
    """
    return score * HUNDRED >= threshold * max_score


def mastery_percent(*, score: Decimal, max_score: Decimal) -> Decimal:
    """Mastery in percent for display, rounded down so a failing mark never shows as the threshold."""
    return (score * HUNDRED / max_score).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def score_problem(*, score: Decimal, max_score: Decimal) -> str:
    if score < 0:
        return _("A score cannot be negative.")
    if score > max_score:
        return _("The score cannot be more than the exam maximum of %(max)s.") % {"max": max_score}
    return ""


def pass_rate(*, passed: int, examined: int) -> Decimal | None:
    """Share of examined trainees who passed, in percent (None before anyone is examined)."""
    if not examined:
        return None
    return (Decimal(passed) * HUNDRED / Decimal(examined)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


# --- Plan steps (TR-1, TR-2, TR-4..TR-6) ------------------------------------------------------------


def plan_start_blockers(
    *,
    checklist_total: int,
    checklist_open: int,
    exams: int,
    materials: int,
    teaching_plan: str,
    trainees: int,
) -> list[str]:
    """TR-1/TR-2: what is still missing before the training may start (empty = it may)."""
    blockers = []
    if checklist_total == 0:
        blockers.append(_("The environment checklist is empty."))  # TR-1
    elif checklist_open:
        blockers.append(_("%(count)d environment checklist item(s) not done yet.") % {"count": checklist_open})  # TR-1
    if not materials:
        blockers.append(_("Attach the training materials."))  # TR-1
    if not exams:
        blockers.append(_("Attach the exam."))  # TR-1
    if not (teaching_plan or "").strip():
        blockers.append(_("The instructor writes the teaching plan."))  # TR-2
    if not trainees:
        blockers.append(_("Add the trainees (the customer's contacts)."))
    return blockers


def customer_sign_blockers(*, trainees: int, trainees_signed: int) -> list[str]:
    """TR-6: the customer's person in charge signs last, after every trainee."""
    if not trainees:
        return [_("The plan has no trainees to sign.")]  # TR-6
    if trainees_signed < trainees:
        return [
            _("%(count)d trainee(s) have not signed the acceptance form yet; the person in charge signs last.")  # TR-6
            % {"count": trainees - trainees_signed}
        ]
    return []


def plan_close_blockers(*, customer_signed: bool, quality_checked: bool, summary: str) -> list[str]:
    blockers = []
    if not customer_signed:
        blockers.append(_("The customer's person in charge has not signed the acceptance form."))  # TR-6
    if not quality_checked:
        blockers.append(_("The supervisor has not checked the training quality."))  # TR-4
    if not (summary or "").strip():
        blockers.append(_("Write the training summary."))  # TR-5
    return blockers


# --- Implementation projects (TR-7, ST-12) -----------------------------------------------------------


def project_complete_blockers(*, data_import_plan: str, familiarisation_plan: str, go_live_on) -> list[str]:
    """TR-7: the go-live plan (data import, familiarisation, go-live date) is agreed first."""
    blockers = []
    if not (data_import_plan or "").strip():
        blockers.append(_("Plan the data import."))  # TR-7
    if not (familiarisation_plan or "").strip():
        blockers.append(_("Plan the familiarisation."))  # TR-7
    if go_live_on is None:
        blockers.append(_("Set the go-live date."))  # TR-7
    return blockers


def project_close_blockers(*, has_form: bool, payment_amount, payment_received_on) -> list[str]:
    blockers = []
    if not has_form:
        blockers.append(_("The signed and stamped implementation form has not been collected."))  # TR-7
    if payment_amount is not None and payment_received_on is None:
        blockers.append(_("The payment milestone has not been received."))  # TR-7
    return blockers


def implementation_form_deadline(*, completed_on: datetime.date, days: int) -> datetime.date:
    """ST-12: the last day to collect the implementation form: ``days`` calendar days after the
    local day of completion (the rule says 三天内, plain days, not working days)."""
    return completed_on + datetime.timedelta(days=days)


def implementation_form_overdue(*, completed_on: datetime.date, today: datetime.date, days: int) -> bool:
    return today > implementation_form_deadline(completed_on=completed_on, days=days)
