"""One account and one creditor's DMP concessions: the engine's input types (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from counselor.engine.amortization import MAX_MONTHS
from intake.engine.errors import DomainError
from intake.engine.money import non_negative, percent


@dataclass(frozen=True)
class Concessions:
    """One creditor's DMP concessions, from the agency's editable terms table.

    ``concession_apr=None`` means no concession is known: the current APR stays.
    """

    min_payment_pct: Decimal = Decimal("2.0")
    concession_apr: Decimal | None = None
    max_term_months: int = 60
    fair_share_pct: Decimal = Decimal("0")
    hardship_min_payment_pct: Decimal = Decimal("1.75")
    hardship_concession_apr: Decimal | None = None
    reage_after_payments: int | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        for name in ("min_payment_pct", "fair_share_pct", "hardship_min_payment_pct"):
            object.__setattr__(self, name, percent(getattr(self, name), name))
        for name in ("concession_apr", "hardship_concession_apr"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, percent(getattr(self, name), name))
        term = self.max_term_months
        if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= MAX_MONTHS:
            raise DomainError("max_term_months", f"must be a whole number from 1 to {MAX_MONTHS}")


DEFAULT_TERMS = Concessions(notes="Default terms: 2% of balance, no concession known, 60 months.")


def default_terms(creditor: str) -> Concessions:
    """``terms_for`` for an agency with no terms table: 2%, current APR, 60 months."""
    return DEFAULT_TERMS


@dataclass(frozen=True)
class MinimumRule:
    """A card's minimum: max(floor, pct of balance [+ interest]), when known."""

    floor: Decimal
    pct_of_balance: Decimal = Decimal("1")
    plus_interest: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "floor", non_negative(self.floor, "floor"))
        object.__setattr__(self, "pct_of_balance", percent(self.pct_of_balance, "pct_of_balance"))


@dataclass(frozen=True)
class Debt:
    """One account. ``min_payment`` is the stated contractual minimum this month."""

    creditor: str
    balance: Decimal
    apr: Decimal
    min_payment: Decimal
    secured: bool = False
    is_housing: bool = False
    minimum_rule: MinimumRule | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.creditor, str) or not self.creditor.strip():
            raise DomainError("creditor", "a creditor name is required")
        object.__setattr__(self, "balance", non_negative(self.balance, "balance"))
        object.__setattr__(self, "apr", percent(self.apr, "apr"))
        object.__setattr__(self, "min_payment", non_negative(self.min_payment, "min_payment"))

    @property
    def monthly_payment(self) -> Decimal:
        """What the budget counts for this debt today (the contractual minimum)."""
        return self.min_payment
