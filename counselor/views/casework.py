"""Casework on the case page: status changes with a reason, follow-up tasks, secure
messages and the verification re-run. Thin views over ``case_services``; counselors and
supervisors only (everyone else, and unknown cases, 404); every view is audited.

A refused form re-renders the case page with what was typed and the reason (400, or 409
when someone saved first), so nothing typed is lost."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from counselor.services.case import (
    case_message_send,
    case_status_change,
    case_task_add,
    case_task_complete,
    case_verification_rerun,
)
from counselor.views.case import CASE, _case_application, _case_page
from counselor.errors import CaseConflict, CaseError
from intake.models import Application
from intake.services.casework import StatusChangeConflict, StatusChangeRefused
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("case_version", "")
    return int(raw) if raw.isdigit() else -1


def _refused(
    request: HttpRequest,
    application: Any,
    form: str,
    typed: dict[str, str],
    error: Any,
    status: int,
) -> HttpResponse:
    extra = {f"{form}_form": {**typed, "error": str(error)}}
    if isinstance(error, CaseConflict):
        extra[f"{form}_form"]["changes"] = error.changes
    return _case_page(request, application, status=status, extra=extra)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "application_status", purpose="case status change", **CASE)
def case_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Moves the case to one of its allowed next statuses, with a reason (and, closing, a
    close reason)."""
    application = _case_application(request, public_id)
    typed = {k: request.POST.get(k, "") for k in ("status", "reason", "close_reason")}
    seen = request.POST.get("from_status", "")
    if seen in Application.Status.values:
        # The status the page showed: the intake's UPDATE is conditional on it, so a change
        # made since (by a colleague or the consumer) is a conflict, not a silent move.
        application.status = seen
    try:
        case_status_change(
            application=application,
            status=typed["status"],
            reason=typed["reason"],
            close_reason=typed["close_reason"] or None,
            expected_version=_version(request),
            actor=request.user,
            request=request,
        )
    except (CaseConflict, StatusChangeConflict) as exc:
        return _refused(request, application, "status", typed, exc, 409)
    except (CaseError, StatusChangeRefused) as exc:
        return _refused(request, application, "status", typed, exc, 400)
    messages.success(request, "Status changed.")
    return redirect("counselor:case", public_id=public_id)


def _assignee(request: HttpRequest, raw: str) -> Any:
    if raw == "me":
        return request.user
    if raw.isdigit():
        user = get_user_model().objects.filter(pk=int(raw)).first()
        if user is None:
            raise CaseError("No such colleague.")
        return user
    return None


@require_POST
@login_required
@audited(AuditAction.CREATE, "case_task", purpose="case follow-up", **CASE)
def case_task(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Adds a follow-up task (title, due date, assignee: me, a colleague or nobody)."""
    application = _case_application(request, public_id)
    typed = {k: request.POST.get(k, "") for k in ("title", "due_date", "assignee")}
    try:
        try:
            due = date.fromisoformat(typed["due_date"]) if typed["due_date"] else None
        except ValueError:
            raise CaseError("Give the due date as YYYY-MM-DD.") from None
        case_task_add(
            application=application,
            title=typed["title"],
            due_date=due,
            assignee=_assignee(request, typed["assignee"]),
            expected_version=_version(request),
            actor=request.user,
            request=request,
        )
    except CaseConflict as exc:
        return _refused(request, application, "task", typed, exc, 409)
    except CaseError as exc:
        return _refused(request, application, "task", typed, exc, 400)
    messages.success(request, "Task added.")
    return redirect("counselor:case", public_id=public_id)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "case_task", purpose="case follow-up done", id_kwarg="task_id", **CASE)
def case_task_done(request: HttpRequest, public_id: UUID, task_id: UUID) -> HttpResponse:
    """Marks one of the case's open tasks done (an unknown task is a 404)."""
    application = _case_application(request, public_id)
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
    return redirect("counselor:case", public_id=public_id)


@require_POST
@login_required
@audited(AuditAction.CREATE, "message", purpose="secure message to the consumer", **CASE)
def case_message(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A secure message to the consumer on the case's thread."""
    application = _case_application(request, public_id)
    typed = {"body": request.POST.get("body", "")}
    try:
        case_message_send(
            application=application, body=typed["body"], actor=request.user, request=request
        )
    except CaseError as exc:
        return _refused(request, application, "message", typed, exc, 400)
    messages.success(request, "Message sent.")
    return redirect("counselor:case", public_id=public_id)


@require_POST
@login_required
@audited(AuditAction.UPDATE, "verification", purpose="verification re-run", **CASE)
def case_verification_rerun_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Re-run verification" after a failed bureau pull."""
    application = _case_application(request, public_id)
    if case_verification_rerun(application=application, actor=request.user, request=request):
        messages.success(request, "Verification is running again.")
    else:
        messages.error(request, "Nothing to re-run: no verification step failed.")
    return redirect("counselor:case", public_id=public_id)
