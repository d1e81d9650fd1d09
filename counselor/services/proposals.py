"""Writes of the counselor app: the creditor terms table (versioned), the agency's fee
schedule, and DMP proposals (numbered versions, optimistic concurrency). Every change is
an audit event; none carries personal data (ids and fixed phrases only)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselor.engine.builder import HouseholdBudget, ProposalResult, TermsOverride, build_proposal
from counselor.engine.case_plan import (
    first_of_next_month,
    inputs_from_case,
    inputs_with_report_debt,
)
from counselor.engine.dmp import Debt
from counselor.engine.snapshots import Json, inputs_diff, inputs_parse, results_json
from counselor.errors import ProposalConflict, ProposalError
from counselor.models import Proposal, ProposalVersion
from counselor.selectors.terms import creditor_terms_table, fee_schedule_get
from intake.engine.errors import DomainError
from intake.models import Application
from intake.selectors import plan_facts_for, report_debts_of, report_only_debts
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import CASEWORK_ROLES


def proposal_build(
    *,
    debts: Sequence[Debt],
    household_budget: HouseholdBudget,
    state: str | None,
    overrides: Sequence[TermsOverride],
    exclusions: Collection[int],
    fee_waiver: str,
    start: date,
) -> ProposalResult:
    """Prices a proposal with the agency's creditor terms and fee schedule.

    No side effects (two reads: the terms table and the agency profile). Raises
    ProposalError when the engine refuses the inputs.
    """
    fees = fee_schedule_get()
    try:
        return build_proposal(
            debts=debts,
            household_budget=household_budget,
            state=state,
            terms_for=creditor_terms_table().terms_for,
            fee_schedule=fees.schedule,
            aiccca_member=fees.aiccca_member,
            overrides=overrides,
            exclusions=exclusions,
            fee_waiver=fee_waiver,
            start=start,
        )
    except DomainError as exc:
        raise ProposalError(exc.message) from None


def proposal_build_from(inputs: Json) -> ProposalResult:
    """:func:`proposal_build` for a JSON inputs snapshot. Raises ProposalError."""
    try:
        parsed = inputs_parse(inputs)
    except (DomainError, KeyError, ValueError, TypeError) as exc:
        raise ProposalError(f"These inputs cannot be priced: {exc}") from None
    return proposal_build(
        debts=parsed.debts,
        household_budget=parsed.household_budget,
        state=parsed.state,
        overrides=parsed.overrides,
        exclusions=parsed.exclusions,
        fee_waiver=parsed.fee_waiver,
        start=parsed.start,
    )


def _audit_overrides(
    actor: Any, proposal: Proposal, before: Json, after: Json, request: HttpRequest | None
) -> None:
    old = {o["creditor"]: o for o in before.get("overrides", ())}
    for override in after.get("overrides", ()):
        if old.get(override["creditor"]) != override:
            audit_record(
                actor=actor,
                role=audit_role_for(actor, CASEWORK_ROLES),
                action=AuditAction.UPDATE,
                object_type="terms_override",
                object_id=str(proposal.public_id),
                case_id=str(proposal.case_id),
                purpose="DMP creditor terms override",
                request=request,
            )


def _version_write(
    *, proposal: Proposal, number: int, inputs: Json, actor: Any, request: HttpRequest | None
) -> ProposalVersion:
    result = proposal_build_from(inputs)
    results = results_json(result)
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=number,
        inputs=inputs,
        results=results,
        outcome=results["outcome"],
        saved_by=actor,
    )
    audit_record(
        actor=actor,
        role=audit_role_for(actor, CASEWORK_ROLES),
        action=AuditAction.CREATE,
        object_type="proposal_version",
        object_id=str(proposal.public_id),
        case_id=str(proposal.case_id),
        purpose="DMP proposal",
        request=request,
    )
    return version


@transaction.atomic
def proposal_start(
    *, case_id: UUID, inputs: Json, actor: Any, request: HttpRequest | None = None
) -> ProposalVersion:
    """A case's first proposal (version 1) from its inputs snapshot.

    Side effects: inserts a Proposal and its first ProposalVersion; audit events for the
    version and any override. Raises ProposalError when the case has a proposal already
    or the inputs cannot be priced.
    """
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(case_id=case_id, version=1)
    except IntegrityError:
        raise ProposalError("This case has a proposal already.") from None
    version = _version_write(
        proposal=proposal, number=1, inputs=inputs, actor=actor, request=request
    )
    _audit_overrides(actor, proposal, {}, inputs, request)
    return version


def _conflict(proposal: Proposal, expected: int) -> ProposalConflict:
    current = Proposal.objects.get(pk=proposal.pk)
    versions = {
        v.number: v for v in proposal.versions.filter(number__in=(expected, current.version))
    }
    latest, base = versions[current.version], versions.get(expected)
    who = latest.saved_by.get_username() if latest.saved_by else "someone"
    changes = inputs_diff(base.inputs if base else {}, latest.inputs)
    return ProposalConflict(
        expected=expected, current=current.version, saved_by=who, changes=changes
    )


@transaction.atomic
def proposal_save(
    *,
    proposal: Proposal,
    expected_version: int,
    inputs: Json,
    actor: Any,
    request: HttpRequest | None = None,
) -> ProposalVersion:
    """Saves the builder's inputs as the next version, if ``expected_version`` is still
    the latest (a conditional UPDATE, so two savers can never both win).

    Side effects: increments Proposal.version, inserts a ProposalVersion, audit events for
    the version and each new or changed override. Raises ProposalConflict naming what
    the newer versions changed, or ProposalError for inputs the engine refuses.
    """
    claimed = Proposal.objects.filter(pk=proposal.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise _conflict(proposal, expected_version)
    before = proposal.versions.get(number=expected_version).inputs
    version = _version_write(
        proposal=proposal,
        number=expected_version + 1,
        inputs=inputs,
        actor=actor,
        request=request,
    )
    _audit_overrides(actor, proposal, before, inputs, request)
    proposal.version = expected_version + 1
    return version


@transaction.atomic
def proposal_start_from_case(
    *,
    application: Any,
    actor: Any,
    request: HttpRequest | None = None,
    today: date | None = None,
) -> tuple[Proposal, bool]:
    """The case's proposal: the existing one, or version 1 built from the application's
    own debts (stated and prefilled from the credit report), the household's budget
    figures (read through ``intake.selectors.plan_facts_for``; nothing of the intake is
    written) and the agency's creditor terms matched by name and alias. Starts the first
    of the month after ``today``. Returns (proposal, created).

    Side effects: when there is none, inserts a Proposal and its first version and their
    audit events (``proposal_start``). Raises ProposalError when the case's figures cannot
    be priced (no debt with a balance, an income the engine refuses...).
    """
    if application.status == Application.Status.DRAFT:
        raise ProposalError("A draft application is not a case yet.")
    existing = Proposal.objects.filter(case_id=application.public_id).first()
    if existing is not None:
        return existing, False
    try:
        facts = plan_facts_for(application)
    except DomainError as exc:
        raise ProposalError(f"This case's figures cannot be priced: {exc.message}") from None
    inputs = inputs_from_case(
        facts=facts,
        table=creditor_terms_table(),
        start=first_of_next_month(today or timezone.localdate()),
    )
    if not inputs["debts"]:
        raise ProposalError("This case has no debt with a balance to put in a plan.")
    try:
        with transaction.atomic():
            version = proposal_start(
                case_id=application.public_id, inputs=inputs, actor=actor, request=request
            )
    except ProposalError:
        existing = Proposal.objects.filter(case_id=application.public_id).first()
        if existing is None:  # the inputs were refused, not a concurrent start
            raise
        return existing, False
    return version.proposal, True


def proposal_report_debts(*, application: Any, inputs: Json) -> list[Any]:
    """The credit report's open revolving and installment debts the plan does not hold yet
    (``intake.selectors.report_only_debts``), for the builder's "Add to plan"."""
    return report_only_debts(report_debts_of(application), inputs["debts"])


def proposal_debt_add_from_report(
    *,
    proposal: Proposal,
    application: Any,
    key: str,
    expected_version: int,
    actor: Any,
    request: HttpRequest | None = None,
) -> ProposalVersion:
    """Saves the next version with the report's debt ``key`` added (balance from the
    report, APR and minimum from the verified sources, see ``inputs_with_report_debt``).

    Side effects: those of ``proposal_save``. Raises ProposalError when the key names no
    debt the plan lacks (already added, or not on the report), ProposalConflict when
    someone saved first."""
    latest = proposal.versions.filter(number=expected_version).first()
    if latest is None:
        raise ProposalError("This plan has no saved version to add to.")
    found = {d.key: d for d in proposal_report_debts(application=application, inputs=latest.inputs)}
    if key not in found:
        raise ProposalError("That debt is already in the plan or no longer on the report.")
    inputs = inputs_with_report_debt(latest.inputs, found[key], creditor_terms_table())
    return proposal_save(
        proposal=proposal,
        expected_version=expected_version,
        inputs=inputs,
        actor=actor,
        request=request,
    )
