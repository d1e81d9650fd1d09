"""Sign-in views: start (authorize), callback, step-up; provider trouble never a 500.

The library's views read static endpoint settings when constructed and let network
errors and a rejected client secret escape as 500s. These subclasses discover the
endpoints on first use and turn every failure into a page for the person (503 when the
provider is down or misconfigured, 400/403 when a sign-in is refused), a logged event
and, for refusals, an audit event.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tenants.audit.models import AuditAction, AuditOutcome
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.signin import AUTH_TIME, safe_next, session_mark_signed_in

from .backend import STEP_UP, SignedIn
from .client import Discovery, discovery_get
from .errors import OidcError, ProviderUnavailable, SignInRefused

logger = logging.getLogger("creditgenie.oidc")


def provider_down(request: HttpRequest, exc: OidcError, step: str) -> HttpResponse:
    """The friendly 503 page. Side effects: one WARNING log line (no tokens, no PII)."""
    logger.warning(
        "OpenID provider unavailable",
        extra={
            "event": "oidc_provider_unavailable",
            "step": step,
            "detail": str(exc),
            "permanent": exc.permanent,
        },
    )
    return render(request, "accounts/unavailable.html", status=503)


def _refused(request: HttpRequest, reason: str, explanation: str, status: int) -> HttpResponse:
    """A refused sign-in. Side effects: one denied audit event; one log line."""
    logger.warning("sign-in refused", extra={"event": "oidc_sign_in_refused", "reason": reason})
    audit_record(
        actor=None,
        role="",
        action=AuditAction.LOGIN,
        object_type="session",
        object_id="",
        purpose=f"sign-in refused: {reason}"[:200],
        outcome=AuditOutcome.DENIED,
        request=request,
    )
    context = {"title": "We could not sign you in", "explanation": explanation}
    return render(request, "accounts/sign_in_problem.html", context, status=status)


def provider_logout_url(request: HttpRequest, discovery: Discovery) -> str:
    """Where sign-out sends the browser: Cognito's /logout, or RP-initiated logout."""
    back = request.build_absolute_uri(reverse("accounts:signed-out"))
    client = settings.OIDC_RP_CLIENT_ID
    if settings.OIDC_PROVIDER_KIND == "cognito":
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(discovery.authorization_endpoint))
        return f"{origin}/logout?{urlencode({'client_id': client, 'logout_uri': back})}"
    if discovery.end_session_endpoint:
        query = urlencode({"client_id": client, "post_logout_redirect_uri": back})
        return f"{discovery.end_session_endpoint}?{query}"
    return ""


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider: state, nonce, PKCE (S256); sign-up; step-up."""

    reauthenticate = False

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # not the library's: it reads endpoint settings

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ISSUER:
            return render(request, "accounts/unavailable.html", status=503)
        if self.reauthenticate and STEP_UP not in request.session:
            return HttpResponseRedirect(reverse("accounts:login"))
        try:
            self.discovery = discovery_get()
        except ProviderUnavailable as exc:
            return provider_down(request, exc, "discovery")
        self.OIDC_OP_AUTH_ENDPOINT = self.discovery.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response = super().get(request)
        if self.reauthenticate:
            request.session["oidc_login_next"] = request.session[STEP_UP]["next"]
        elif self._signup() and settings.OIDC_PROVIDER_KIND == "cognito":
            # Cognito's hosted sign-up takes the authorize parameters at /signup.
            response["Location"] = response["Location"].replace("/oauth2/authorize?", "/signup?")
        return response

    def _signup(self) -> bool:
        return self.request.GET.get("signup") == "1"

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # The provider's pages in the language of ours: ui_locales (OpenID Connect), and
        # Cognito's own `lang` for its managed sign-in pages.
        language = {"ui_locales": request.LANGUAGE_CODE[:2]}
        if settings.OIDC_PROVIDER_KIND == "cognito":
            language["lang"] = request.LANGUAGE_CODE[:2]
        if self.reauthenticate:
            return {"prompt": "login", "max_age": "0", **language}
        if self._signup() and "create" in self.discovery.prompt_values_supported:
            return {"prompt": "create", **language}
        return language


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: verified by the backend, then the session is marked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            return provider_down(request, exc, "token")
        except SignInRefused as exc:
            return _refused(request, exc.reason, exc.explanation, 403)
        except OidcError as exc:
            return _refused(request, str(exc), "The sign-in could not be verified.", 400)
        except SuspiciousOperation:
            return _refused(request, "unknown state", "This sign-in link has expired.", 400)

    def login_failure(self) -> HttpResponse:
        explanation = "The sign-in was cancelled or has expired. Please try again."
        context = {"title": "You are not signed in", "explanation": explanation}
        return render(self.request, "accounts/sign_in_problem.html", context, status=400)

    def login_success(self) -> HttpResponse:
        """Side effects: ``auth.login``; session markers; one audit event (login)."""
        response = super().login_success()
        signed: SignedIn = self.request.creditgenie_sign_in
        session = self.request.session
        session.pop(STEP_UP, None)
        session_mark_signed_in(
            self.request,
            auth_time=signed.token.auth_time,
            provider_logout_url=provider_logout_url(self.request, discovery_get()),
        )
        audit_record(
            actor=self.user,
            role=audit_role_for(self.user, ()),
            action=AuditAction.LOGIN,
            object_type="session",
            object_id=str(self.user.pk),
            purpose="re-authenticated (step-up)" if signed.step_up else "signed in",
            request=self.request,
        )
        return response


@require_GET
@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Step-up: remember the stale auth_time, leave the provider's own session, sign in.

    Cognito keeps its own one-hour session, so a plain authorize could come back
    silently: its /logout runs first and returns to ``oidc:reauthenticate-continue``,
    which asks for ``prompt=login&max_age=0``. Side effects: session write.
    """
    request.session[STEP_UP] = {
        "after": request.session.get(AUTH_TIME) or 0,
        "user_id": request.user.pk,
        "next": safe_next(request, request.GET.get("next")),
    }
    back = reverse("oidc:reauthenticate-continue")
    if settings.OIDC_PROVIDER_KIND == "cognito":
        try:
            discovery = discovery_get()
        except ProviderUnavailable as exc:
            return provider_down(request, exc, "discovery")
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(discovery.authorization_endpoint))
        logout_uri = request.build_absolute_uri(back)
        query = urlencode({"client_id": settings.OIDC_RP_CLIENT_ID, "logout_uri": logout_uri})
        return HttpResponseRedirect(f"{origin}/logout?{query}")
    return HttpResponseRedirect(back)
