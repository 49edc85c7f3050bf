"""Issue 15: the columns of "My penalties" as Excel (``staff:penalties_export_xlsx``); cells read
only what ``selectors.penalty_mine`` joins (rule, decided_by)."""

from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column

PENALTY_COLUMNS = (
    Column(_("Rule"), lambda p: p.rule.rule_id, 10),
    Column(_("Title"), lambda p: p.rule.title, 40),
    Column(_("When"), lambda p: p.occurred_at),
    Column(_("Status"), lambda p: p.get_status_display()),
    Column(_("Amount"), lambda p: p.amount),
    Column(_("Decided by"), lambda p: p.decided_by.display_name if p.decided_by else ""),
)
