"""The customer's signature drawn on the phone: a PNG checked without any image library.

The browser sends the canvas as a ``data:image/png;base64,...`` URL. :func:`signature_png_check`
accepts it only when it is a well-formed PNG (signature, chunk CRCs, IHDR first, IDAT data, IEND
last), of bounded file size and dimensions, 8-bit, and not blank. "Blank" means every pixel is
zero: what an untouched (transparent) canvas exports. PNG filtering maps an all-zero image to
all-zero filtered bytes and nothing else to them, so the check looks at the decompressed scanlines
without undoing the filters.
"""

import base64
import binascii
import re
import struct
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_WIDTH = 2400
MAX_HEIGHT = 1600
# Bytes per pixel by PNG colour type, for 8-bit images (grey, RGB, palette, grey+alpha, RGBA).
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_DATA_URL = re.compile(r"^data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


@dataclass(frozen=True)
class SignatureImage:
    data: bytes
    width: int
    height: int


def signature_from_data_url(value: str, *, max_bytes: int) -> bytes:
    """The PNG bytes of a ``data:image/png;base64,`` URL (size-checked before decoding)."""
    match = _DATA_URL.match(value.strip())
    if match is None:
        raise ValidationError(_("The signature is missing: ask the customer to sign in the box."))
    encoded = match.group("data")
    if len(encoded) > (max_bytes * 4) // 3 + 8:
        raise ValidationError(_("The signature image is too large."))
    try:
        return base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("The signature could not be read; ask the customer to sign again.")) from exc


def _chunks(data: bytes):
    offset = len(PNG_MAGIC)
    while offset + 12 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        end = offset + 12 + length
        if end > len(data) or len(body) != length:
            raise ValueError("truncated chunk")
        (crc,) = struct.unpack(">I", data[offset + 8 + length : end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC")
        yield kind, body
        offset = end
    if offset != len(data):
        raise ValueError("trailing bytes")


def signature_png_check(
    data: bytes, *, max_bytes: int, max_width: int = MAX_WIDTH, max_height: int = MAX_HEIGHT
) -> SignatureImage:
    """Accept a real, non-empty PNG of bounded size, or raise ``ValidationError``."""
    unreadable = ValidationError(_("The signature is not a valid PNG image; ask the customer to sign again."))
    if len(data) > max_bytes:
        raise ValidationError(_("The signature image is too large."))
    if not data.startswith(PNG_MAGIC):
        raise unreadable
    try:
        chunks = list(_chunks(data))
    except (ValueError, struct.error) as exc:
        raise unreadable from exc
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13 or chunks[-1][0] != b"IEND":
        raise unreadable
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if not (0 < width <= max_width and 0 < height <= max_height):
        raise ValidationError(
            _("The signature image must be at most %(width)d x %(height)d pixels.")
            % {"width": max_width, "height": max_height}
        )
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise unreadable
    compressed = b"".join(body for kind, body in chunks if kind == b"IDAT")
    row = 1 + width * _CHANNELS[colour]
    expected = row * height
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, expected + 1)  # never inflate more than the image
    except zlib.error as exc:
        raise unreadable from exc
    if len(raw) != expected:
        raise unreadable
    # Drop each scanline's filter-type byte; what is left is all zero only for a blank image.
    pixels = bytearray(raw)
    del pixels[::row]
    if not pixels.strip(b"\x00"):
        raise ValidationError(_("The signature is empty: ask the customer to sign in the box."))
    return SignatureImage(data=data, width=width, height=height)


def png_encode(*, width: int, height: int, rows: list[bytes], colour_type: int = 6) -> bytes:
    """An 8-bit PNG from raw scanlines (``width`` pixels of ``_CHANNELS[colour_type]`` bytes each);
    used for demo signatures and tests."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    scanlines = b"".join(b"\x00" + row for row in rows)
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines)) + chunk(b"IEND", b"")
