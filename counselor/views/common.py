"""What the counselor views share: who may see a case, the case and proposal look-ups (a 404
for anyone else, as for an unknown case), and the case page itself (the summary and one open
section), which casework views render again with a refused form."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from counselor.errors import CaseConflict
from counselor.models import Proposal, ProposalVersion
from counselor.permissions import (
    can_approve_offer_exceptions,
    can_build_plans,
    case_visible_q,
)
from counselor.selectors.case import (
    DEFAULT_SECTION,
    SECTIONS,
    case_section,
    case_summary,
    case_workers_shown,
)
from counselor.selectors.proposals import proposal_for_case
from counselor.services.casework import case_messages_read
from intake.models import Application
from tenants.roles import CASEWORK_ROLES, Role, has_role

# The label the section navigation gives each section (``selectors.case.SECTIONS``, whose
# order the page follows); a section whose title says more has it in SECTION_TITLES.
SECTION_LABELS = {
    "budget": "Budget",
    "verification": "Verification",
    "debts": "Debts",
    "documents": "Documents",
    "notes-and-tasks": "Notes and tasks",
    "messages": "Messages",
    "plans": "Plans",
    "history": "History",
}
SECTION_TITLES = {"documents": "Documents and consents", "plans": "Plans and offers"}
# Session: the exception reason a supervisor typed and that is not approved yet, so that
# the step-up (the browser cannot replay the POST) or a refusal does not make her type it
# again: {"case": public id, "version": number, "reason": text}.
EXCEPTION_TYPED = "cg_offer_exception_typed"
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


def case_url(public_id: UUID | str, section: str = DEFAULT_SECTION) -> str:
    """The case page with ``section`` open (the default section needs no query string)."""
    url = reverse("counselor:case", kwargs={"public_id": public_id})
    return url if section == DEFAULT_SECTION else f"{url}?section={section}"


def case_redirect(public_id: UUID | str, section: str = DEFAULT_SECTION) -> HttpResponse:
    """Back to the case page with ``section`` open (where the form that was sent lives)."""
    return redirect(case_url(public_id, section))


def case_section_context(
    request: HttpRequest, application: Application, section: str
) -> dict[str, Any]:
    """The summary and the open section's parts. Opening Messages stamps the consumer's
    messages read (``case_messages_read``: they leave the unread counts) before the
    summary counts them."""
    if section == "messages":
        case_messages_read(application=application)
    case = case_summary(application=application)
    opened = case_section(case=case, section=section)
    return {
        "case": case,
        "application": case.application,
        "household": case.household,
        "section": section,
        "section_title": SECTION_TITLES.get(section, SECTION_LABELS[section]),
        "case_sections": [
            (name, SECTION_LABELS[name], case_url(case.application.public_id, name))
            for name in SECTIONS
        ],
        "may_review_audit": has_role(request.user, Role.SUPERVISOR, Role.AGENCY_ADMIN),
        "may_approve_exceptions": can_approve_offer_exceptions(request.user),
        "workers": case_workers_shown(),  # kept per process
        **opened,
        "exception_reason": _exception_reason_typed(request, application, opened.get("latest")),
    }


def case_page(
    request: HttpRequest,
    application: Application,
    *,
    section: str = DEFAULT_SECTION,
    status: int = 200,
    conflict: CaseConflict | None = None,
    typed: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The case page with ``section`` open; ``extra`` is a refused form's context (what
    was typed and why it was refused, see ``views.casework``)."""
    context = {
        **case_section_context(request, application, section),
        "conflict": conflict,
        "typed": typed,
        **(extra or {}),
    }
    return render(request, "counselor/case.html", context, status=status)


def _exception_reason_typed(
    request: HttpRequest, application: Application, version: ProposalVersion | None
) -> str:
    """The reason this person typed for an exception on this case's ``version``, or ""."""
    typed = request.session.get(EXCEPTION_TYPED) or {}
    if version is None or typed.get("case") != str(application.public_id):
        return ""
    return typed.get("reason", "") if typed.get("version") == version.number else ""
