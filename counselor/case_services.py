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

from counselor.action_plan import ActionPlanDocument
from counselor.case_selectors import case_workers
from counselor.errors import CaseConflict, CaseError
from counselor.models import CaseAssignment, CaseNote, ProposalVersion
from counselor.services import proposal_build_from
from intake.models import Application, PlanOffer
from intake.services import plan_offer_publish
from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_emit
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import Role

CASE_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)


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
            actor=actor, role=audit_role_for(actor, CASE_ROLES), action=AuditAction.UPDATE,
            object_type="case_assignment", object_id=str(application.public_id),
            case_id=str(application.public_id), purpose="case assignment", request=request,
        )  # fmt: skip
    return assignment


def case_version(*, application: Application) -> int:
    """The case's optimistic-concurrency token (0 before any counselor write)."""
    row = CaseAssignment.objects.filter(application=application).values_list("version").first()
    return row[0] if row else 0


def _case_changes_since(application: Application, expected: int) -> tuple[str, ...]:
    notes = (
        CaseNote.objects.filter(application=application, case_version__gt=expected)
        .select_related("author")
        .order_by("case_version")
    )
    changes = [
        f"{'note added' if n.version == 1 else f'note edited (version {n.version})'} by "
        f"{n.author.get_username() if n.author else 'the system'} at "
        f"{n.created_at:%Y-%m-%d %H:%M} UTC: {n.body[:120]}"
        for n in notes
    ]
    return tuple(changes) or ("the case's assignment changed",)


def case_note_save(
    *, application: Application, body: str, expected_version: int, actor: Any,
    note_id: Any = None, request: HttpRequest | None = None,
) -> CaseNote:  # fmt: skip
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
        CaseAssignment.objects.get_or_create(
            application=application, defaults={"assigned_at": timezone.now()}
        )
        moved = CaseAssignment.objects.filter(
            application=application, version=expected_version
        ).update(version=F("version") + 1)
        if not moved:
            current = case_version(application=application)
            raise CaseConflict(
                expected=expected_version, current=current,
                changes=_case_changes_since(application, expected_version),
            )  # fmt: skip
        new_version = expected_version + 1
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
            application=application, note_id=note_id or uuid.uuid4(), version=number,
            body=body, author=actor, created_at=timezone.now(), case_version=new_version,
        )  # fmt: skip
        audit_record(
            actor=actor, role=audit_role_for(actor, CASE_ROLES), action=action,
            object_type="case_note", object_id=str(note.note_id),
            case_id=str(application.public_id), purpose="case notes", request=request,
        )  # fmt: skip
    return note


def case_offer_send(
    *, application: Application, version: ProposalVersion, document: ActionPlanDocument,
    actor: Any, request: HttpRequest | None = None,
) -> PlanOffer:  # fmt: skip
    """Sends a saved proposal version to the consumer as an offer, frozen: the version's
    saved results (the engine's numbers) and the exact action plan document with its
    SHA-256, through the intake's ``plan_offer_publish``.

    Side effects (one transaction): earlier offers superseded, a PlanOffer, status
    offered and its timeline row, the intake's audit event (all by ``plan_offer_publish``);
    a ``plan_offered`` analytics event (outbox); one ``plan_offer`` create audit event
    naming the proposal version. Raises CaseError for a draft or a version of another case.
    """
    if application.status == Application.Status.DRAFT:
        raise CaseError("A draft application is not a case yet.")
    if version.proposal.case_id != application.public_id:
        raise CaseError("That proposal belongs to another case.")
    result = proposal_build_from(version.inputs)
    snapshot = {
        "proposal_version": version.number, "language": document.language,
        "document_sha256": document.sha256, "results": version.results,
    }  # fmt: skip
    with transaction.atomic():
        offer = plan_offer_publish(
            application=application, snapshot=snapshot, document=document.html, actor=actor
        )
        plan = wf.PlanTerms(
            monthly_payment=result.plan.monthly_deposit, term_months=result.plan.months,
            enrolled_debt=result.plan.total_enrolled,
            interest_saved=max(result.comparison.interest_saved or Decimal(0), Decimal(0)),
        )  # fmt: skip
        outbox_emit(
            event_type=wf.EventType.PLAN_OFFERED,
            subject=wf.Subject(
                consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
            ),
            facts=wf.PlanOffered(plan=plan),
        )
        audit_record(
            actor=actor, role=audit_role_for(actor, CASE_ROLES), action=AuditAction.CREATE,
            object_type="plan_offer", object_id=str(offer.public_id),
            case_id=str(application.public_id),
            purpose=f"offer of proposal version {version.number}", request=request,
        )  # fmt: skip
    return offer
