"""Agency administrators issue grants to platform support: a step-up protected page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenants.roles import Role, has_role
from tenants.signin import require_recent_auth

from .errors import GrantError
from .forms import GrantIssueForm
from .selectors import grants_live
from .services import grant_issue


def agency_admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anyone but an agency administrator gets the same 404 as for an unknown page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_role(request.user, Role.AGENCY_ADMIN):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@login_required
@agency_admin_only
@require_recent_auth()
def issue(request: HttpRequest) -> HttpResponse:
    form = GrantIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant_issue(
                user=data["user"],
                scope=data["scope"],
                reason=data["reason"],
                duration=data["minutes"],
                issued_by=request.user,
                request=request,
            )
        except GrantError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Access granted.")
            return redirect("grants:issue")
    live = grants_live().select_related("user")
    return render(request, "grants/issue.html", {"form": form, "live": live})
