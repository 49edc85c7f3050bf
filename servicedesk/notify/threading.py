"""E-mail thread headers of a ticket (issue 14), shared by outbound notices and mail intake.

Every e-mail about a ticket carries ``Message-ID <{number}.{pk}@{MAIL_DOMAIN}>`` and points with
``In-Reply-To`` and ``References`` at the ticket's root ``<{number}@{MAIL_DOMAIN}>``, and its subject
starts with ``[{number}] ``. A customer's reply therefore references the root id (or at least keeps
the subject tag), and mail intake finds the ticket from either.
"""

from django.conf import settings

DEFAULT_MAIL_DOMAIN = "servicedesk.local"


def mail_domain() -> str:
    return settings.SERVICEDESK.get("MAIL_DOMAIN") or DEFAULT_MAIL_DOMAIN


def ticket_root_message_id(*, number: str) -> str:
    """The id every message of a ticket's thread refers to: ``<SD-2026-000123@domain>``."""
    return f"<{number}@{mail_domain()}>"


def ticket_message_id(*, number: str, message_pk: int) -> str:
    return f"<{number}.{message_pk}@{mail_domain()}>"


def ticket_subject_tag(*, number: str) -> str:
    return f"[{number}] "


def ticket_subject(*, number: str, subject: str) -> str:
    """``subject`` with the ticket tag in front, not twice."""
    tag = ticket_subject_tag(number=number)
    return subject if subject.startswith(tag) else f"{tag}{subject}"


def ticket_thread_headers(*, ticket, message_pk: int) -> dict[str, str]:
    """Message-ID, In-Reply-To and References of one outbound e-mail about ``ticket``."""
    root = ticket_root_message_id(number=ticket.number)
    return {
        "Message-ID": ticket_message_id(number=ticket.number, message_pk=message_pk),
        "In-Reply-To": root,
        "References": root,
    }
