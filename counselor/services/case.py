"""Writes of the counselor queue: assigning cases. Every change is an audit event with
ids and fixed phrases only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselor.services.action_plan import ActionPlanDocument
from counselor.selectors.queue import case_workers
from counselor.engine.case_plan import offer_concessions, offer_figures
from counselor.errors import CaseConflict, CaseError
from counselor.models import CaseAssignment, CaseNote, CaseStatusNote, CaseTask, ProposalVersion
from counselor.selectors.terms import creditor_terms_table
from counselor.services.proposals import proposal_build_from
from intake.models import Application, Message, PlanOffer
from intake.services import message_post, plan_offer_publish
from intake.services.casework import application_status_change
from intake.services.verification import verification_rerun
from integrations.warehouse import facts as wf
from integrations.warehouse.errors import FactsError
from integrations.warehouse.services import outbox_emit
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


def _case_version_raise(application: Application, expected_version: int) -> int:
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
        new_version = _case_version_raise(application, expected_version)
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


def _stream_concessions(concessions: list[dict[str, str]]) -> tuple[wf.Concession, ...]:
    """The plan's concessions for the analytics stream; a terms entry name the stream
    refuses (too long, digits like an account number) is left out, never failing the offer."""
    checked = []
    for entry in concessions:
        try:
            checked.append(wf.Concession(creditor=entry["creditor"], apr=Decimal(entry["apr"])))
        except FactsError:
            continue
    return tuple(checked)


def case_offer_send(
    *,
    application: Application,
    version: ProposalVersion,
    document: ActionPlanDocument,
    actor: Any,
    request: HttpRequest | None = None,
) -> PlanOffer:
    """Sends a saved proposal version to the consumer as an offer, frozen: the version's
    saved results (the engine's numbers) and the exact action plan document with its
    SHA-256, through the intake's ``plan_offer_publish``.

    Side effects (one transaction): earlier offers superseded, a PlanOffer, status
    offered and its timeline row, the intake's audit event (all by ``plan_offer_publish``);
    a ``plan_offered`` analytics event (outbox); one ``plan_offer`` create audit event
    naming the proposal version. Raises CaseError for a draft, an enrolled or closed case,
    or a version of another case.
    """
    if application.status == Application.Status.DRAFT:
        raise CaseError("A draft application is not a case yet.")
    if application.status in (Application.Status.ENROLLED, Application.Status.CLOSED):
        # A new offer would supersede the signed one and set the case back to "offered".
        raise CaseError(f"This case is {application.get_status_display().lower()}: no new offer.")
    if version.proposal.case_id != application.public_id:
        raise CaseError("That proposal belongs to another case.")
    result = proposal_build_from(version.inputs)
    concessions = offer_concessions(result, creditor_terms_table())
    snapshot = {
        **offer_figures(result),
        "concessions": concessions,
        "proposal_version": version.number,
        "language": document.language,
        "document_sha256": document.sha256,
        "results": version.results,
    }
    with transaction.atomic():
        offer = plan_offer_publish(
            application=application, snapshot=snapshot, document=document.html, actor=actor
        )
        plan = wf.PlanTerms(
            monthly_payment=result.plan.monthly_deposit,
            term_months=result.plan.months,
            enrolled_debt=result.plan.total_enrolled,
            interest_saved=max(result.comparison.interest_saved or Decimal(0), Decimal(0)),
            concessions=_stream_concessions(concessions),
        )
        outbox_emit(
            event_type=wf.EventType.PLAN_OFFERED,
            subject=wf.Subject(
                consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
            ),
            facts=wf.PlanOffered(plan=plan),
        )
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=AuditAction.CREATE,
            object_type="plan_offer",
            object_id=str(offer.public_id),
            case_id=str(application.public_id),
            purpose=f"offer of proposal version {version.number}",
            request=request,
        )
    return offer


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
        new_version = _case_version_raise(application, expected_version)
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
        new_version = _case_version_raise(application, expected_version)
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
