"""Sign-in pages of an agency deployment.

In a deployment people sign in only through the OpenID provider (``oidc:*`` views in
``integrations.oidc``); these pages link there. Where ``CREDITGENIE_DEV_LOGIN`` is on
(local runs, tests) the same page also offers the password form and lists the demo
accounts. Sign-out ends the server-side session and goes through the provider's logout.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..audit.models import AuditAction, AuditOutcome
from ..audit.selectors import audit_role_for
from ..audit.services import audit_record
from ..roles import Role
from ..signin import PROVIDER_LOGOUT_URL, safe_next, session_mark_signed_in

# The demo accounts of local runs: counselor/demo/agency.py seeds them for the password form,
# integrations/oidc/devprovider/users.json holds them at the local OpenID provider.
DEMO_PASSWORD = "genie-demo-2026"  # noqa: S105  (published, local runs only)
DEMO_ACCOUNTS = (
    ("consumer", Role.CONSUMER.label),
    ("counselor", Role.COUNSELOR.label),
    ("supervisor", Role.SUPERVISOR.label),
    ("admin", Role.AGENCY_ADMIN.label),
    ("support", Role.PLATFORM_SUPPORT.label),
)


def _oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


class SignInView(auth_views.LoginView):
    """The sign-in page: the provider's button, and in local runs the password form."""

    template_name = "accounts/login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.CREDITGENIE_DEV_LOGIN:
            if not _oidc_enabled():
                return sign_in_unavailable(request)
            if request.method != "GET":
                return HttpResponseNotAllowed(["GET"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        dev = settings.CREDITGENIE_DEV_LOGIN
        return super().get_context_data(**kwargs) | {
            "oidc_enabled": _oidc_enabled(),
            "dev_login": dev,
            "demo_accounts": DEMO_ACCOUNTS if dev else (),
            "demo_password": DEMO_PASSWORD if dev else "",
            "reauthenticate": self.request.GET.get("reauth") == "1",
        }

    def form_valid(self, form: Any) -> HttpResponse:
        """Signs in (local runs only). Side effects: session; one audit event (login)."""
        response = super().form_valid(form)
        session_mark_signed_in(self.request, auth_time=int(time.time()))
        _audit_sign_in(self.request, AuditOutcome.ALLOWED, "password sign-in (local runs)")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        _audit_sign_in(self.request, AuditOutcome.DENIED, "password sign-in (local runs)")
        return super().form_invalid(form)


def _audit_sign_in(request: HttpRequest, outcome: str, purpose: str) -> None:
    audit_record(
        actor=request.user,
        role=audit_role_for(request.user, ()),
        action=AuditAction.LOGIN,
        object_type="session",
        object_id="",
        purpose=purpose,
        outcome=outcome,
        request=request,
    )


def sign_in_unavailable(request: HttpRequest) -> HttpResponse:
    """Shown where no sign-in method is configured for this deployment."""
    return render(request, "accounts/unavailable.html", status=503)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session server-side, then the provider's session (its logout URL).

    Side effects: one audit event (logout) when someone was signed in; the session row
    is deleted, so the old cookie is dead.
    """
    signed_out = f"{reverse('accounts:signed-out')}?{urlencode({'reason': 'logout'})}"
    provider_logout = request.session.get(PROVIDER_LOGOUT_URL, "")
    if request.user.is_authenticated:
        audit_record(
            actor=request.user,
            role=audit_role_for(request.user, ()),
            action=AuditAction.LOGOUT,
            object_type="session",
            object_id="",
            purpose="signed out",
            request=request,
        )
    auth.logout(request)
    return HttpResponseRedirect(provider_logout or signed_out)


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    """ "You were signed out": why, and a way back to where the person was."""
    return render(
        request,
        "accounts/signed_out.html",
        {
            "reason": request.GET.get("reason", "logout"),
            "next": safe_next(request, request.GET.get("next"), resolve_url("agency:home")),
        },
    )


@require_GET
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Step-up: through the OpenID provider where configured, else the password form."""
    query = urlencode({"next": safe_next(request, request.GET.get("next"))})
    if _oidc_enabled():
        return HttpResponseRedirect(f"{reverse('oidc:reauthenticate')}?{query}")
    return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}&reauth=1")
