"""Test helpers for remote maintenance: uploads, stored documents, remote tickets."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models.tickets import Channel
from tickets.remote import services
from tickets.remote.models import AttachmentKind
from tickets.tests.factories import TicketFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str = "scan.pdf", content: bytes = PDF, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def attachment(*, kind=AttachmentKind.OTHER, customer=None, uploaded_by=None, name="scan.pdf", content=PDF, now=None):
    """A stored document, made the way the app makes them (checksum and all)."""
    return services.attachment_store(
        upload=upload(name, content),
        kind=kind,
        customer=customer,
        uploaded_by=uploaded_by or UserFactory(roles=[Role.ENGINEER]),
        now=now,
    )


def remote_ticket(**kwargs):
    """A remote-channel ticket opened at ``created_at`` (default: long before any test's frozen now)."""
    kwargs.setdefault("channel", Channel.REMOTE)
    kwargs.setdefault("created_at", datetime.datetime(2026, 1, 5, 1, 0, tzinfo=datetime.UTC))
    return TicketFactory(**kwargs)
