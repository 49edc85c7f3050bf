"""Issue 15: the columns of the call list's Excel export (``hotline:calls_export_xlsx``); cells read
only what ``selectors.call_list`` joins (agent, customer, ticket)."""

from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column

CALL_COLUMNS = (
    Column(_("Started"), lambda c: c.started_at),
    Column(_("Answered"), lambda c: c.answered_at),
    Column(_("Ended"), lambda c: c.ended_at),
    Column(_("Ring seconds"), lambda c: c.ring_seconds, 10),
    Column(_("Caller phone"), lambda c: c.caller_phone),
    Column(_("Organisation"), lambda c: c.organisation or (c.customer.name if c.customer else ""), 32),
    Column(_("Contact"), lambda c: c.contact_name),
    Column(_("Agent"), lambda c: c.agent.display_name if c.agent else ""),
    Column(_("Seat"), lambda c: c.seat, 8),
    Column(_("Outcome"), lambda c: c.get_outcome_display()),
    Column(_("Ticket"), lambda c: c.ticket.number if c.ticket else "", 18),
    Column(_("Problem"), lambda c: c.problem, 48),
)
