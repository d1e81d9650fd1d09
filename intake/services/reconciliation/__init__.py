"""Reconciliation: what the consumer stated against what the bureau and the bank show.

Runs once per verification (``intake.verification_reconcile`` when every pull and sync it
waits for has finished). Tolerances:

- Income: stated take-home pay per month (net, or gross when no net was given) against
  bank deposits categorised INCOME over the last BANK_WINDOW_DAYS (per month = total / 6).
  Within INCOME_TOLERANCE (10 %) they agree;
  up to INCOME_CRITICAL (25 %) a warning; beyond it critical.
- Debts: open tradelines and collections with a balance, matched to stated debts by
  normalized creditor name (abbreviations like "SYNCB" and "JPMCB" expanded, filler words
  dropped; one shared word is a match). Matched, missing (on the report, not stated) and
  extra (stated, not on the report). A matched balance more than BALANCE_TOLERANCE (20 %)
  and $100 apart is noted.
- Cards: Plaid liabilities (balance, purchase APR, minimum payment) matched to stated
  credit cards by balance within 10 %; an APR more than one point apart is noted.
- Expenses: bank spending per counseling group (EXPENSE_GROUPS) per month against the
  stated worksheet; more than 25 % and $50 above what was stated is a warning.
- Identity: Plaid's name score below IDENTITY_MIN_SCORE (70) is a warning.

Each check degrades on its own: a check whose vendor call fails (any exception) is
recorded as not checked with its reason, and the others still run; the case never
fails as a whole.

When the consumer stated no debts, the report's tradelines become Debt rows with source
``bureau`` (editable like any other row).
"""

from __future__ import annotations

from intake.engine.creditors import creditor_display, creditor_tokens

from .bank import bank_monthly_income, stated_monthly_income
from .bureau import debts_match
from .run import verification_reconcile

__all__ = [
    "bank_monthly_income",
    "creditor_display",
    "creditor_tokens",
    "debts_match",
    "stated_monthly_income",
    "verification_reconcile",
]
