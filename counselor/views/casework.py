"""Casework on the case page: status changes with a reason, follow-up tasks, secure
messages and the verification re-run. Thin views over ``services.casework``; counselors and
supervisors only (everyone else, and unknown cases, 404); every view is audited.

A refused form re-renders the case page with what was typed and the reason (400, or 409
when someone saved first), so nothing typed is lost."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from counselor.errors import CaseConflict, CaseError
from counselor.forms.casework import CaseworkForm, MessageForm, StatusForm, TaskForm
from counselor.selectors.case import DEFAULT_SECTION
from counselor.services.casework import (
    case_message_send,
    case_status_change,
    case_task_add,
    case_task_complete,
    case_verification_rerun,
)
from counselor.views.common import CASE, case_page, case_redirect, get_case_for
from intake.models import Application
from intake.services.casework import StatusChangeConflict, StatusChangeRefused
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction

# The section each casework form lives in (the status form is above every section).
FORM_SECTIONS = {"status": DEFAULT_SECTION, "task": "notes-and-tasks", "message": "messages"}


def _refused(
    request: HttpRequest,
    application: Application,
    name: str,
    form: CaseworkForm,
    error: Exception | str,
    status: int,
) -> HttpResponse:
    """The case page again, with the ``name`` form's section open, its typed values and
    the refusal."""
    shown: dict[str, object] = {**form.typed(), "error": str(error)}
    if isinstance(error, CaseConflict):
        shown["changes"] = error.changes
    return case_page(
        request,
        application,
        section=FORM_SECTIONS[name],
        status=status,
        extra={f"{name}_form": shown},
    )


@require_POST
@login_required
@audited(AuditAction.UPDATE, "application_status", purpose="case status change", **CASE)
def case_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Moves the case to one of its allowed next statuses, with a reason (and, closing, a
    close reason)."""
    application = get_case_for(request, public_id)
    form = StatusForm(request.POST)
    form.is_valid()  # every field converts; the service says what it refuses
    data = form.cleaned_data
    if data.get("from_status", ""):
        # The status the page showed: the intake's UPDATE is conditional on it, so a change
        # made since (by a colleague or the consumer) is a conflict, not a silent move.
        application.status = data.get("from_status", "")
    try:
        case_status_change(
            application=application,
            status=data.get("status", ""),
            reason=data.get("reason", ""),
            close_reason=data.get("close_reason", "") or None,
            expected_version=data.get("case_version", -1),
            actor=request.user,
            request=request,
        )
    except (CaseConflict, StatusChangeConflict) as exc:
        return _refused(request, application, "status", form, exc, 409)
    except (CaseError, StatusChangeRefused) as exc:
        return _refused(request, application, "status", form, exc, 400)
    messages.success(request, "Status changed.")
    return case_redirect(public_id)


@require_POST
@login_required
@audited(AuditAction.CREATE, "case_task", purpose="case follow-up", **CASE)
def case_task(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Adds a follow-up task (title, due date, assignee: me, a colleague or nobody)."""
    application = get_case_for(request, public_id)
    form = TaskForm(request.POST, user=request.user)
    if not form.is_valid():
        return _refused(request, application, "task", form, form.first_error(), 400)
    data = form.cleaned_data
    try:
        case_task_add(
            application=application,
            title=data["title"],
            due_date=data["due_date"],
            assignee=data["assignee"],
            expected_version=data["case_version"],
            actor=request.user,
            request=request,
        )
    except CaseConflict as exc:
        return _refused(request, application, "task", form, exc, 409)
    except CaseError as exc:
        return _refused(request, application, "task", form, exc, 400)
    messages.success(request, "Task added.")
    return case_redirect(public_id, FORM_SECTIONS["task"])


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_task", purpose="case follow-up done", id_kwarg="task_id", **CASE)
def case_task_done(request: HttpRequest, public_id: UUID, task_id: UUID) -> HttpResponse:
    """Marks one of the case's open tasks done (an unknown task is a 404)."""
    application = get_case_for(request, public_id)
    if not application.case_tasks.filter(public_id=task_id).exists():
        raise Http404("No such task")
    try:
        case_task_complete(
            application=application, task_id=task_id, actor=request.user, request=request
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Task done.")
    return case_redirect(public_id, FORM_SECTIONS["task"])


@require_POST
@login_required
@audited(AuditAction.CREATE, "message", purpose="secure message to the consumer", **CASE)
def case_message(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A secure message to the consumer on the case's thread."""
    application = get_case_for(request, public_id)
    form = MessageForm(request.POST)
    form.is_valid()  # the body is free text; the service refuses an empty one
    try:
        case_message_send(
            application=application,
            body=form.cleaned_data.get("body", ""),
            actor=request.user,
            request=request,
        )
    except CaseError as exc:
        return _refused(request, application, "message", form, exc, 400)
    messages.success(request, "Message sent.")
    return case_redirect(public_id, FORM_SECTIONS["message"])


@require_POST
@login_required
@audited(AuditAction.UPDATE, "verification", purpose="verification re-run", **CASE)
def case_verification_rerun_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Re-run verification" after a failed bureau pull."""
    application = get_case_for(request, public_id)
    if case_verification_rerun(application=application, actor=request.user, request=request):
        messages.success(request, "Verification is running again.")
    else:
        messages.error(request, "Nothing to re-run: no verification step failed.")
    return case_redirect(public_id, "verification")
