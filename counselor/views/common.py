"""What the counselor views share: who may see a case, the case and proposal look-ups (a 404
for anyone else, as for an unknown case), and the case page itself, which casework views
render again with a refused form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from counselor.errors import CaseConflict
from counselor.models import Proposal, ProposalVersion
from counselor.permissions import (
    can_approve_offer_exceptions,
    can_build_plans,
    case_visible_q,
)
from counselor.selectors.case import case_view, case_workers_shown
from counselor.selectors.proposals import proposal_for_case, proposal_version_latest
from counselor.services.offers import offer_rule
from intake.models import Application
from tenants.roles import CASEWORK_ROLES, Role, has_role

# The case page's sections, in page order, for the summary's jump links.
CASE_SECTIONS = (
    ("budget", "Budget"),
    ("verification", "Verification"),
    ("debts", "Debts"),
    ("documents", "Documents"),
    ("notes-and-tasks", "Notes and tasks"),
    ("messages", "Messages"),
    ("plans", "Plans"),
    ("history", "History"),
)
# The @audited arguments of every view of one case: acting as a counselor or supervisor.
CASE = {"acting_as": CASEWORK_ROLES, "case_kwarg": "public_id"}


def staff_only(request: HttpRequest) -> None:
    """Anyone but counselors and supervisors gets the same 404 as for an unknown page."""
    if not can_build_plans(request.user):
        raise Http404("No such page")


def get_case_for(request: HttpRequest, public_id: UUID) -> Application:
    """The sent application for counselors and supervisors; a 404 for anyone else, and
    for a counselor on a colleague's case (need to know: ``case_visible_q``)."""
    staff_only(request)
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(case_visible_q(request.user), public_id=public_id)
        .first()
    )
    if application is None:
        raise Http404("No such case")
    return application


def get_proposal_for(request: HttpRequest, public_id: UUID) -> Proposal:
    """The case's proposal if the user may build plans; 404 otherwise (no hint either way)."""
    if not can_build_plans(request.user):
        raise Http404("No such case")
    proposal = proposal_for_case(
        case_id=public_id, visible=case_visible_q(request.user, via="case__")
    )
    if proposal is None:
        raise Http404("No such case")
    return proposal


def case_page(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    conflict: CaseConflict | None = None,
    typed: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page; ``extra`` is a refused form's context (what was typed and why it was
    refused, see ``views.casework``)."""
    view = case_view(application=application)
    latest = _latest(view.proposal)
    context = {
        "offer_rule": offer_rule(latest) if latest else None,
        "latest_outcome": latest.get_outcome_display() if latest else "",
        "case_sections": CASE_SECTIONS,
        "may_review_audit": has_role(request.user, Role.SUPERVISOR, Role.AGENCY_ADMIN),
        "may_approve_exceptions": can_approve_offer_exceptions(request.user),
        "case": view,
        "application": view.application,
        "household": view.household,
        "workers": case_workers_shown(),
        "conflict": conflict,
        "typed": typed,
        **(extra or {}),
    }
    return render(request, "counselor/case.html", context, status=status)


def _latest(proposal: Proposal | None) -> ProposalVersion | None:
    """The latest saved version: what the send button would send, and the eligibility
    outcome the summary shows."""
    return proposal_version_latest(proposal=proposal) if proposal and proposal.version else None
