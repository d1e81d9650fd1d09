"""Refuse to serve from a database that belongs to another deployment."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .stamp import stamp_problem

logger = logging.getLogger(__name__)

_EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/")
_RECHECK_SECONDS = 60.0


class DeploymentStampMiddleware:
    """503 with a page naming the problem when the database stamp does not match.

    A matching stamp is remembered for a minute per process, so the check costs one
    query a minute, not one per request. A mismatch is checked on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._verified_at = float("-inf")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_EXEMPT_PREFIXES) or self._recently_verified():
            return self.get_response(request)
        problem = stamp_problem()
        if problem is not None:
            logger.error("refusing to serve: %s", problem)
            # Rendered without the request: context processors would read the database.
            body = render_to_string("tenants/misconfigured.html", {"problem": problem})
            return HttpResponse(body, status=503)
        self._verified_at = time.monotonic()
        return self.get_response(request)

    def _recently_verified(self) -> bool:
        return time.monotonic() - self._verified_at < _RECHECK_SECONDS
