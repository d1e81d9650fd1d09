"""Signed-in sessions: lifetimes per role group, step-up freshness, htmx-aware redirects.

Whatever signed a person in (the OpenID provider in deployments, the password form in
local runs) calls ``session_mark_signed_in`` right after ``auth.login``. From then on:

- ``SessionLifetimeMiddleware`` ends the session (server-side) after the idle timeout
  or the absolute lifetime of the person's role group (consumer or staff) and sends
  them to the "you were signed out" page, which returns them to where they were.
- ``require_recent_auth(seconds)`` guards sensitive views: the *verified* ``auth_time``
  of the last sign-in must be recent, otherwise the person signs in again
  (``accounts:reauthenticate``) and comes back.
- htmx requests (django-htmx's ``request.htmx``) get ``401`` with ``HX-Redirect`` instead of
  a redirect that htmx would follow and swap a whole sign-in page into a fragment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from .audit.models import AuditAction
from .audit.services import audit_record
from .roles import STAFF_ROLES, Role, roles_of

# Session keys (all numbers are Unix times in seconds).
SIGNED_IN_AT = "cg_signed_in_at"
LAST_SEEN = "cg_last_seen"
AUTH_TIME = "cg_auth_time"  # verified auth_time of the last authentication, or None
SESSION_CLASS = "cg_session_class"  # "staff" or "consumer": which limits apply
PROVIDER_LOGOUT_URL = "cg_provider_logout_url"
# Idle time is tracked to this granularity so that not every request writes the session.
TOUCH_SECONDS = 30

View = Callable[..., HttpResponse]


def session_class(user: object) -> str:
    """ "staff" for anyone holding a staff role, else "consumer"."""
    return "staff" if roles_of(user) & STAFF_ROLES else "consumer"


def session_mark_signed_in(
    request: HttpRequest, *, auth_time: int | None, provider_logout_url: str = ""
) -> None:
    """Records a completed sign-in (or step-up) in the session.

    The absolute lifetime counts from the first sign-in of the session: a step-up
    refreshes ``auth_time`` but does not extend it. Side effects: session writes.
    """
    now = time.time()
    session = request.session
    session.setdefault(SIGNED_IN_AT, now)
    session[LAST_SEEN] = now
    session[AUTH_TIME] = auth_time
    session[SESSION_CLASS] = session_class(request.user)
    if provider_logout_url:
        session[PROVIDER_LOGOUT_URL] = provider_logout_url


def session_start(sender: object, request: HttpRequest | None, user: object, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: every login starts the session clocks, whatever the
    login path (the provider, the password form, a test's ``force_login``).

    The verified ``auth_time`` is not set here: only a sign-in that verified one does.
    Side effects: session writes.
    """
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session.setdefault(SIGNED_IN_AT, now)
    request.session[LAST_SEEN] = now
    request.session[SESSION_CLASS] = session_class(user)


