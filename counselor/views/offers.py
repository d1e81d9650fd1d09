"""Sending a saved proposal to the consumer as the offer, from the case page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from counselor.errors import CaseError
from counselor.forms.offers import OfferForm
from counselor.models import Proposal, ProposalVersion
from counselor.selectors.proposals import (
    proposal_for_case,
    proposal_version_get,
    proposal_version_latest,
)
from counselor.services.action_plan import plan_document
from counselor.services.offers import case_offer_send
from counselor.views.common import CASE, get_case_for
from intake.models import Application
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.signin import require_recent_auth


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.CREATE, "plan_offer", purpose="plan offer sent", **CASE)
def case_offer_send_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Sends the latest (or the posted ``version``) saved proposal as an offer; needs a
    recent sign-in (an unknown case or a case without a proposal is a 404 before it).

    GET is where the step-up returns after signing in again: the browser cannot replay
    the POST, so the counselor lands on the case with the send button in view."""
    application = get_case_for(request, public_id)
    if request.method == "GET":
        messages.info(request, "You signed in again. Press “Send” once more to send the offer.")
        return redirect("counselor:case", public_id=application.public_id)
    proposal = proposal_for_case(case_id=application.public_id)
    if proposal is None or proposal.version == 0:
        raise Http404("No saved proposal")
    form = OfferForm(request.POST)
    form.is_valid()
    number = form.cleaned_data.get("version")
    version = (
        proposal_version_latest(proposal=proposal)
        if number is None
        else proposal_version_get(proposal=proposal, number=number)
    )
    if version is None:
        raise Http404("No such version")
    return _offer_send(request, application=application, proposal=proposal, version=version)


@require_recent_auth()
def _offer_send(
    request: HttpRequest,
    *,
    application: Application,
    proposal: Proposal,
    version: ProposalVersion,
) -> HttpResponse:
    _context, document = plan_document(proposal=proposal, version=version)
    try:
        case_offer_send(
            application=application,
            version=version,
            document=document,
            actor=request.user,
            request=request,
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Offer sent: proposal version {version.number}.")
    return redirect("counselor:case", public_id=application.public_id)
