"""Photos taken on a visit (issue 16): checked, turned upright, cleaned of metadata and thumbnailed
with Pillow. Pure functions over bytes; ``services.order_photo_add`` stores what they return.

:func:`photo_process` accepts an upload only when

- :func:`servicedesk.core.uploads.upload_check` accepts it as a JPEG, PNG or WebP of at most
  ``SERVICEDESK["PHOTO_MAX_MB"]`` (extension and magic bytes agree; the client's type is ignored),
- Pillow reads it and it has at most ``SERVICEDESK["PHOTO_MAX_PIXELS"]`` pixels. The size is read
  from the header before anything is decoded, and Pillow's own decompression-bomb guard is turned
  into a refusal as well, so a small file that would inflate to gigabytes never gets decoded.

Then the picture is turned as its EXIF orientation says, scaled down to at most
``PHOTO_MAX_SIDE`` px on its long side (phones without the browser resize send 12 MP) and encoded
anew. Re-encoding is what strips the metadata: the new file carries no EXIF (with the GPS
position), no XMP and no comments, only the colour profile. When ``PHOTO_KEEP_LOCATION`` is on,
the EXIF block is kept (its orientation reset, since the pixels are upright now).
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from servicedesk.core.uploads import upload_check

PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
# Pillow format -> (stored extension, content type, save options)
_OUTPUT = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 88, "optimize": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 85}),
}
THUMB_FORMAT = ("jpg", "image/jpeg", {"quality": 80, "optimize": True})
EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int
    thumbnail: bytes
    location_kept: bool  # the stored file still carries a GPS position


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _open(upload, *, max_pixels: int) -> Image.Image:
    """The decoded image, or a refusal: unreadable, or more pixels than allowed (bomb-safe)."""
    upload.seek(0)
    unreadable = _refused(_("This file is not a photo that can be read. Take the picture again."), "unreadable")
    too_big = _refused(
        _("The picture is too large (more than %(mp).0f megapixels). Take it again at a lower resolution.")
        % {"mp": max_pixels / 1_000_000},
        "pixels",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
            width, height = image.size
            if width <= 0 or height <= 0:
                raise unreadable
            if width * height > max_pixels:  # checked on the header, before decoding
                raise too_big
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_big from exc
        except ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise unreadable from exc
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Turned as the EXIF orientation says; the returned image's EXIF has no orientation left."""
    turned = ImageOps.exif_transpose(image)
    return turned if turned is not None else image


def _exif_to_keep(image: Image.Image) -> bytes:
    exif = image.getexif()
    if not exif:
        return b""
    exif.pop(EXIF_ORIENTATION, None)
    return exif.tobytes()


def _mode_for(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return image.convert("RGB")
    if fmt in ("PNG", "WEBP") and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA" if "A" in image.mode else "RGB")
    return image


def _encode(image: Image.Image, fmt: str, options: dict, *, icc: bytes | None, exif: bytes = b"") -> bytes:
    out = io.BytesIO()
    extra = {}
    if icc:
        extra["icc_profile"] = icc
    if exif:
        extra["exif"] = exif
    image.save(out, format=fmt, **options, **extra)
    return out.getvalue()


def photo_process(
    upload, *, max_bytes: int, max_pixels: int, max_side: int, thumb_side: int, keep_location: bool
) -> ProcessedPhoto:
    """Check ``upload`` and return the cleaned photo and its thumbnail, or raise ``ValidationError``."""
    upload_check(upload, extensions=PHOTO_EXTENSIONS, max_bytes=max_bytes)
    source = _open(upload, max_pixels=max_pixels)
    fmt = source.format if source.format in _OUTPUT else "JPEG"
    icc = source.info.get("icc_profile")
    image = _upright(source)
    exif = _exif_to_keep(image) if keep_location else b""
    image = _mode_for(image, fmt)
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    extension, content_type, options = _OUTPUT[fmt]
    data = _encode(image, fmt, options, icc=icc, exif=exif)
    thumb = _mode_for(image, "JPEG").copy()
    thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    thumb_data = _encode(thumb, "JPEG", THUMB_FORMAT[2], icc=icc)
    location_kept = bool(exif) and _has_gps(exif)
    return ProcessedPhoto(
        data=data,
        extension=extension,
        content_type=content_type,
        width=image.width,
        height=image.height,
        thumbnail=thumb_data,
        location_kept=location_kept,
    )


def _has_gps(exif_bytes: bytes) -> bool:
    exif = Image.Exif()
    exif.load(exif_bytes)
    return bool(exif.get_ifd(EXIF_GPS_IFD))
