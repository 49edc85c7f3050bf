"""Issue 15: the columns of the ticket list's Excel export (``tickets:export_xlsx``).

Every cell reads only the row and what ``selectors.ticket_list`` (plus the export's
``customer__region``) joins, so the export runs the same few queries for 2 or 50,000 rows."""

from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column


def _name(user):
    return user.display_name if user else ""


TICKET_COLUMNS = (
    Column(_("Number"), lambda t: t.number, 18),
    Column(_("Subject"), lambda t: t.subject, 40),
    Column(_("Type"), lambda t: t.get_type_display()),
    Column(_("Channel"), lambda t: t.get_channel_display()),
    Column(_("Priority"), lambda t: t.get_priority_display()),
    Column(_("Status"), lambda t: t.get_status_display()),
    Column(_("Customer"), lambda t: t.customer.name, 32),
    Column(_("Region"), lambda t: t.customer.region.name if t.customer.region else ""),
    Column(_("Contact"), lambda t: t.contact.name if t.contact else ""),
    Column(_("Assignee"), lambda t: _name(t.assignee)),
    Column(_("Opened"), lambda t: t.created_at),
    Column(_("Due"), lambda t: t.next_due_at),
    Column(_("Resolved"), lambda t: t.resolved_at),
    Column(_("Closed"), lambda t: t.closed_at),
)
