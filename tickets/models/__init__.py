"""Core domain of the service centre: customers and what they own, and tickets with their timeline."""

from .customers import Contact, ContactChannel, Customer, Installation, Product, Region, ServiceContract
from .tickets import Ticket, TicketAttachment, TicketEvent, TicketSequence

__all__ = [
    "Contact",
    "ContactChannel",
    "Customer",
    "Installation",
    "Product",
    "Region",
    "ServiceContract",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketSequence",
]
