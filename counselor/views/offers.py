"""Sending a saved proposal to the consumer as the offer, from the case page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from counselor.errors import CaseError
from counselor.forms.offers import OfferExceptionForm, OfferForm
from counselor.models import ProposalVersion
from counselor.permissions import can_approve_offer_exceptions
from counselor.selectors.proposals import (
    proposal_for_case,
    proposal_version_get,
    proposal_version_latest,
)
from counselor.services.offers import case_offer_send, offer_exception_approve
from counselor.views.common import CASE, EXCEPTION_TYPED, case_redirect, get_case_for
from intake.models import Application
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.signin import require_recent_auth


def _posted_version(application: Application, form: OfferForm) -> ProposalVersion:
    """The posted ``version`` of the case's proposal (the latest when none is given); a
    case without a saved proposal, or an unknown version, is a 404."""
    proposal = proposal_for_case(case_id=application.public_id)
    if proposal is None or proposal.version == 0:
        raise Http404("No saved proposal")
    form.is_valid()
    number = form.cleaned_data.get("version")
    version = (
        proposal_version_latest(proposal=proposal)
        if number is None
        else proposal_version_get(proposal=proposal, number=number)
    )
    if version is None:
        raise Http404("No such version")
    return version


def _back_from_step_up(
    request: HttpRequest, application: Application, what: str, purpose: str
) -> HttpResponse:
    """Where the step-up returns (a GET: the browser cannot replay the POST): the case's
    Plans section."""
    messages.info(request, f"You signed in again. Press “{what}” once more to {purpose}.")
    return case_redirect(application.public_id, "plans")


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
        return _back_from_step_up(request, application, "Send", "send the offer")
    version = _posted_version(application, OfferForm(request.POST))
    return _offer_send(request, application=application, version=version)


@require_recent_auth()
def _offer_send(
    request: HttpRequest,
    *,
    application: Application,
    version: ProposalVersion,
) -> HttpResponse:
    try:
        case_offer_send(
            application=application,
            version=version,
            actor=request.user,
            request=request,
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Offer sent: proposal version {version.number}.")
    return case_redirect(application.public_id, "plans")


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.CREATE, "offer_exception", purpose="offer exception", **CASE)
def case_offer_exception_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A supervisor approves sending a version the offer rule refuses, with a written
    reason; needs a recent sign-in. A counselor is refused (403, audited as denied).

    The typed reason stays in the session until the approval succeeds: after the step-up
    (or a refusal) the case page shows it again in the form."""
    application = get_case_for(request, public_id)
    if not can_approve_offer_exceptions(request.user):
        raise PermissionDenied("Only a supervisor can approve an exception.")
    if request.method == "GET":
        return _back_from_step_up(request, application, "Approve", "approve the exception")
    form = OfferExceptionForm(request.POST)
    version = _posted_version(application, form)
    request.session[EXCEPTION_TYPED] = {
        "case": str(application.public_id),
        "version": version.number,
        "reason": form.cleaned_data["reason"],
    }
    return _exception_approve(
        request, application=application, version=version, reason=form.cleaned_data["reason"]
    )


@require_recent_auth()
def _exception_approve(
    request: HttpRequest, *, application: Application, version: ProposalVersion, reason: str
) -> HttpResponse:
    try:
        offer_exception_approve(version=version, reason=reason, actor=request.user, request=request)
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        request.session.pop(EXCEPTION_TYPED, None)
        messages.success(
            request,
            f"Exception approved for proposal version {version.number}: the counselor can send"
            " it now.",
        )
    return case_redirect(application.public_id, "plans")
