"""Reads of the public pages (issue 14). Only public facts of the one ticket the link names: its
number, subject, stage, SLA promise, the customer's own messages and files. Never another
customer's data, never a staff-only event (comments, assignments, SLA breaches)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from tickets.care.models import Callback, CallbackStatus
from tickets.care.services import survey_link_path
from tickets.models import Installation, Ticket, TicketAttachment
from tickets.models.tickets import EventKind
from tickets.selectors import contract_in_force
from tickets.sla.models import SLAClock

from . import policies

# Files the customer (or their e-mail/WeChat) sent; what staff attached stays on the staff page.
CUSTOMER_SOURCES = (TicketAttachment.Source.WEB, TicketAttachment.Source.EMAIL, TicketAttachment.Source.MESSAGING)
VISIT_STATUSES = ("assigned", "precall_done", "en_route", "on_site")


@dataclass(frozen=True)
class Message:
    at: datetime.datetime
    body: str


@dataclass(frozen=True)
class StatusView:
    number: str
    subject: str
    stage: policies.Stage
    promises: list[str]
    messages: list[Message]
    attachments: list[TicketAttachment]
    survey_url: str = ""
    survey_answered: bool = False
    solved: bool = False
    extra: dict = field(default_factory=dict)


def status_attachments(*, ticket: Ticket):
    return TicketAttachment.objects.filter(ticket=ticket, source__in=CUSTOMER_SOURCES).order_by("created_at", "pk")


def _visit(ticket: Ticket):
    """The open on-site order with an engineer and an agreed window (OS-1, OS-3), or None."""
    return (
        ticket.service_orders.filter(status__in=VISIT_STATUSES, engineer__isnull=False, agreed_start__isnull=False)
        .select_related("engineer")
        .order_by("-pk")
        .first()
    )


def _survey(ticket: Ticket) -> tuple[str, bool]:
    """CB-1: the satisfaction survey of the solved ticket's callback: its public link while open."""
    callback = Callback.objects.filter(ticket=ticket).order_by("-pk").first()
    if callback is None:
        return "", False
    if callback.status == CallbackStatus.DONE:
        return "", True
    # A path, not an absolute link: the customer is on this site already.
    return survey_link_path(callback=callback), False


def status_view(*, ticket: Ticket, now: datetime.datetime) -> StatusView:
    """Everything the status page shows, in a fixed number of queries (pinned in the tests)."""
    order = _visit(ticket)
    stage = policies.ticket_stage(
        status=ticket.status,
        has_assignee=ticket.assignee_id is not None,
        visit_start=order.agreed_start if order else None,
        visit_engineer=order.engineer.display_name if order else "",
        now=now,
    )
    solved = ticket.status in policies.SOLVED_STATUSES
    clocks = list(SLAClock.objects.filter(ticket=ticket))
    messages = [
        Message(at=event.created_at, body=event.body)
        for event in ticket.events.filter(kind=EventKind.CUSTOMER_MESSAGE).order_by("created_at", "pk")
    ]
    survey_url, answered = _survey(ticket) if solved else ("", False)
    return StatusView(
        number=ticket.number,
        subject=ticket.subject,
        stage=stage,
        promises=[] if solved else policies.sla_promises(clocks=clocks, now=now),
        messages=messages,
        attachments=list(status_attachments(ticket=ticket)),
        survey_url=survey_url,
        survey_answered=answered,
        solved=solved,
    )


@dataclass(frozen=True)
class SerialFacts:
    """HL-13 for the public form: the product and whether a contract is in force, nothing else
    (not the customer, the site or the contract number)."""

    product: str
    contract_until: datetime.date | None
    product_id: int | None = None  # to find the product's diagnostic checklist (HL-12); not shown


def installation_by_serial(*, serial_number: str) -> Installation | None:
    serial_number = (serial_number or "").strip()
    if not serial_number:
        return None
    return (
        Installation.objects.select_related("customer", "product").filter(serial_number__iexact=serial_number).first()
    )


def serial_facts(*, serial_number: str, today: datetime.date | None = None) -> SerialFacts | None:
    installation = installation_by_serial(serial_number=serial_number)
    if installation is None:
        return None
    contract = contract_in_force(
        customer=installation.customer, installation=installation, on=today or timezone.localdate()
    )
    return SerialFacts(
        product=installation.product.name,
        contract_until=contract.end_date if contract else None,
        product_id=installation.product_id,
    )
