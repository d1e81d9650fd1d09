"""The counselor queue and case assignment. Thin views: reads in ``case_selectors``,
writes in ``case_services``. Anyone but counselors and supervisors gets a 404."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselor.forms.queue import STATUSES, QueueFilterForm, QueueSearchForm
from counselor.selectors.queue import case_view, case_workers, queue_page, queue_search_index
from counselor.services.case import case_assign, case_note_save, case_offer_send
from counselor.selectors.dashboard import supervisor_dashboard
from counselor.errors import CaseConflict, CaseError, ProposalError
from counselor.models import Proposal, ProposalVersion
from counselor.permissions import can_build_plans
from counselor.selectors.terms import proposal_for_case, proposal_version_get, proposal_version_latest
from counselor.services.proposals import proposal_start_from_case
from counselor.views.proposals import plan_document
from intake.models import Application, Document
from intake.selectors import household_of
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.roles import CASEWORK_ROLES, Role, has_role
from tenants.signin import require_recent_auth
from tenants.uploads.errors import StoredFileUnavailable
from tenants.uploads.responses import stored_file_response
from tenants.uploads.services import stored_file_open

CASE = {"acting_as": CASEWORK_ROLES, "case_kwarg": "public_id"}


def _staff_only(request: HttpRequest) -> None:
    if not can_build_plans(request.user):
        raise Http404("No such page")


def _case_application(request: HttpRequest, public_id: UUID) -> Application:
    """The sent application for counselors and supervisors; a 404 for anyone else."""
    _staff_only(request)
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(public_id=public_id)
        .first()
    )
    if application is None:
        raise Http404("No such case")
    return application


@require_GET
@login_required
@audited(AuditAction.READ, "case_queue", acting_as=CASEWORK_ROLES, purpose="counselor queue")
def queue(request: HttpRequest) -> HttpResponse:
    """One page of a tab, with the filters, sort and blind-index search of the URL."""
    _staff_only(request)
    form = QueueFilterForm(request.GET)
    page = queue_page(
        user=request.user,
        tab=str(form.value("tab", "mine")),
        filters=form.filters(),
        sort=form.sort_key,
        page=int(form.value("page", 1)),  # type: ignore[call-overload]
    )
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "form": form,
        "search": QueueSearchForm(),
        "statuses": STATUSES,
        "workers": list(case_workers()),
        "keep": urlencode(keep),
        "keep_no_tab": urlencode({k: v for k, v in keep.items() if k != "tab"}),
    }
    return render(request, "counselor/queue.html", context)


@require_POST
@login_required
@audited(AuditAction.READ, "case_search", acting_as=CASEWORK_ROLES, purpose="counselor search")
def queue_search(request: HttpRequest) -> HttpResponse:
    """A search typed by a counselor, turned into a blind index for the queue's URL (what
    was typed never reaches a URL or a log). Rate limited (group "search")."""
    _staff_only(request)
    search = QueueSearchForm(request.POST)
    params = {"tab": request.POST.get("tab", "")}
    if search.is_valid():
        data = search.cleaned_data
        try:
            index = queue_search_index(
                kind=data["kind"], value=data["value"], last_name=data["last_name"]
            )
        except ValueError:
            messages.error(request, "That cannot match anyone: check what you typed.")
        else:
            params["find"] = f"{data['kind']}:{index}"
    return redirect(f"{reverse('counselor:queue')}?{urlencode(params)}")


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_assignment", purpose="case assignment", **CASE)
def case_assign_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Assigns the case to me (``assignee=me``), a colleague (user id) or nobody (empty)."""
    application = _case_application(request, public_id)
    raw = request.POST.get("assignee", "")
    if raw == "me":
        assignee = request.user
    elif raw.isdigit():
        assignee = get_user_model().objects.filter(pk=int(raw)).first()
        if assignee is None:
            raise Http404("No such colleague")
    else:
        assignee = None
    try:
        case_assign(application=application, assignee=assignee, actor=request.user, request=request)
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Case assigned." if assignee else "Case unassigned.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("counselor:queue")


@require_GET
@login_required
@audited(AuditAction.READ, "application", purpose="counseling review", **CASE)
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The case: household (SSN masked), income, expenses, debts, documents, consents,
    the engine's budget analysis, verification, assignment and offers."""
    return _case_page(request, _case_application(request, public_id))


def _case_page(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    conflict: CaseConflict | None = None,
    typed: str = "",
    extra: dict | None = None,
) -> HttpResponse:
    """The case page; ``extra`` is a refused form's context (its typed values and error,
    see ``case_work_views``)."""
    view = case_view(application=application)
    context = {
        "case": view,
        "application": view.application,
        "household": view.household,
        "workers": list(case_workers()),
        "conflict": conflict,
        "typed": typed,
        **(extra or {}),
    }
    return render(request, "counselor/case.html", context, status=status)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_note", purpose="case notes", **CASE)
