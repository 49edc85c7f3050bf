from django.db.models import QuerySet

from .models import InboundEmail, InboundStatus


def unknown_contact_queue() -> QuerySet[InboundEmail]:
    """Messages waiting for an agent to name the sender's customer, oldest first."""
    return (
        InboundEmail.objects.filter(status=InboundStatus.UNKNOWN_CONTACT)
        .select_related("mailbox")
        .order_by("received_at", "id")
    )
