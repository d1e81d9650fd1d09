"""What every reconciliation check shares: tolerances, findings, the run's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...models import (
    Debt,
)

INCOME_TOLERANCE = Decimal("0.10")
INCOME_CRITICAL = Decimal("0.25")
BALANCE_TOLERANCE = Decimal("0.20")
CARD_BALANCE_TOLERANCE = Decimal("0.10")
EXPENSE_TOLERANCE = Decimal("0.25")
EXPENSE_MIN_GAP = Decimal("50")
IDENTITY_MIN_SCORE = 70
BANK_WINDOW_DAYS = 180
BANK_WINDOW_MONTHS = Decimal(6)
CENT = Decimal("0.01")

# Plaid personal-finance primary category -> counseling group; groups -> stated categories.
PLAID_GROUPS: dict[str, str] = {
    "RENT_AND_UTILITIES": "housing",
    "HOME_IMPROVEMENT": "housing",
    "FOOD_AND_DRINK": "food",
    "TRANSPORTATION": "transportation",
    "MEDICAL": "medical",
    "PERSONAL_CARE": "personal_care",
    "ENTERTAINMENT": "entertainment",
    "GENERAL_MERCHANDISE": "shopping",
    "GENERAL_SERVICES": "shopping",
}
EXPENSE_GROUPS: dict[str, tuple[str, ...]] = {
    "housing": ("housing", "utilities"),
    "food": ("food",),
    "transportation": ("transportation",),
    "medical": ("medical",),
    "personal_care": ("personal_care",),
    "entertainment": ("entertainment",),
    "shopping": ("clothing", "other"),
}

# Bureau account types -> the debt step's kinds.
ACCOUNT_KINDS = {
    "CC": "credit_card",
    "CH": "credit_card",
    "AU": "auto",
    "MT": "mortgage",
    "ST": "student_loan",
    "MD": "medical",
}


def to_money(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def cents_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


@dataclass
class Finding:
    source: str
    code: str
    severity: str
    detail: str
    consumer_visible: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reconciliation:
    findings: list[Finding] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    prefill: list[Debt] = field(default_factory=list)
    verified: set[str] = field(default_factory=set)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def flag(self, source: str, code: str, severity: str, detail: str, **kw: Any) -> None:
        self.findings.append(Finding(source, code, severity, detail, **kw))


# ---- income ---------------------------------------------------------------------------
