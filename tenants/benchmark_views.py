"""The front door's cross-agency benchmarks page, for the platform's staff only."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    """Signed-out people go to the front door's (admin) sign-in; signed-in people who are
    not platform staff get a 404, so the page does not confirm it exists."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff:
        raise Http404
    # DuckDB, pyarrow and boto3 load with the first visit to this staff page, not with
    # every front door process.
    from .benchmarks import FUNNEL, BenchmarksUnavailable, benchmarks_compute

    try:
        context = {"benchmarks": benchmarks_compute(), "stages": FUNNEL}
    except BenchmarksUnavailable:
        context = {"unavailable": True, "stages": FUNNEL}
    return render(request, "frontdoor/benchmarks.html", context)
