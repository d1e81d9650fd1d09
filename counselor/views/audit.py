"""Supervisor view of a case's audit history: who did what to the case, when, and why."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intake.models import Application
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_history_page
from tenants.roles import Role, has_role

AUDIT_REVIEWERS = (Role.SUPERVISOR, Role.AGENCY_ADMIN)


def _get_case_for_audit_review(request: HttpRequest, public_id: UUID) -> Application:
    """The application if the user may review its audit history; 404 otherwise.

    Anyone without a reviewer role gets the same 404 as for an unknown case, so the
    page reveals neither the case nor that the page exists.
    """
    if not has_role(request.user, *AUDIT_REVIEWERS):
        raise Http404("No such application")
    application = Application.objects.filter(public_id=public_id).only("public_id").first()
    if application is None:
        raise Http404("No such application")
    return application


@require_GET
@login_required
@audited(
    AuditAction.READ,
    "audit_history",
    acting_as=AUDIT_REVIEWERS,
    purpose="supervisory review of the case's audit history",
    case_kwarg="public_id",
)
def application_audit_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Paginated, newest first. Reading it is itself an audit event (``@audited``)."""
    application = _get_case_for_audit_review(request, public_id)
    case_id = str(application.public_id)
    page = audit_history_page(case_id=case_id, page_number=request.GET.get("page"))
    return render(request, "audit/case_history.html", {"application": application, "page": page})
