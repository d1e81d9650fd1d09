"""The written action plan of a saved proposal version, as a page and as a PDF, and the
plan the consumer signed (the same PDF the consumer downloads)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from counselor.models import ProposalVersion
from counselor.selectors.proposals import proposal_version_get, proposal_version_latest
from counselor.services.action_plan import ActionPlanDocument, action_plan_pdf
from counselor.services.offers import offer_document
from counselor.views.common import CASE, get_case_for, get_proposal_for
from intake.selectors.portal import signed_plan_of
from intake.views.portal import signed_plan_response
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction


def _document(
    request: HttpRequest, public_id: UUID
) -> tuple[ProposalVersion, dict[str, object], ActionPlanDocument]:
    proposal = get_proposal_for(request, public_id)
    number = request.GET.get("version", "")
    version = (
        proposal_version_get(proposal=proposal, number=int(number))
        if number.isdigit()
        else proposal_version_latest(proposal=proposal)
    )
    if version is None:
        raise Http404("No such version")
    context, document = offer_document(
        proposal=proposal, version=version, language=request.GET.get("lang", "")
    )
    return version, context, document


@require_GET
@login_required
@audited(AuditAction.READ, "action_plan", purpose="written action plan", **CASE)
def action_plan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    version, context, document = _document(request, public_id)
    context |= {"document": document, "saved": version, "case_id": public_id}
    return render(request, "counselor/action_plan.html", context)


@require_GET
@login_required
@audited(AuditAction.EXPORT, "action_plan", purpose="written action plan PDF", **CASE)
def action_plan_pdf_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    version, _context, document = _document(request, public_id)
    created = version.saved_at.date() if version.saved_at else date.today()
    pdf = action_plan_pdf(document, created=created)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"action-plan-v{version.number}-{document.language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Document-SHA256"] = document.sha256
    return response


@require_GET
@login_required
@audited(AuditAction.EXPORT, "plan_acceptance", purpose="signed plan PDF", **CASE)
def signed_plan_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    acceptance = signed_plan_of(get_case_for(request, public_id))
    if acceptance is None:
        raise Http404("No signed plan")
    return signed_plan_response(acceptance)
