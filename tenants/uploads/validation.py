"""The upload validation pipeline: size (measured while reading), extension allowlist, magic
bytes that must match the extension, then a deep check of the format (pdf.py, images.py).

Every check raises UploadRejected with a code and a message for the consumer. Nothing here
touches the database or the storage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from .errors import UploadRejected

READ_CHUNK = 64 * 1024
MAX_NAME_LENGTH = 200

# Extension -> kind. HEIC is left out on purpose: Pillow cannot decode it without an extra
# native plugin, and browsers hand iPhone photos to file inputs as JPEG.
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg"}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)


class Upload(Protocol):
    """What the pipeline needs of an upload: Django's UploadedFile fits."""

    name: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: the bytes to store (re-encoded for images)."""

    name: str
    kind: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def upload_read(upload: Upload, *, max_bytes: int) -> bytes:
    """Reads the upload, stopping as soon as it passes `max_bytes` (Content-Length and
    UploadedFile.size are not trusted). Raises UploadRejected (too_large, empty)."""
    parts: list[bytes] = []
    total = 0
    for chunk in upload.chunks(READ_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise UploadRejected("too_large", upload_too_large_message(max_bytes))
        parts.append(chunk)
    if total == 0:
        raise UploadRejected("empty", _("The file is empty. Please choose another file."))
    return b"".join(parts)


def upload_too_large_message(max_bytes: int) -> str:
    """What a consumer reads when a file passes the limit (the page's script says the same
    before uploading)."""
    return _("The file is larger than %(limit)s MB. Please upload a smaller file.") % {
        "limit": _megabytes(max_bytes)
    }


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def name_clean(name: str | None) -> str:
    """The file's own name without any path, control characters or excess length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable()).strip()
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, ext = base.rpartition(".")
        base = stem[: MAX_NAME_LENGTH - len(ext) - 1] + dot + ext if dot else base[:MAX_NAME_LENGTH]
    return base


def kind_from_name(name: str) -> str:
    """The kind the extension promises. Raises UploadRejected (extension)."""
    _stem, dot, ext = name.rpartition(".")
    kind = EXTENSIONS.get(ext.lower()) if dot else None
    if kind is None:
        raise UploadRejected(
            "extension", _("Only PDF, PNG and JPEG files can be uploaded (.pdf, .png, .jpg).")
        )
    return kind


def kind_from_bytes(data: bytes) -> str | None:
    """The kind the first bytes show, or None for anything else."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def magic_check(data: bytes, kind: str) -> None:
    """The contents must be what the extension says. Raises UploadRejected (type_mismatch)."""
    actual = kind_from_bytes(data)
    if actual != kind:
        raise UploadRejected(
            "type_mismatch",
            _(
                "This file is named as a %(kind)s file but its contents are not %(kind)s. "
                "Please upload the original file."
            )
            % {"kind": KIND_LABELS[kind]},
        )


def upload_validate(upload: Upload, *, max_bytes: int, max_pixels: int) -> CheckedUpload:
    """Runs the whole pipeline; returns what to store. Raises UploadRejected."""
    name = name_clean(upload.name)
    kind = kind_from_name(name)
    data = upload_read(upload, max_bytes=max_bytes)
    magic_check(data, kind)
    # The deep checks bring pypdf (28 MB) and Pillow: loaded with the first upload, not by
    # every web process at startup.
    if kind == "pdf":
        from .pdf import pdf_check

        pdf_check(data)
    else:
        from .images import image_reencode

        data = image_reencode(data, kind=kind, max_pixels=max_pixels)
    return CheckedUpload(name=name, kind=kind, content_type=CONTENT_TYPES[kind], data=data)
