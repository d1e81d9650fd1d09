"""The supervisor dashboard: aggregate figures with drill-down links into the queue, read
from the snapshot beat keeps (counted here only when it is missing or stale), and the
supervisor's "Refresh now"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from counselor.selectors.dashboard import dashboard_snapshot_get
from counselor.services.dashboard import dashboard_snapshot_refresh
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role, has_role
from tenants.selectors import agency_zone_shown


def _supervisors_only(request: HttpRequest) -> None:
    if not has_role(request.user, Role.SUPERVISOR):
        raise Http404("No such page")


@require_GET
@login_required
def supervisor_dashboard_view(request: HttpRequest) -> HttpResponse:
    """Supervisors only (everyone else 404): aggregate figures with drill-down links, as of
    the last count (one query), or counted now when beat has not counted lately."""
    _supervisors_only(request)
    context = {
        "dashboard": dashboard_snapshot_get() or dashboard_snapshot_refresh(),
        "queue": reverse("counselor:queue"),
        "zone": agency_zone_shown(),
    }
    return render(request, "counselor/supervisor.html", context)


@require_POST
@login_required
@audited(
    AuditAction.UPDATE,
    "dashboard_figures",
    acting_as=(Role.SUPERVISOR,),
    purpose="supervisor dashboard counted again",
)
def supervisor_dashboard_refresh(request: HttpRequest) -> HttpResponse:
    """Supervisors only (everyone else 404): counts the figures again now, then the page."""
    _supervisors_only(request)
    dashboard_snapshot_refresh()
    messages.success(request, gettext("The figures were counted again."))
    return redirect("counselor:supervisor")
