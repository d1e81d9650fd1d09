"""The front door's cross-agency benchmarks page, for the platform's staff only."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..benchmarks import FUNNEL, benchmarks_latest


@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    """Signed-out people go to the front door's (admin) sign-in; signed-in people who are
    not platform staff get a 404, so the page does not confirm it exists."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff:
        raise Http404
    # Computed by the scheduled task (manage.py benchmarks_refresh), never in this request.
    latest = benchmarks_latest()
    context = {"stages": FUNNEL, "not_computed": latest is None}
    if latest is not None:
        context["benchmarks"], context["computed_at"], context["engine"] = latest
    return render(request, "frontdoor/benchmarks.html", context)
