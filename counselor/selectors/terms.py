"""Reads of the counselor app: the creditor terms table and its matcher, the agency's fee
schedule, proposals. Each is a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import QuerySet

from counselor.engine.dmp import Concessions
from counselor.engine.fees import FeeSchedule
from counselor.engine.terms_match import TermsMatch, TermsRow, TermsTable
from counselor.models import CreditorTerms
from intake.engine.money import ZERO
from tenants.selectors import agency_profile_get


def creditor_terms_current() -> QuerySet[CreditorTerms]:
    """The current version of every entry, default first, then by creditor."""
    return CreditorTerms.objects.filter(valid_to__isnull=True).order_by("-is_default", "creditor")


def creditor_terms_history(*, public_id: UUID) -> list[CreditorTerms]:
    """Every version of one entry, newest first, with who changed it."""
    rows = CreditorTerms.objects.filter(public_id=public_id).select_related("changed_by")
    return list(rows.order_by("-version"))


def creditor_terms_get_current(*, public_id: UUID) -> CreditorTerms | None:
    """The current version of one entry, or None."""
    return creditor_terms_current().filter(public_id=public_id).first()


def engine_terms(row: CreditorTerms) -> Concessions:
    """A stored row as the engine's ``CreditorTerms``."""
    return Concessions(
        min_payment_pct=row.min_payment_pct,
        concession_apr=row.concession_apr,
        max_term_months=row.max_term_months,
        fair_share_pct=row.fair_share_pct,
        reage_after_payments=row.reage_after_payments,
        notes=row.notes,
    )


def creditor_terms_table() -> TermsTable:
    """The agency's current, active terms as a matcher (one query)."""
    rows = creditor_terms_current().filter(active=True)
    return TermsTable(
        TermsRow(
            public_id=str(row.public_id),
            version=row.version,
            creditor=row.creditor,
            aliases=tuple(row.aliases),
            terms=engine_terms(row),
            is_default=row.is_default,
        )
        for row in rows
    )


def creditor_terms_for(name: str) -> TermsMatch:
    """The agency's terms for a creditor name as it appears on a credit report
    (exact name, alias, word prefix, then the default; see counselor.engine.terms_match)."""
    return creditor_terms_table().match(name)


@dataclass(frozen=True)
class AgencyFees:
    """The agency's own fee schedule, before any state cap."""

    schedule: FeeSchedule
    aiccca_member: bool


NO_FEES = AgencyFees(FeeSchedule(ZERO, ZERO), False)


def fee_schedule_get() -> AgencyFees:
    """The schedule stored on the agency profile; no fees when none is set yet."""
    profile = agency_profile_get()
    stored = profile.fee_schedule if profile else {}
    if not stored:
        return NO_FEES
    schedule = FeeSchedule(Decimal(stored["setup_fee"]), Decimal(stored["monthly_fee"]))
    return AgencyFees(schedule, bool(stored.get("aiccca_member", False)))
