"""Image re-encoding with Pillow: decode the pixels, apply the EXIF orientation, and write a
new file of the same format that carries nothing else (no EXIF with GPS positions, no text
chunks, no colour profile, no trailing data). Pixel counts are capped before decoding."""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import UploadRejected

PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG"}
JPEG_MODES = {"L", "RGB", "CMYK"}
JPEG_QUALITY = 90

UNREADABLE = _("This image could not be read. Please upload another copy.")


def image_reencode(data: bytes, *, kind: str, max_pixels: int) -> bytes:
    """The image decoded and written anew without metadata.

    Raises UploadRejected (image_unreadable, type_mismatch, image_too_large).
    """
    with warnings.catch_warnings():
        # Pillow warns (then errors) on decompression bombs; both are a rejection here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _reencode(data, kind, max_pixels)
        except UploadRejected:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_large(max_pixels) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise UploadRejected("image_unreadable", UNREADABLE) from None


def _reencode(data: bytes, kind: str, max_pixels: int) -> bytes:
    with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]]) as image:
        width, height = image.size
        if width * height > max_pixels:
            raise _too_large(max_pixels)
        image.load()
        clean = ImageOps.exif_transpose(image)
        return _write(clean, kind)


def _write(image: Image.Image, kind: str) -> bytes:
    # Only transparency survives from the decoder's info; everything else is metadata.
    keep = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    image.info = {}
    out = io.BytesIO()
    if kind == "jpeg":
        if image.mode not in JPEG_MODES:
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", **keep)
    return out.getvalue()


def _too_large(max_pixels: int) -> UploadRejected:
    return UploadRejected(
        "image_too_large",
        _("This image has more than %(limit)s million pixels. Please upload a smaller image.")
        % {"limit": f"{max_pixels / 1_000_000:g}"},
    )
