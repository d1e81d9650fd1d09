"""The DMP builder: start a case's proposal, recompute with the counselor's choices, save
a version. Thin views: the numbers come from ``services.proposals`` (the engine); the
templates only format them. Anyone else gets the same 404 as for an unknown case."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from counselor.engine.snapshots import Json
from counselor.errors import ProposalConflict, ProposalError
from counselor.forms.proposals import BuilderForm
from counselor.models import PlanOutcome, Proposal
from counselor.selectors.proposals import proposal_version_latest
from counselor.services.action_plan import builder_chart
from counselor.services.proposals import (
    proposal_build_from,
    proposal_debt_add_from_report,
    proposal_report_debts,
    proposal_save,
    proposal_start_from_case,
)
from counselor.views.common import CASE, case_redirect, get_case_for, get_proposal_for
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction


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
        "report_debts": []
        if request.htmx
        else proposal_report_debts(application=proposal.case, inputs=inputs),
        "form": form,
        "result": result,
        "error": error,
        "chart": builder_chart(result) if result else None,
        "outcome_label": PlanOutcome(str(result.assessment.outcome)).label if result else "",
        "conflict": conflict,
    }
    template = "counselor/partials/_builder_results.html" if request.htmx else None
    return render(request, template or "counselor/builder.html", context, status=status)


@require_POST
@login_required
@audited(AuditAction.CREATE, "proposal", purpose="DMP proposal started from the case", **CASE)
def case_plan_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The "Build a plan" button: the case's proposal from its own debts, budget and the agency's
    creditor terms (or the existing one), then the builder."""
    application = get_case_for(request, public_id)
    try:
        _proposal, created = proposal_start_from_case(
            application=application, actor=request.user, request=request
        )
    except ProposalError as exc:
        messages.error(request, str(exc))
        return case_redirect(public_id, "plans")
    if created:
        messages.success(request, "Proposal started from the case's debts and budget.")
    return redirect("counselor:builder", public_id=public_id)


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.READ, "proposal", purpose="DMP builder", **CASE)
def builder(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET: the latest version. POST: recompute with the form's choices (nothing saved)."""
    proposal = get_proposal_for(request, public_id)
    latest = proposal_version_latest(proposal=proposal)
    form = BuilderForm(request.POST or None, inputs=latest.inputs, version=proposal.version)
    inputs = form.new_inputs() if request.method == "POST" and form.is_valid() else latest.inputs
    return _builder_response(request, proposal, form, inputs)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "proposal", purpose="DMP proposal saved", **CASE)
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


@require_POST
@login_required
@audited(AuditAction.UPDATE, "proposal", purpose="debt added from the credit report", **CASE)
def builder_add_report_debt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Add to plan" on a debt found only on the credit report: the next version with it."""
    proposal = get_proposal_for(request, public_id)
    version = request.POST.get("version", "")
    try:
        proposal_debt_add_from_report(
            proposal=proposal,
            application=proposal.case,
            key=request.POST.get("key", ""),
            expected_version=int(version) if version.isdigit() else 0,
            actor=request.user,
            request=request,
        )
    except ProposalConflict as conflict:
        messages.error(request, f"Not added: {conflict}")
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Debt added from the credit report; figures updated.")
    return redirect(f"{reverse('counselor:builder', kwargs={'public_id': public_id})}#debts")
