"""Writes of the counselor app: the creditor terms table (versioned), the agency's fee
schedule, and DMP proposals (numbered versions, optimistic concurrency). Every change is
an audit event; none carries personal data (ids and fixed phrases only)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from counselor.engine.builder import HouseholdBudget, ProposalResult, TermsOverride, build_proposal
from counselor.engine.case_plan import first_of_next_month, inputs_from_case
from counselor.engine.dmp import Concessions, Debt
from counselor.engine.snapshots import Json, inputs_diff, inputs_parse, results_json
from counselor.errors import FeeScheduleError, ProposalConflict, ProposalError, TermsError
from counselor.models import CreditorTerms, Proposal, ProposalVersion
from counselor.selectors.terms import creditor_terms_table, fee_schedule_get
from intake.engine.errors import DomainError
from intake.engine.money import non_negative
from intake.models import Application
from intake.selectors import plan_facts_for
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.models import AgencyProfile
from tenants.roles import CASEWORK_ROLES, Role

TERMS_FIELDS = (
    "creditor",
    "aliases",
    "min_payment_pct",
    "concession_apr",
    "max_term_months",
    "fair_share_pct",
    "reage_after_payments",
    "notes",
    "active",
)
TERMS_PURPOSE = "creditor terms table maintenance"


def _terms_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validated through the engine's own CreditorTerms, so the table never holds terms
    the engine would refuse."""
    clean = {name: values[name] for name in TERMS_FIELDS if name in values}
    clean["creditor"] = str(clean.get("creditor", "")).strip()
    if not clean["creditor"]:
        raise TermsError("A creditor name is required.")
    clean["aliases"] = sorted({str(a).strip().upper() for a in clean.get("aliases", ()) if a})
    try:
        Concessions(
            min_payment_pct=clean.get("min_payment_pct", Decimal("2")),
            concession_apr=clean.get("concession_apr"),
            max_term_months=clean.get("max_term_months", 60),
            fair_share_pct=clean.get("fair_share_pct", Decimal("0")),
        )
    except DomainError as exc:
        raise TermsError(f"{exc.field}: {exc.message}") from None
    return clean


def _reason(reason: str) -> str:
    if not reason.strip():
        raise TermsError("Say why the terms change (the reason is kept with the version).")
    return reason.strip()[:300]


def _terms_audit(actor: Any, action: str, row: CreditorTerms, request: HttpRequest | None):
    audit_record(
        actor=actor,
        role=Role.AGENCY_ADMIN,
        action=action,
        object_type="creditor_terms",
        object_id=str(row.public_id),
        purpose=TERMS_PURPOSE,
        request=request,
    )


@transaction.atomic
def creditor_terms_create(
    *,
    actor: Any,
    reason: str,
    values: dict[str, Any],
    is_default: bool = False,
    request: HttpRequest | None = None,
) -> CreditorTerms:
    """Adds a creditor entry (version 1) to the agency's table.

    Side effects: inserts one CreditorTerms row; one ``create`` audit event.
    Raises TermsError for bad values, a missing reason or a creditor already in the table.
    """
    clean, why = _terms_values(values), _reason(reason)
    row = CreditorTerms(**clean, is_default=is_default, valid_from=timezone.now())
    row.changed_by, row.change_reason = actor, why
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise TermsError(f"{clean['creditor']} is already in the table.") from None
    _terms_audit(actor, AuditAction.CREATE, row, request)
    return row


@transaction.atomic
def creditor_terms_update(
    *,
    actor: Any,
    public_id: UUID,
    expected_version: int,
    reason: str,
    values: dict[str, Any],
    request: HttpRequest | None = None,
) -> CreditorTerms:
    """Closes the entry's current version and adds the next one with the new values.

    Side effects: updates ``valid_to`` of the current row, inserts the new version, one
    ``update`` audit event. Raises TermsError when the entry is gone, was changed since
    ``expected_version``, or the values or reason are refused.
    """
    clean, why = _terms_values(values), _reason(reason)
    current = (
        CreditorTerms.objects.select_for_update()
        .filter(public_id=public_id, valid_to__isnull=True)
        .first()
    )
    if current is None:
        raise TermsError("This creditor entry no longer exists.")
    if current.version != expected_version:
        raise TermsError(
            f"{current.creditor} was changed (now version {current.version}) after you "
            f"opened version {expected_version}; review it and change it again."
        )
    now = timezone.now()
    CreditorTerms.objects.filter(pk=current.pk).update(valid_to=now)
    row = CreditorTerms(
        **clean,
        public_id=current.public_id,
        version=current.version + 1,
        is_default=current.is_default,
        valid_from=now,
        changed_by=actor,
        change_reason=why,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise TermsError(f"Another entry is already named {clean['creditor']}.") from None
    _terms_audit(actor, AuditAction.UPDATE, row, request)
    return row


@transaction.atomic
def fee_schedule_set(
    *,
    actor: Any,
    setup_fee: Decimal,
    monthly_fee: Decimal,
    aiccca_member: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """Stores the agency's own fee schedule on the agency profile (before state caps;
    the builder clips it per consumer with counselor.engine.fees.apply_fees).

    Side effects: updates AgencyProfile.fee_schedule; one ``update`` audit event.
    Raises FeeScheduleError for negative or fractional-cent fees, a missing reason or
    a deployment without an agency profile.
    """
    if not reason.strip():
        raise FeeScheduleError("Say why the fee schedule changes.")
    try:
        setup, monthly = (
            non_negative(setup_fee, "setup_fee"),
            non_negative(monthly_fee, "monthly_fee"),
        )
    except DomainError as exc:
        raise FeeScheduleError(exc.message) from None
    if setup != setup.quantize(Decimal("0.01")) or monthly != monthly.quantize(Decimal("0.01")):
        raise FeeScheduleError("Fees are whole cents.")
    schedule = {
        "setup_fee": str(setup.quantize(Decimal("0.01"))),
        "monthly_fee": str(monthly.quantize(Decimal("0.01"))),
        "aiccca_member": bool(aiccca_member),
        "reason": reason.strip()[:300],
        "changed_at": timezone.now().isoformat(),
        "changed_by": getattr(actor, "pk", None),
    }
    if not AgencyProfile.objects.filter(singleton=1).update(fee_schedule=schedule):
        raise FeeScheduleError("This deployment has no agency profile yet.")
    audit_record(
        actor=actor,
        role=Role.AGENCY_ADMIN,
        action=AuditAction.UPDATE,
        object_type="fee_schedule",
        object_id="agency",
        purpose="fee schedule maintenance",
        request=request,
    )
    return schedule


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
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=number,
        inputs=inputs,
        results=results_json(result),
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
