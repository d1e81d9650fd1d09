"""The supervisor dashboard: aggregate figures with drill-down links into the queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from counselor.selectors.dashboard import supervisor_dashboard
from tenants.roles import Role, has_role


@require_GET
@login_required
def supervisor_dashboard_view(request: HttpRequest) -> HttpResponse:
    """Supervisors only (everyone else 404): aggregate figures with drill-down links."""
    if not has_role(request.user, Role.SUPERVISOR):
        raise Http404("No such page")
    context = {"dashboard": supervisor_dashboard(), "queue": reverse("counselor:queue")}
    return render(request, "counselor/supervisor.html", context)
