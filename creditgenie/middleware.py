"""Middleware shared by every deployment."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import http_date
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


_NONCE_SLOT = "\x00nonce\x00"
# Set by django-csp's decorators (and by a view for one response): such a response's
# policy is its own, built by django-csp itself.
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_POLICY_SETTINGS = {
    HEADER: "CONTENT_SECURITY_POLICY",
    HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY",
}


@cache
def _policy_template(header: str, with_nonce: bool) -> tuple[str, tuple[str, ...]]:
    """The header value (the nonce left as a slot) and the excluded URL prefixes."""
    report_only = header == HEADER_REPORT_ONLY
    nonce = _NONCE_SLOT if with_nonce else None
    config = getattr(settings, _POLICY_SETTINGS[header], None) or {}
    prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
    return build_policy(nonce=nonce, report_only=report_only), prefixes


@lru_cache(maxsize=512)  # keyed by what clients send: bounded
def _language_for(cookie: str | None, accept: str) -> str:
    """What ``get_language_from_request`` answers for this cookie and Accept-Language (the
    only two things it reads), remembered per process."""
    probe = HttpRequest()
    if cookie is not None:
        probe.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
    probe.META["HTTP_ACCEPT_LANGUAGE"] = accept
    return translation.get_language_from_request(probe)


@receiver(setting_changed)
def _forget_cached_settings(*, setting: str, **kwargs: object) -> None:
    if setting in _POLICY_SETTINGS.values():
        _policy_template.cache_clear()
    if setting.startswith(("LANGUAGE", "LOCALE_PATHS")):
        _language_for.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once per process.

    django-csp rebuilds the header from the settings on every response; only the nonce
    changes between responses, so the header is built once with a slot for it. A response
    carrying its own policy changes (``_csp_update`` and the like) goes through django-csp.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The decorators set these on the response object itself: read its own attributes
        # (a getattr with a default pays for an AttributeError per missing name).
        own = vars(response)
        if any(own.get(name) is not None for name in _PER_RESPONSE_POLICY):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:  # Django's debug pages
            return response
        nonce = getattr(request, "_csp_nonce", None)
        for header, exempt in ((HEADER, "_csp_exempt"), (HEADER_REPORT_ONLY, "_csp_exempt_ro")):
            policy, excluded = _policy_template(header, nonce is not None)
            if (
                policy
                and header not in response
                and not own.get(exempt, False)
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy.replace(_NONCE_SLOT, nonce) if nonce else policy
        if nonce is None:  # as django-csp: a nonce asked for after this point is an error
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class LanguageMiddleware:
    """The consumer's language from the language cookie or Accept-Language.

    Django's LocaleMiddleware also handles language prefixes in URLs, which we do
    not use; this does only the part we need, at a third of the cost per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _language_for(
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
            request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread serves the next request (or test) in the default language again.
            translation.deactivate()
        if "Vary" in response:
            patch_vary_headers(response, ("Accept-Language",))
        else:
            response.headers["Vary"] = "Accept-Language"
        response.headers.setdefault("Content-Language", language)
        return response


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


class NoStoreForAuthenticatedMiddleware:
    """Every response to a signed-in user is ``Cache-Control: no-store``.

    Pages of a signed-in person hold their data (or a counselor's view of a consumer's);
    neither a shared proxy nor the browser's back-forward cache may keep a copy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The session names a signed-in person (login writes the key, logout flushes it):
        # read without loading the user.
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return response
        if "Cache-Control" in response or "Expires" in response:
            add_never_cache_headers(response)  # merge with what the view set
        else:  # what add_never_cache_headers writes, without parsing and rebuilding
            response.headers["Expires"] = http_date(time.time())
            response.headers["Cache-Control"] = NEVER_CACHE
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


class FriendlyMethodNotAllowedMiddleware:
    """A wrong method (GET /apply/, whose form only posts) answers 405 with the agency's
    page in the visitor's language, not Django's blank one. Django has no handler405, so
    the view's HttpResponseNotAllowed is replaced here (its Allow header kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or request.method == "HEAD":
            return response
        page = render(request, "405.html", {"error_page": True}, status=405)
        page["Allow"] = response["Allow"]
        return page
