"""One check for every uploaded file, and one way to send a stored file back.

:func:`upload_check` accepts a file only when

- its size is within ``SERVICEDESK["ATTACHMENT_MAX_MB"]`` (and it is not empty),
- its extension is on the field's allow-list, and
- its bytes are what the extension says: the type is sniffed from the content with ``filetype``
  (magic numbers); the client's ``Content-Type`` header is never trusted. Text files (txt, csv)
  have no signature: they pass only when the bytes decode as UTF-8 or GB18030 and hold no NUL.

So a program renamed ``scan.pdf`` and a 25 MB "certificate" are refused with a message that says
why. :func:`file_response` serves a stored file as a download (``Content-Disposition: attachment``)
with ``X-Content-Type-Options: nosniff``; only raster images may be shown inline.
"""

import codecs
import mimetypes
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# How many leading bytes the sniffers look at (filetype reads the same amount).
SNIFF_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 compound file (doc, xls, ppt)
_OOXML = {"docx", "xlsx", "pptx", "zip"}  # Office 2007+ files are zip containers
TEXT = "text"  # pseudo-kind: no signature, must decode as text
OLE = "ole"

# extension -> the sniffed kinds that may stand behind it
KINDS_BY_EXTENSION: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "png": frozenset({"png", "apng"}),
    "jpg": frozenset({"jpg"}),
    "jpeg": frozenset({"jpg"}),
    "gif": frozenset({"gif"}),
    "webp": frozenset({"webp"}),
    "tif": frozenset({"tif"}),
    "tiff": frozenset({"tif"}),
    "heic": frozenset({"heic"}),
    "doc": frozenset({OLE}),
    "xls": frozenset({OLE}),
    "ppt": frozenset({OLE}),
    "docx": frozenset(_OOXML),
    "xlsx": frozenset(_OOXML),
    "pptx": frozenset(_OOXML),
    "zip": frozenset(_OOXML),
    "txt": frozenset({TEXT}),
    "csv": frozenset({TEXT}),
}
# RM-7 customer documents and training material (scanners often write TIFF; slides are PowerPoint).
DOCUMENT_EXTENSIONS = (
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "tif", "tiff",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "zip",
)  # fmt: skip
# ST-2 hospital certificates: a PDF or a photo taken with a phone.
CERTIFICATE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "heic")
# Shown inline by file_response; everything else is a download.
INLINE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp"})


@dataclass(frozen=True)
class Sniffed:
    extension: str  # the file's own extension, lower case, without the dot
    kind: str  # what the bytes are: a filetype extension, "ole" or "text"
    mime: str  # the content type to store and serve (from the extension, confirmed by the bytes)


def max_upload_bytes() -> int:
    return settings.SERVICEDESK["ATTACHMENT_MAX_MB"] * 1024 * 1024


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _is_text(upload) -> bool:
    """UTF-8 (with or without BOM) or GB18030 all the way through, and no NUL byte."""
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        upload.seek(0)
        try:
            for chunk in upload.chunks():
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            upload.seek(0)
        return True
    return False


def sniff(upload) -> str | None:
    """What the bytes of ``upload`` are ("pdf", "png", "zip", "ole", "text", "exe", ...), or None."""
    head = _read_head(upload)
    if head.startswith(OLE_MAGIC):
        return OLE
    guessed = filetype.guess(head)
    if guessed is not None:
        return guessed.extension
    return TEXT if _is_text(upload) else None


def upload_check(upload, *, extensions=DOCUMENT_EXTENSIONS, max_bytes: int | None = None) -> Sniffed:
    """Accept ``upload`` or raise ``ValidationError`` listing every reason it is refused."""
    max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
    allowed = tuple(ext.lower().lstrip(".") for ext in extensions)
    extension = extension_of(getattr(upload, "name", ""))
    size = getattr(upload, "size", None) or 0
    if extension not in allowed:
        raise ValidationError(
            _("Files of type “%(suffix)s” cannot be stored. Allowed: %(allowed)s.")
            % {"suffix": f".{extension}" if extension else "?", "allowed": ", ".join(ext.upper() for ext in allowed)},
            code="extension",
        )
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        # Refused before reading the content: an oversized file is never sniffed or stored.
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024},
            code="size",
        )
    kind = sniff(upload)
    if kind not in KINDS_BY_EXTENSION.get(extension, frozenset()):
        looks_like = {TEXT: _("text"), OLE: _("an Office 97-2003 file"), None: _("unknown data")}.get(kind) or kind.upper()
        raise ValidationError(
            _("The content of this file is not %(ext)s (it looks like %(kind)s). Upload the original %(ext)s file.")
            % {"ext": extension.upper(), "kind": looks_like},
            code="content",
        )
    mime = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return Sniffed(extension=extension, kind=kind, mime=mime)


@deconstructible
class UploadValidator:
    """Field validator around :func:`upload_check` (``validators=[UploadValidator(CERTIFICATE_EXTENSIONS)]``).
    After it has run, the upload's ``content_type`` is the one its bytes confirmed, not the client's."""

    def __init__(self, extensions=DOCUMENT_EXTENSIONS):
        self.extensions = tuple(extensions)

    def __call__(self, upload) -> None:
        if not upload:
            return
        sniffed = upload_check(upload, extensions=self.extensions)
        if hasattr(upload, "content_type"):
            upload.content_type = sniffed.mime

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and self.extensions == other.extensions


validate_document = UploadValidator(DOCUMENT_EXTENSIONS)
validate_certificate = UploadValidator(CERTIFICATE_EXTENSIONS)


def file_response(handle, *, filename: str, inline_images: bool = False) -> FileResponse:
    """Serve an opened stored file: a download named ``filename`` with ``nosniff``; a raster image
    is shown inline only when ``inline_images`` is set (a signature on the print page)."""
    extension = extension_of(filename)
    inline = inline_images and extension in INLINE_EXTENSIONS
    content_type = mimetypes.guess_type(f"x.{extension}")[0] if extension else None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