def htmx_aware_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, or for htmx a 401 telling htmx to load ``url`` as a whole page (a
    redirect htmx would follow and swap the sign-in page into a fragment)."""
    if request.htmx:
        response = HttpResponseClientRedirect(url)
        response.status_code = 401
        return response
    return HttpResponseRedirect(url)


def where_the_person_was(request: HttpRequest) -> str:
    """The page to return to: for htmx the page the fragment belongs to (on this
    deployment), else this one."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    if current:
        return current.split("#", 1)[0]
    return request.get_full_path()


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """``candidate`` if it points at this deployment, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _limits(kind: str) -> tuple[int, int]:
    return (
        settings.CREDITGENIE_SESSION_IDLE_SECONDS[kind],
        settings.CREDITGENIE_SESSION_ABSOLUTE_SECONDS[kind],
    )


def session_expiry_reason(request: HttpRequest, now: float) -> str | None:
    """ "idle", "absolute" or None. Side effects: fills missing markers in the session."""
    session = request.session
    if SIGNED_IN_AT not in session:  # signed in before this policy existed: start now
        session[SIGNED_IN_AT] = session[LAST_SEEN] = now
    if SESSION_CLASS not in session:
        session[SESSION_CLASS] = session_class(request.user)
    idle, absolute = _limits(session[SESSION_CLASS])
    if now - session[SIGNED_IN_AT] > absolute:
        return "absolute"
    if now - session.get(LAST_SEEN, now) > idle:
        return "idle"
    return None


def _role_label(user: object) -> str:
    roles = roles_of(user)
    return next((r for r in Role.values if r in roles), "")


def session_end(request: HttpRequest, reason: str) -> HttpResponse:
    """Ends an expired session and sends the person to the "signed out" page.

    Side effects: one audit event (logout); the session row is deleted (``auth.logout``).
    """
    audit_record(
        actor=request.user,
        role=_role_label(request.user),
        action=AuditAction.LOGOUT,
        object_type="session",
        object_id="",
        purpose=f"session {reason} timeout",
        request=request,
    )
    back = where_the_person_was(request)
    auth.logout(request)
    query = urlencode({"reason": reason, "next": back})
    return htmx_aware_redirect(request, f"{reverse('accounts:signed-out')}?{query}")


class SessionLifetimeMiddleware:
    """Idle and absolute session limits per role group; htmx-safe sign-in redirects.

    Goes right after Django's AuthenticationMiddleware. Limits come from
    ``CREDITGENIE_SESSION_IDLE_SECONDS`` / ``CREDITGENIE_SESSION_ABSOLUTE_SECONDS``
    (keys "consumer" and "staff").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Signed in = the session names a user; read without loading the user, so a page
        # that never looks at request.user costs no user query and no lookup here.
        if auth.SESSION_KEY in request.session:
            now = time.time()
            reason = session_expiry_reason(request, now)
            if reason:
                return session_end(request, reason)
            if now - request.session.get(LAST_SEEN, 0) >= TOUCH_SECONDS:
                request.session[LAST_SEEN] = now
        return self._htmx_sign_in(request, self.get_response(request))

    @staticmethod
    def _htmx_sign_in(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """A redirect to sign-in (``login_required``) becomes 401 + HX-Redirect for htmx.
        The status first: ``request.htmx`` builds the request's header mapping."""
        if response.status_code not in (301, 302, 303) or not request.htmx:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        query = urlencode({"next": where_the_person_was(request)})
        return htmx_aware_redirect(request, f"{login}?{query}")


def auth_is_recent(request: HttpRequest, seconds: int) -> bool:
    """Whether the verified authentication of this session is at most ``seconds`` old."""
    auth_time = request.session.get(AUTH_TIME)
    return isinstance(auth_time, int | float) and time.time() - auth_time <= seconds


def require_recent_auth(seconds: int | None = None) -> Callable[[View], View]:
    """Step-up: the view runs only if the person authenticated within ``seconds``.

    ``seconds`` defaults to ``CREDITGENIE_STEP_UP_SECONDS``. Otherwise the person is
    sent through ``accounts:reauthenticate`` (with the OpenID provider: its logout,
    then ``prompt=login&max_age=0``, accepting only a newer ``auth_time``) and back
    here. Anonymous people go to sign-in. htmx requests get 401 + HX-Redirect.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = settings.CREDITGENIE_STEP_UP_SECONDS if seconds is None else seconds
            back = urlencode({"next": where_the_person_was(request)})
            if not request.user.is_authenticated:
                return htmx_aware_redirect(request, f"{resolve_url(settings.LOGIN_URL)}?{back}")
            if not auth_is_recent(request, limit):
                return htmx_aware_redirect(request, f"{reverse('accounts:reauthenticate')}?{back}")
            return view(request, *args, **kwargs)

        wrapper.recent_auth_seconds = seconds  # type: ignore[attr-defined]
        return wrapper

    return decorate
