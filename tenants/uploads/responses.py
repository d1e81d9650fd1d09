"""The HTTP response for a document download: always an attachment, never sniffed, never
cached, with the content type the validation pipeline detected."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from .services import OpenedFile


def stored_file_response(*, opened: OpenedFile) -> HttpResponse:
    """A download of `opened` (from stored_file_open): Content-Disposition attachment with the
    original name (RFC 6266/5987 encoded), nosniff, Cache-Control no-store."""
    response = HttpResponse(opened.data, content_type=opened.content_type)
    response["Content-Disposition"] = content_disposition_header(True, opened.name)
    response["Content-Length"] = str(len(opened.data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response
