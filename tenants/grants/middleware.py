"""The Django admin behind the same sign-in, for agency administrators and granted support.

- Nobody signs in through the admin's own password page: anonymous requests to any
  admin URL (its login page included) go to the deployment's sign-in.
- Agency administrators pass.
- Platform support passes only with a live ``admin`` grant; every such request is an
  audit event carrying the grant id.
- Everyone else gets the 403 page, and a denied audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url

from tenants.audit.models import AuditAction, AuditOutcome
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import Role, has_role

from .errors import GrantRequired
from .models import Grant
from .services import grant_use

_READS = ("GET", "HEAD", "OPTIONS")


class AdminAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        user = request.user
        if not user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
        # is_superuser mirrors the agency_admin group at every sign-in through the provider.
        if user.is_staff and (has_role(user, Role.AGENCY_ADMIN) or user.is_superuser):
            return None
        if has_role(user, Role.PLATFORM_SUPPORT):
            action = AuditAction.READ if request.method in _READS else AuditAction.UPDATE
            try:
                grant_use(
                    request=request,
                    scope=Grant.Scope.ADMIN,
                    action=action,
                    purpose="platform support in the agency admin",
                )
            except GrantRequired:
                return _refused(request, needs_grant=True)
            return None
        audit_record(
            actor=user,
            role=audit_role_for(user, ()),
            action=AuditAction.DENIED,
            object_type="admin",
            object_id=match.view_name[:64],
            purpose="staff area",
            outcome=AuditOutcome.DENIED,
            request=request,
        )
        return _refused(request, needs_grant=False)


def _refused(request: HttpRequest, *, needs_grant: bool) -> HttpResponse:
    return render(request, "grants/refused.html", {"needs_grant": needs_grant}, status=403)
