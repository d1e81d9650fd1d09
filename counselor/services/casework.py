"""Casework on the case page: status changes with a reason, follow-up tasks, secure messages and
the verification re-run. Each is audited; each raises the case version like a note."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselor.errors import CaseError
from counselor.models import CaseAssignment, CaseStatusNote, CaseTask
from counselor.selectors.case import case_workers
from counselor.services.case import case_version_raise
from intake.models import Application, Message
from intake.services import message_post
from intake.services.casework import application_status_change
from intake.services.verification import verification_rerun
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import CASEWORK_ROLES


def case_status_change(
    *,
    application: Application,
    status: str,
    reason: str,
    expected_version: int,
    actor: Any,
    close_reason: str | None = None,
    request: HttpRequest | None = None,
) -> CaseStatusNote:
    """Moves the case to ``status`` with the counselor's reason (and, closing, a close
    reason from the closed list), through the intake's ``application_status_change``.

    One transaction: the case version is raised first (a stale ``expected_version`` is
    CaseConflict, like notes); then the intake's service (allowed transitions only,
    conditional UPDATE on the status the page showed, timeline row, its audit event, the
    ``closed`` analytics event); then the reason, encrypted, in a CaseStatusNote. Any refusal
    rolls everything back. Raises CaseError (empty reason), CaseConflict, and the intake's
    StatusChangeRefused / StatusChangeConflict.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("Give a reason for the status change.")
    old = application.status
    with transaction.atomic():
        new_version = case_version_raise(application, expected_version)
        application_status_change(
            application=application,
            status=status,
            reason=reason,
            actor=actor,
            request=request,
            close_reason=close_reason or None,
        )
        return CaseStatusNote.objects.create(
            application=application,
            from_status=old,
            to_status=status,
            close_reason=close_reason or "",
            reason=reason,
            author=actor,
            created_at=timezone.now(),
            case_version=new_version,
        )


def case_task_add(
    *,
    application: Application,
    title: str,
    due_date: Any,
    assignee: Any,
    expected_version: int,
    actor: Any,
    request: HttpRequest | None = None,
) -> CaseTask:
    """A follow-up task on the case (title encrypted), due on ``due_date``, for
    ``assignee`` (a counselor or supervisor, or nobody).

    Side effects: raises the case version (CaseConflict when stale); one CaseTask; one
    ``case_task`` create audit event. Raises CaseError for an empty title, a missing date
    or an assignee who does not work cases.
    """
    title = (title or "").strip()
    if not title:
        raise CaseError("A task needs a title.")
    if due_date is None:
        raise CaseError("A task needs a due date.")
    if assignee is not None and not case_workers().filter(pk=assignee.pk).exists():
        raise CaseError("Tasks can be given to counselors and supervisors only.")
    with transaction.atomic():
        new_version = case_version_raise(application, expected_version)
        task = CaseTask.objects.create(
            application=application,
            title=title,
            due_date=due_date,
            assignee=assignee,
            created_by=actor,
            created_at=timezone.now(),
            case_version=new_version,
        )
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=AuditAction.CREATE,
            object_type="case_task",
            object_id=str(task.public_id),
            case_id=str(application.public_id),
            purpose="case follow-up",
            request=request,
        )
    return task


def case_task_complete(
    *, application: Application, task_id: Any, actor: Any, request: HttpRequest | None = None
) -> CaseTask:
    """Marks an open task of the case done (conditional UPDATE: a task is completed once).

    Side effects: ``done_at``/``done_by``; raises the case version; one ``case_task`` update
    audit event. Raises CaseError for an unknown task or one already done.
    """
    with transaction.atomic():
        done = CaseTask.objects.filter(
            application=application, public_id=task_id, done_at__isnull=True
        ).update(done_at=timezone.now(), done_by=actor)
        if not done:
            raise CaseError("That task does not exist or is already done.")
        CaseAssignment.objects.get_or_create(
            application=application, defaults={"assigned_at": timezone.now()}
        )
        CaseAssignment.objects.filter(application=application).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=AuditAction.UPDATE,
            object_type="case_task",
            object_id=str(task_id),
            case_id=str(application.public_id),
            purpose="case follow-up done",
            request=request,
        )
    return CaseTask.objects.get(application=application, public_id=task_id)


def case_message_send(
    *, application: Application, body: str, actor: Any, request: HttpRequest | None = None
) -> Message:
    """A counselor's secure message on the case's thread, through the intake's
    ``message_post`` (body encrypted, its audit event, the consumer's e-mail notice without
    content). Raises CaseError for an empty message."""
    body = (body or "").strip()
    if not body:
        raise CaseError("A message needs some text.")
    return message_post(
        application=application, author=actor, body=body, from_staff=True, request=request
    )


def case_verification_rerun(
    *, application: Application, actor: Any, request: HttpRequest | None = None
) -> bool:
    """The counselor's "Re-run verification": the intake's ``verification_rerun`` (the failed
    bureau pull queued again, the reconciliation after it). False when nothing had failed.

    Side effects (when it re-runs): those of ``verification_rerun``; one ``verification``
    update audit event."""
    with transaction.atomic():
        rerun = verification_rerun(application=application, actor=actor)
        if rerun:
            audit_record(
                actor=actor,
                role=audit_role_for(actor, CASEWORK_ROLES),
                action=AuditAction.UPDATE,
                object_type="verification",
                object_id=str(application.public_id),
                case_id=str(application.public_id),
                purpose="verification re-run",
                request=request,
            )
    return rerun


def case_messages_read(*, application: Application) -> int:
    """The consumer's messages on the case, opened by staff (the case page shows them):
    stamped read, so they leave the header's unread count. One UPDATE; how many."""
    unread = Message.objects.filter(application=application, from_staff=False, read_at=None)
    return unread.update(read_at=timezone.now())