def case_note(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Adds a note, or a new version of one (``note_id``); a stale case version is a 409
    page listing what was saved meanwhile, with the typed text kept."""
    application = _case_application(request, public_id)
    body = request.POST.get("body", "")
    expected = request.POST.get("case_version", "")
    note_id = request.POST.get("note_id", "")
    try:
        case_note_save(
            application=application,
            body=body,
            actor=request.user,
            request=request,
            expected_version=int(expected) if expected.isdigit() else -1,
            note_id=UUID(note_id) if note_id else None,
        )
    except CaseConflict as conflict:
        return _case_page(request, application, status=409, conflict=conflict, typed=body)
    except (CaseError, ValueError) as exc:
        messages.error(request, str(exc) if isinstance(exc, CaseError) else "Unknown note.")
    else:
        messages.success(request, "Note saved.")
    return redirect("counselor:case", public_id=public_id)


@require_GET
@login_required
@audited(AuditAction.READ, "ssn", purpose="SSN reveal for counseling review", **CASE)
def case_ssn_reveal(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The full SSN, after a recent sign-in (an unknown case is a 404 before the step-up)."""
    return _ssn_reveal(request, application=_case_application(request, public_id))


@require_recent_auth()
def _ssn_reveal(request: HttpRequest, *, application: Application) -> HttpResponse:
    household = household_of(application)
    if household is None or not household.ssn:
        raise Http404("No SSN on this case")
    context = {"application": application, "household": household}
    return render(request, "counselor/ssn_reveal.html", context)


@require_GET
@login_required
@audited(
    AuditAction.EXPORT,
    "document",
    purpose="document download for counseling review",
    id_kwarg="document_id",
    **CASE,
)
def case_document_download(
    request: HttpRequest, public_id: UUID, document_id: UUID
) -> HttpResponse:
    """A consumer's document as an attachment, after a recent sign-in."""
    application = _case_application(request, public_id)
    document = (
        Document.objects.filter(application=application, public_id=document_id)
        .select_related("stored_file")
        .first()
    )
    if document is None or document.stored_file is None:
        raise Http404("No such document")
    return _document_download(request, document=document)


@require_recent_auth()
def _document_download(request: HttpRequest, *, document: Document) -> HttpResponse:
    try:
        opened = stored_file_open(
            stored_file=document.stored_file,
            actor=request.user,
            role=audit_role_for(request.user, CASEWORK_ROLES),
            purpose="document download for counseling review",
            request=request,
        )
    except StoredFileUnavailable as exc:
        messages.error(request, str(exc.message))
        return redirect("counselor:case", public_id=document.application.public_id)
    return stored_file_response(opened=opened)


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.CREATE, "plan_offer", purpose="plan offer sent", **CASE)
def case_offer_send_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Sends the latest (or the posted ``version``) saved proposal as an offer; needs a
    recent sign-in (an unknown case or a case without a proposal is a 404 before it).

    GET is where the step-up returns after signing in again: the browser cannot replay
    the POST, so the counselor lands on the case with the send button in view."""
    application = _case_application(request, public_id)
    if request.method == "GET":
        messages.info(request, "You signed in again. Press “Send” once more to send the offer.")
        return redirect("counselor:case", public_id=application.public_id)
    proposal = proposal_for_case(case_id=application.public_id)
    if proposal is None or proposal.version == 0:
        raise Http404("No saved proposal")
    number = request.POST.get("version", "")
    version = (
        proposal_version_get(proposal=proposal, number=int(number))
        if number.isdigit()
        else proposal_version_latest(proposal=proposal)
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


@require_GET
@login_required
def supervisor_dashboard_view(request: HttpRequest) -> HttpResponse:
    """Supervisors only (everyone else 404): aggregate figures with drill-down links."""
    if not has_role(request.user, Role.SUPERVISOR):
        raise Http404("No such page")
    context = {"dashboard": supervisor_dashboard(), "queue": reverse("counselor:queue")}
    return render(request, "counselor/supervisor.html", context)


@require_POST
@login_required
@audited(AuditAction.CREATE, "proposal", purpose="DMP proposal started from the case", **CASE)
def case_plan_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The "Build a plan" button: the case's proposal from its own debts, budget and the agency's
    creditor terms (or the existing one), then the builder."""
    application = _case_application(request, public_id)
    try:
        _proposal, created = proposal_start_from_case(
            application=application, actor=request.user, request=request
        )
    except ProposalError as exc:
        messages.error(request, str(exc))
        return redirect("counselor:case", public_id=public_id)
    if created:
        messages.success(request, "Proposal started from the case's debts and budget.")
    return redirect("counselor:builder", public_id=public_id)
