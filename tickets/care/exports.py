"""Issue 15: the columns of the callback queue's Excel export (``care:callbacks_export_xlsx``);
cells read only what ``selectors.callback_queue`` joins (customer, contact, engineer, ticket)."""

from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column

CALLBACK_COLUMNS = (
    Column(_("Call on"), lambda c: c.due_date),
    Column(_("Status"), lambda c: c.get_status_display()),
    Column(_("Source"), lambda c: c.get_source_display()),
    Column(_("Channel"), lambda c: c.get_channel_display()),
    Column(_("Customer"), lambda c: c.customer.name, 32),
    Column(_("Contact"), lambda c: c.contact.name if c.contact else ""),
    Column(_("Phone"), lambda c: (c.contact.mobile or c.contact.phone) if c.contact else ""),
    Column(_("Ticket"), lambda c: c.ticket.number if c.ticket else "", 18),
    Column(_("Engineer"), lambda c: c.engineer.display_name if c.engineer else ""),
    Column(_("Feedback arrived"), lambda c: c.arrived_at),
    Column(_("Attempts"), lambda c: c.attempts, 10),
    Column(_("Last attempt"), lambda c: c.last_attempt_at),
    Column(_("Done"), lambda c: c.done_at),
)
