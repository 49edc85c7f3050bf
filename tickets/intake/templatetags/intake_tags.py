"""The staff ticket page's panel of this app (issue 14): the ticket's attachments (thumbnails,
downloads through the permission-checked view) and its customer status link with the revoke step."""

from django import template

from staff.permissions import user_has_role
from tickets.selectors import TICKET_EDIT_ROLES

from ..models import StatusLink

register = template.Library()


@register.inclusion_tag("intake/_ticket_panel.html", takes_context=True)
def ticket_intake_panel(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "ticket": ticket,
        # Issue 16: a visit photo shows its small thumbnail (onsite.OrderPhoto), not the full picture.
        "attachments": list(ticket.attachments.select_related("uploaded_by", "order_photo")),
        "link": StatusLink.objects.filter(ticket=ticket).first(),
        "can_revoke": user is not None and user_has_role(user, TICKET_EDIT_ROLES),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
