"""The DMP builder and the written action plan, for counselors and supervisors.

Thin views: the numbers come from ``services.proposal_build_from`` (the engine); the
templates only format them. Anyone else gets the same 404 as for an unknown case.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselor.services.action_plan import (
    LANGUAGES,
    ActionPlanDocument,
    action_plan_context,
    action_plan_pdf,
    action_plan_render,
    builder_chart,
)
from counselor.engine.snapshots import Json, inputs_parse
from counselor.errors import ProposalConflict, ProposalError
from counselor.forms.terms import BuilderForm
from counselor.models import Proposal, ProposalVersion
from counselor.permissions import can_build_plans
from counselor.selectors.terms import proposal_for_case, proposal_version_get, proposal_version_latest
from counselor.services.proposals import proposal_build_from, proposal_save
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import CASEWORK_ROLES
from tenants.selectors import agency_profile_get
from tenants.signin import is_htmx

BUILDER = {"acting_as": CASEWORK_ROLES, "case_kwarg": "public_id"}


def get_proposal_for(request: HttpRequest, public_id: UUID) -> Proposal:
    """The case's proposal if the user may build plans; 404 otherwise (no hint either way)."""
    if not can_build_plans(request.user):
        raise Http404("No such case")
    proposal = proposal_for_case(case_id=public_id)
    if proposal is None:
        raise Http404("No such case")
    return proposal


def _builder_response(
    request: HttpRequest,
    proposal: Proposal,
    form: BuilderForm,
    inputs: Json,
    status: int = 200,
    conflict: ProposalConflict | None = None,
) -> HttpResponse:
    try:
        result, error = proposal_build_from(inputs), ""
    except ProposalError as exc:
        result, error = None, str(exc)
    context = {
        "proposal": proposal,
        "form": form,
        "result": result,
        "error": error,
        "chart": builder_chart(result) if result else None,
        "conflict": conflict,
    }
    template = "counselor/partials/_builder_results.html" if is_htmx(request) else None
    return render(request, template or "counselor/builder.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.READ, "proposal", purpose="DMP builder", **BUILDER)
def builder(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET: the latest version. POST: recompute with the form's choices (nothing saved)."""
    proposal = get_proposal_for(request, public_id)
    latest = proposal_version_latest(proposal=proposal)
    form = BuilderForm(request.POST or None, inputs=latest.inputs, version=proposal.version)
    inputs = form.new_inputs() if request.method == "POST" and form.is_valid() else latest.inputs
    return _builder_response(request, proposal, form, inputs)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "proposal", purpose="DMP proposal saved", **BUILDER)
def builder_save(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Saves the choices as the next version; a stale version is a 409 naming the changes."""
    proposal = get_proposal_for(request, public_id)
    latest = proposal_version_latest(proposal=proposal)
    form = BuilderForm(request.POST, inputs=latest.inputs, version=proposal.version)
    if not form.is_valid():
        return _builder_response(request, proposal, form, latest.inputs, status=400)
    inputs = form.new_inputs()
    try:
        proposal_save(
            proposal=proposal,
            expected_version=form.cleaned_data["version"],
            inputs=inputs,
            actor=request.user,
            request=request,
        )
    except ProposalConflict as conflict:
        return _builder_response(request, proposal, form, inputs, 409, conflict)
    except ProposalError as exc:
        form.add_error(None, str(exc))
        return _builder_response(request, proposal, form, inputs, status=400)
    return redirect("counselor:builder", public_id=public_id)


def plan_document(
    *, proposal: Proposal, version: ProposalVersion, language: str = ""
) -> tuple[dict[str, object], ActionPlanDocument]:
    """The written action plan of a saved version (context and rendered document), in
    ``language`` or the inputs' language. The offer flow freezes this exact document."""
    parsed = inputs_parse(version.inputs)
    language = language or parsed.language
    language = language if language in LANGUAGES else "en"
    profile = agency_profile_get()
    context = action_plan_context(
        result=proposal_build_from(version.inputs),
        inputs=parsed,
        agency_name=profile.name if profile else "",
        case_id=str(proposal.case_id),
        version=version.number,
        language=language,
    )
    return context, action_plan_render(context)


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
    context, document = plan_document(
        proposal=proposal, version=version, language=request.GET.get("lang", "")
    )
    return version, context, document


@require_GET
@login_required
@audited(AuditAction.READ, "action_plan", purpose="written action plan", **BUILDER)
def action_plan(request: HttpRequest, public_id: UUID) -> HttpResponse:
    version, context, document = _document(request, public_id)
    context |= {"document": document, "saved": version, "case_id": public_id}
    return render(request, "counselor/action_plan.html", context)


@require_GET
@login_required
@audited(AuditAction.EXPORT, "action_plan", purpose="written action plan PDF", **BUILDER)
def action_plan_pdf_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    version, _context, document = _document(request, public_id)
    created = version.saved_at.date() if version.saved_at else date.today()
    pdf = action_plan_pdf(document, created=created)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"action-plan-v{version.number}-{document.language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Document-SHA256"] = document.sha256
    return response
