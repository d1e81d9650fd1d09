"""PDF checks with pypdf: the document must parse, must not be encrypted, and no object in
it (object streams included) may carry active content: JavaScript, launch and other
dangerous actions, additional-actions dictionaries, embedded files, rich media or XFA forms.

pypdf resolves names (`/J#61vaScript` is `/JavaScript`), compressed object streams and
indirect references, which a byte search cannot.
"""

from __future__ import annotations

import io
import logging

from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from .errors import UploadRejected

# Names that are refused wherever they appear, as a key or as a value.
FORBIDDEN_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/AA",  # additional actions: run on open, close, page view, field focus...
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)
# Action types (/S) that reach outside the document or run code; /GoTo and /URI links stay.
FORBIDDEN_ACTIONS = frozenset(
    {
        "/ImportData",
        "/SubmitForm",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
    }
)
# A document with more objects than this is refused rather than walked (a CPU bomb).
MAX_OBJECTS = 200_000

ACTIVE_CONTENT = _(
    "This PDF contains scripts, automatic actions or attached files, which we cannot accept. "
    "Please save or print it as a new PDF, or upload a scan or photo instead."
)
ENCRYPTED = _("This PDF is password-protected. Please upload a copy without a password.")
UNREADABLE = _("This PDF could not be read. Please upload another copy of the document.")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings describe the file, at length


def pdf_check(data: bytes) -> None:
    """Parses the PDF and walks every object. Raises UploadRejected (pdf_unreadable,
    pdf_encrypted, pdf_active_content)."""
    reader = _reader(data)
    if reader.is_encrypted:
        raise UploadRejected("pdf_encrypted", ENCRYPTED)
    try:
        found = _active_content(reader)
    except UploadRejected:
        raise
    # pypdf raises many types on malformed input (ValueError, KeyError, RecursionError...).
    except Exception:
        raise UploadRejected("pdf_unreadable", UNREADABLE) from None
    if found:
        raise UploadRejected("pdf_active_content", ACTIVE_CONTENT)


def _reader(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if not reader.is_encrypted and len(reader.pages) < 1:
            raise UploadRejected("pdf_unreadable", UNREADABLE)
    except UploadRejected:
        raise
    except Exception:  # see pdf_check
        raise UploadRejected("pdf_unreadable", UNREADABLE) from None
    return reader


def _object_refs(reader: PdfReader) -> list[IndirectObject]:
    """Every object the cross-reference tables list, including those in object streams."""
    refs = [
        IndirectObject(num, generation, reader)
        for generation, entries in reader.xref.items()
        for num in entries
    ]
    refs += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
    return refs


def _active_content(reader: PdfReader) -> bool:
    """True when any object reachable from the trailer or listed in the xref is active."""
    stack: list[PdfObject] = [reader.trailer, *_object_refs(reader)]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        visited += 1
        if visited > MAX_OBJECTS:
            raise UploadRejected("pdf_unreadable", UNREADABLE)
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if _is_active(obj):
            return True
        stack.extend(_children(obj))
    return False


def _is_active(obj: PdfObject | None) -> bool:
    if isinstance(obj, NameObject):
        return str(obj) in FORBIDDEN_NAMES
    if isinstance(obj, DictionaryObject):
        if any(str(key) in FORBIDDEN_NAMES for key in obj):
            return True
        action = obj.get("/S")
        return isinstance(action, NameObject) and str(action) in FORBIDDEN_ACTIONS
    return False


def _children(obj: PdfObject | None) -> list[PdfObject]:
    if isinstance(obj, DictionaryObject):
        return list(obj.values())
    if isinstance(obj, ArrayObject):
        return list(obj)
    return []
