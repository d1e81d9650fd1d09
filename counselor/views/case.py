"""The case page and what is done from its header: assignment, notes, the SSN reveal and
document downloads. Thin views: reads in ``selectors.case``, writes in ``services.case``.
Anyone but counselors and supervisors gets a 404."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from counselor.errors import CaseConflict, CaseError
from counselor.forms.case import AssignForm, NoteForm
from counselor.selectors.case import DEFAULT_SECTION, SECTIONS
from counselor.services.case import case_assign, case_note_save
from counselor.views.common import (
    CASE,
    case_page,
    case_redirect,
    case_section_context,
    get_case_for,
)
from intake.models import Application, Document
from intake.selectors import household_of
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.roles import CASEWORK_ROLES
from tenants.signin import require_recent_auth
from tenants.uploads.errors import StoredFileUnavailable
from tenants.uploads.responses import stored_file_response
from tenants.uploads.services import stored_file_open

NOTES = "notes-and-tasks"  # the section where notes are written


@require_GET
@login_required
@audited(AuditAction.READ, "application", purpose="counseling review", **CASE)
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The case: its summary, assignment and status, and one section (``?section=``,
    Budget by default and for a name it does not know)."""
    application = get_case_for(request, public_id)
    section = request.GET.get("section", "")
    return case_page(
        request, application, section=section if section in SECTIONS else DEFAULT_SECTION
    )


@require_GET
@login_required
@audited(AuditAction.READ, "application", purpose="counseling review", **CASE)
def case_section_view(request: HttpRequest, public_id: UUID, section: str) -> HttpResponse:
    """One section of the case, for the case page's panel (htmx), with the section
    navigation marking it open; an unknown section is a 404."""
    application = get_case_for(request, public_id)
    if section not in SECTIONS:
        raise Http404("No such section")
    context = case_section_context(request, application, section)
    return render(request, "counselor/partials/_case_section.html", context)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_assignment", purpose="case assignment", **CASE)
def case_assign_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Assigns the case to me (``assignee=me``), a colleague (user id) or nobody (empty)."""
    application = get_case_for(request, public_id)
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404("No such colleague")
    assignee = form.cleaned_data["assignee"]
    try:
        case_assign(application=application, assignee=assignee, actor=request.user, request=request)
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Case assigned." if assignee else "Case unassigned.")
    back = form.cleaned_data["next"]
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("counselor:queue")


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_note", purpose="case notes", **CASE)
def case_note(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Adds a note, or a new version of one (``note_id``); a stale case version is a 409
    page listing what was saved meanwhile, with the typed text kept."""
    application = get_case_for(request, public_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown note.")
        return case_redirect(public_id, NOTES)
    body = form.cleaned_data["body"]
    try:
        case_note_save(
            application=application,
            body=body,
            actor=request.user,
            request=request,
            expected_version=form.cleaned_data["case_version"],
            note_id=form.cleaned_data["note_id"],
        )
    except CaseConflict as conflict:
        return case_page(
            request, application, section=NOTES, status=409, conflict=conflict, typed=body
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Note saved.")
    return case_redirect(public_id, NOTES)


@require_GET
@login_required
@audited(AuditAction.READ, "ssn", purpose="SSN reveal for counseling review", **CASE)
def case_ssn_reveal(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The full SSN, after a recent sign-in (an unknown case is a 404 before the step-up)."""
    return _ssn_reveal(request, application=get_case_for(request, public_id))


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
    application = get_case_for(request, public_id)
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
        return case_redirect(document.application.public_id, "documents")
    return stored_file_response(opened=opened)
