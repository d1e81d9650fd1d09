"""Agency-side pages of the tenants app: the branded landing page and brand assets."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..roles import staff_workspace
from ..selectors import agency_profile_get

DEFAULT_BRAND_COLOUR = "#1a4480"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The agency's landing page, where the front door sends consumers and where sign-in
    lands; staff are sent on to their own workspace."""
    workspace = staff_workspace(request.user)
    if workspace:
        return redirect(workspace)
    return render(request, "tenants/landing.html", {"ref": request.GET.get("ref", "")})


@require_GET
@cache_control(max_age=300)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The agency's colour as a stylesheet, so pages need no inline style (strict CSP)."""
    profile = agency_profile_get()
    colour = profile.brand_colour if profile else DEFAULT_BRAND_COLOUR
    css = f":root {{ --agency-brand: {colour}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_GET
@cache_control(max_age=300)
def logo(request: HttpRequest) -> FileResponse:
    profile = agency_profile_get()
    if profile is None or not profile.logo:
        raise Http404("No logo")
    response = FileResponse(profile.logo.open("rb"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
