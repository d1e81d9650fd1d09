"""Writes of the agency's pricing terms: the creditor terms table (versioned) and the fee
schedule. Every change is an audit event; none carries personal
data (ids and fixed phrases only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselor.engine.dmp import Concessions
from counselor.errors import FeeScheduleError, TermsError
from counselor.models import CreditorTerms
from intake.engine.errors import DomainError
from intake.engine.money import non_negative
from tenants.audit.models import AuditAction
from tenants.audit.services import audit_record
from tenants.models import AgencyProfile
from tenants.roles import Role

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
