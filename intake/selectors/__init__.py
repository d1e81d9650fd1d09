"""Reads of the consumer side, one module per domain (the same words as services/ and
views/); the counselor side reads the intake only through the names listed here."""

from __future__ import annotations

from .applications import (
    BudgetSummary,
    PlanFacts,
    StatedDebt,
    application_open_for,
    application_with_parts,
    budget_for,
    get_application_for,
    household_of,
    plan_facts_for,
)
from .consents import consent_is_live
from .counseling import counseling_requests_open
from .portal import current_offer, messages_of
from .report_debts import ReportDebt, report_debts_of, report_only_debts
from .verification import (
    VERIFICATION_STATES,
    VerificationSummary,
    verification_flags_for_consumer,
    verification_state,
    verification_state_q,
    verification_summary,
)

__all__ = [
    "VERIFICATION_STATES",
    "BudgetSummary",
    "PlanFacts",
    "ReportDebt",
    "StatedDebt",
    "VerificationSummary",
    "application_open_for",
    "application_with_parts",
    "budget_for",
    "consent_is_live",
    "counseling_requests_open",
    "current_offer",
    "get_application_for",
    "household_of",
    "messages_of",
    "plan_facts_for",
    "report_debts_of",
    "report_only_debts",
    "verification_flags_for_consumer",
    "verification_state",
    "verification_state_q",
    "verification_summary",
]
