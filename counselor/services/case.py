"""Writes of the counselor queue: assigning cases. Every change is an audit event with
ids and fixed phrases only."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselor.errors import CaseConflict, CaseError
from counselor.models import CaseAssignment, CaseNote, CaseStatusNote, CaseTask
from counselor.selectors.case import case_workers
from intake.models import Application
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import CASEWORK_ROLES


def case_assign(
    *, application: Application, assignee: Any, actor: Any, request: HttpRequest | None = None
) -> CaseAssignment:
    """Assigns the case to ``assignee`` (a counselor or supervisor; None unassigns).

    Side effects: creates or updates the application's CaseAssignment (case version + 1); one
    ``case_assignment`` update audit event. Raises CaseError for an assignee who does not
    work cases or a draft application.
    """
    if application.status == Application.Status.DRAFT:
        raise CaseError("A draft application is not a case yet.")
    if assignee is not None and not case_workers().filter(pk=assignee.pk).exists():
        raise CaseError("Cases can be assigned to counselors and supervisors only.")
    with transaction.atomic():
        assignment, _created = CaseAssignment.objects.update_or_create(
            application=application,
            defaults={
                "assigned_to": assignee,
                "assigned_by": actor,
                "assigned_at": timezone.now(),
                "version": F("version") + 1,
            },
            create_defaults={
                "assigned_to": assignee,
                "assigned_by": actor,
                "assigned_at": timezone.now(),
                "version": 1,
            },
        )
        assignment.refresh_from_db(fields=["version"])
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=AuditAction.UPDATE,
            object_type="case_assignment",
            object_id=str(application.public_id),
            case_id=str(application.public_id),
            purpose="case assignment",
            request=request,
        )
    return assignment


def case_version(*, application: Application) -> int:
    """The case's optimistic-concurrency token (0 before any counselor write)."""
    row = CaseAssignment.objects.filter(application=application).values_list("version").first()
    return row[0] if row else 0


def _who(user: Any) -> str:
    return user.get_username() if user else "the system"


def _case_changes_since(application: Application, expected: int) -> tuple[str, ...]:
    """What was saved on the case after version ``expected``, oldest first (notes, status
    changes, tasks added), each with who, when and the first 120 characters."""
    changes: list[tuple[int, str]] = []
    for n in (
        CaseNote.objects.filter(application=application, case_version__gt=expected)
        .select_related("author")
        .order_by("case_version")
    ):
        what = "note added" if n.version == 1 else f"note edited (version {n.version})"
        when = f"{n.created_at:%Y-%m-%d %H:%M} UTC"
        changes.append((n.case_version, f"{what} by {_who(n.author)} at {when}: {n.body[:120]}"))
    for s in CaseStatusNote.objects.filter(
        application=application, case_version__gt=expected
    ).select_related("author"):
        changes.append(
            (
                s.case_version,
                (
                    f"status changed from {s.from_status} to {s.to_status} by {_who(s.author)} at "
                    f"{s.created_at:%Y-%m-%d %H:%M} UTC: {s.reason[:120]}"
                ),
            )
        )
    for t in CaseTask.objects.filter(
        application=application, case_version__gt=expected
    ).select_related("created_by"):
        changes.append(
            (
                t.case_version,
                (
                    f"task added by {_who(t.created_by)} at {t.created_at:%Y-%m-%d %H:%M} UTC, due "
                    f"{t.due_date:%Y-%m-%d}: {t.title[:120]}"
                ),
            )
        )
    return tuple(text for _v, text in sorted(changes, key=lambda c: c[0])) or (
        "the case's assignment changed",
    )


def case_version_raise(application: Application, expected_version: int) -> int:
    """``UPDATE ... SET version = version + 1 WHERE version = expected`` (creating the
    unassigned CaseAssignment row first if there is none); the new version. Raises
    CaseConflict, listing what was saved since, when someone saved first."""
    CaseAssignment.objects.get_or_create(
        application=application, defaults={"assigned_at": timezone.now()}
    )
    moved = CaseAssignment.objects.filter(application=application, version=expected_version).update(
        version=F("version") + 1
    )
    if not moved:
        current = case_version(application=application)
        raise CaseConflict(
            expected=expected_version,
            current=current,
            changes=_case_changes_since(application, expected_version),
        )
    return expected_version + 1


def case_note_save(
    *,
    application: Application,
    body: str,
    expected_version: int,
    actor: Any,
    note_id: Any = None,
    request: HttpRequest | None = None,
) -> CaseNote:
    """Adds a note, or (``note_id``) the next version of one; the old version is kept.

    Optimistic concurrency: ``expected_version`` is the case version the counselor opened;
    ``UPDATE ... SET version = version + 1 WHERE version = expected`` touching no row means
    someone saved first, and CaseConflict lists what they saved.

    Side effects: creates the CaseAssignment row if there is none (unassigned); raises the
    case version; inserts a CaseNote (and marks the edited one superseded); one
    ``case_note`` create/update audit event. Raises CaseError for an empty note or an
    unknown ``note_id``, CaseConflict for a stale version.
    """
    body = body.strip()
    if not body:
        raise CaseError("A note needs some text.")
    with transaction.atomic():
        new_version = case_version_raise(application, expected_version)
        number, action = 1, AuditAction.CREATE
        if note_id is not None:
            previous = (
                CaseNote.objects.select_for_update()
                .filter(application=application, note_id=note_id, superseded=False)
                .first()
            )
            if previous is None:
                raise CaseError("That note does not exist.")
            previous.superseded = True
            previous.save(update_fields=["superseded"])
            number, action = previous.version + 1, AuditAction.UPDATE
        note = CaseNote.objects.create(
            application=application,
            note_id=note_id or uuid.uuid4(),
            version=number,
            body=body,
            author=actor,
            created_at=timezone.now(),
            case_version=new_version,
        )
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=action,
            object_type="case_note",
            object_id=str(note.note_id),
            case_id=str(application.public_id),
            purpose="case notes",
            request=request,
        )
    return note
