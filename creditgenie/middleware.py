"""Middleware shared by every deployment."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_ratelimit.core import get_usage

from .logging import request_id_var

logger = logging.getLogger(__name__)

_INCOMING_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestIdMiddleware:
    """Gives each request an id (the load balancer's X-Request-ID when well formed).

    The id goes into every log line of the request and back in the response header,
    so a consumer's "reference" on an error page leads to the log lines.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _INCOMING_ID.fullmatch(incoming) else secrets.token_hex(16)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """The consumer's language from the language cookie or Accept-Language.

    Django's LocaleMiddleware also handles language prefixes in URLs, which we do
    not use; this does only the part we need, at a third of the cost per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves the next request (or test) in the default language again.
            translation.deactivate()
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForAuthenticatedMiddleware:
    """Every response to a signed-in user is ``Cache-Control: no-store``.

    Pages of a signed-in person hold their data (or a counselor's view of a consumer's);
    neither a shared proxy nor the browser's back-forward cache may keep a copy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def _client_key(group: str, request: HttpRequest) -> str:
    """The client's address as the rate-limit key.

    The same rule as the audit trail's ``client_ip``: behind
    ``CREDITGENIE_TRUSTED_PROXY_COUNT`` proxies, the X-Forwarded-For entry that many from
    the right; entries further left are the client's own claims. (The audit helper lives
    with the audit models, which the front door does not install.)
    """
    hops = settings.CREDITGENIE_TRUSTED_PROXY_COUNT
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or "unknown"


class RateLimitMiddleware:
    """Limits the views named in ``CREDITGENIE_RATE_LIMITS`` per client address.

    Counters live in Django's cache (django-ratelimit's counting). A limited request
    gets the friendly 429 page with ``Retry-After``, never an error page. Keyed by the
    resolver's view name, so apps mark a view for limiting without importing this
    package (import-linter forbids that): one line in settings.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        groups = settings.CREDITGENIE_RATE_LIMIT_GROUPS
        unknown = set(settings.CREDITGENIE_RATE_LIMITS.values()) - set(groups)
        if unknown:
            raise ImproperlyConfigured(f"CREDITGENIE_RATE_LIMITS names unknown groups {unknown}")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        group = settings.CREDITGENIE_RATE_LIMITS.get(request.resolver_match.view_name)
        if group is None:
            return None
        limit = settings.CREDITGENIE_RATE_LIMIT_GROUPS[group]
        if request.method not in limit["methods"]:
            return None
        usage = get_usage(request, group=group, key=_client_key, rate=limit["rate"], increment=True)
        if usage is None or not usage["should_limit"]:
            return None
        logger.warning("rate limit reached", extra={"rate_limit_group": group})
        response = render(request, "429.html", status=429)
        response.headers["Retry-After"] = str(max(usage["time_left"], 1))
        return response
