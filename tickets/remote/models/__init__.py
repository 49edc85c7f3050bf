"""Remote maintenance: stored documents, typed service records, change requests, bugs, FAQ."""

from .attachments import CUSTOMER_FORM_KINDS, Attachment, AttachmentKind
from .changes import Bug, ChangeRequest
from .faq import FaqEntry
from .kinds import ChangeOrigin, ChangeStatus, RecordKind, RemoteEventKind
from .records import RemoteRecord

__all__ = [
    "CUSTOMER_FORM_KINDS",
    "Attachment",
    "AttachmentKind",
    "Bug",
    "ChangeOrigin",
    "ChangeRequest",
    "ChangeStatus",
    "FaqEntry",
    "RecordKind",
    "RemoteEventKind",
    "RemoteRecord",
]
