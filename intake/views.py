"""Consumer-side pages."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role

from .selectors import get_application_for
from .services import application_start


@require_POST
@login_required
def start(request: HttpRequest) -> HttpResponse:
    application = application_start(consumer=request.user, language=request.LANGUAGE_CODE[:2])
    return redirect("intake:application", public_id=application.public_id)


@require_GET
@login_required
@audited(
    AuditAction.READ,
    "application",
    acting_as=(Role.CONSUMER,),
    purpose="consumer viewing own application",
    case_kwarg="public_id",
)
def application_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    return render(request, "intake/application.html", {"application": application})
