"""Issue 15: the columns of the on-site order list's Excel export (``onsite:orders_export_xlsx``);
cells read only what ``selectors.order_list`` joins (ticket, customer, region, engineer, contact)."""

from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column

ORDER_COLUMNS = (
    Column(_("Order"), lambda o: o.code, 12),
    Column(_("Ticket"), lambda o: o.ticket.number, 18),
    Column(_("Customer"), lambda o: o.ticket.customer.name, 32),
    Column(_("Region"), lambda o: o.ticket.customer.region.name if o.ticket.customer.region else ""),
    Column(_("Contact"), lambda o: o.contact.name if o.contact else ""),
    Column(_("Site address"), lambda o: o.site_address, 40),
    Column(_("Status"), lambda o: o.get_status_display()),
    Column(_("Engineer"), lambda o: o.engineer.display_name if o.engineer else ""),
    Column(_("Requested"), lambda o: o.requested_at),
    Column(_("Visit from"), lambda o: o.agreed_start),
    Column(_("Visit until"), lambda o: o.agreed_end),
    Column(_("Checked in"), lambda o: o.checked_in_at),
    Column(_("Checked out"), lambda o: o.checked_out_at),
    Column(_("Closed"), lambda o: o.closed_at),
)
