"""Monthly budget analysis on the counseling worksheet's categories.

Pure domain code: frozen dataclasses of ``Decimal`` in and out, no Django.
Amounts are normalised to a month and rounded half up to the cent once per
line; ratios are exact fractions rounded to four places for display, while
the bands are decided on the exact value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from intake.engine.errors import DomainError
from intake.engine.irs_standards import Standard, StandardsVersion, load_standards, words
from intake.engine.money import ZERO, Number, money_text, non_negative, round_cents

RATIO_PLACES = Decimal("0.0001")

# Frequency -> (numerator, denominator) of the monthly factor (DOMAIN.md).
FREQUENCIES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "weekly": (52, 12),
        "biweekly": (26, 12),
        "semimonthly": (2, 1),
        "monthly": (1, 1),
        "quarterly": (1, 3),
        "annual": (1, 12),
    }
)

INCOME_KINDS = frozenset(
    {
        "wages",
        "self_employment",
        "social_security",
        "pension",
        "support_received",
        "public_assistance",
        "other",
    }
)
FIXED_INCOME_KINDS = frozenset({"social_security", "pension", "public_assistance"})

# Worksheet line items -> counseling category. A category name is also accepted.
LINE_ITEMS: Mapping[str, str] = MappingProxyType(
    {
        "rent": "housing",
        "hoa": "housing",
        "property_tax": "housing",
        "home_insurance": "housing",
        "renters_insurance": "housing",
        "home_repairs": "housing",
        "electric": "utilities",
        "gas": "utilities",
        "water_sewer_trash": "utilities",
        "phone": "utilities",
        "internet_tv": "utilities",
        "groceries": "food",
        "eating_out": "food",
        "fuel": "transportation",
        "auto_insurance": "transportation",
        "vehicle_maintenance": "transportation",
        "transit": "transportation",
        "health_insurance": "insurance",
        "life_insurance": "insurance",
        "copays": "medical",
        "prescriptions": "medical",
        "childcare": "childcare_support",
        "child_support_paid": "childcare_support",
        "alimony_paid": "childcare_support",
    }
)
CATEGORIES = (
    "housing",
    "utilities",
    "food",
    "transportation",
    "insurance",
    "medical",
    "childcare_support",
    "personal_care",
    "clothing",
    "education",
    "pets",
    "charity",
    "entertainment",
    "other",
)
# Payments on debt belong to DebtPayment, not Expense, so they are never counted twice.
DEBT_ITEMS = frozenset({"mortgage", "car_payment", "secured_debt", "unsecured_debt"})


class Band(StrEnum):
    """Ratio bands from DOMAIN.md; ``NOT_AVAILABLE`` when there is no gross income."""

    HEALTHY = "healthy"
    MANAGEABLE = "manageable"
    ACT_NOW = "act now"
    SAFE = "safe"
    CAUTION = "caution"
    DANGER = "danger"
    NOT_AVAILABLE = "not available"


class FlagStatus(StrEnum):
    """Outcome of one reasonableness check."""

    WITHIN = "within standard"
    ABOVE = "above standard"
    NO_STANDARD = "no standard available"


def _frequency_factor(frequency: str) -> tuple[int, int]:
    try:
        return FREQUENCIES[frequency]
    except KeyError:
        raise DomainError("frequency", f"unknown frequency {frequency!r}") from None


def monthly_amount(amount: Number, frequency: str) -> Decimal:
    """Convert an amount paid at ``frequency`` to a monthly amount, half up to the cent."""
    numerator, denominator = _frequency_factor(frequency)
    return round_cents(non_negative(amount, "amount") * numerator / denominator)


@dataclass(frozen=True)
class Income:
    """One income source; ``net`` is take-home pay (defaults to ``gross``)."""

    kind: str
    gross: Decimal
    net: Decimal | None = None
    frequency: str = "monthly"

    def __post_init__(self) -> None:
        if self.kind not in INCOME_KINDS:
            raise DomainError("kind", f"unknown income kind {self.kind!r}")
        _frequency_factor(self.frequency)
        gross = non_negative(self.gross, "gross")
        net = gross if self.net is None else non_negative(self.net, "net")
        if net > gross:
            raise DomainError("net", "net income cannot exceed gross income")
        object.__setattr__(self, "gross", gross)
        object.__setattr__(self, "net", net)


@dataclass(frozen=True)
class Expense:
    """One living expense: ``category`` is a worksheet line item or a category name."""

    category: str
    amount: Decimal
    frequency: str = "monthly"

    def __post_init__(self) -> None:
        if self.category in DEBT_ITEMS:
            raise DomainError("category", f"{self.category!r} is a debt: pass it as a DebtPayment")
        if self.category not in LINE_ITEMS and self.category not in CATEGORIES:
            raise DomainError("category", f"unknown expense category {self.category!r}")
        _frequency_factor(self.frequency)
        object.__setattr__(self, "amount", non_negative(self.amount, "amount"))

    @property
    def group(self) -> str:
        """The counseling category this expense is reported under."""
        return LINE_ITEMS.get(self.category, self.category)


class DebtLike(Protocol):
    """Anything with a monthly payment and the secured / housing flags.

    ``intake.engine.budget.DebtPayment`` and ``counselor.engine.dmp.Debt`` both qualify.
    """

    @property
    def monthly_payment(self) -> Decimal: ...

    @property
    def secured(self) -> bool: ...

    @property
    def is_housing(self) -> bool: ...


@dataclass(frozen=True)
class DebtPayment:
    """A monthly debt payment: mortgage (secured, housing), car loan (secured), card..."""

    creditor: str
    monthly_payment: Decimal
    secured: bool = False
    is_housing: bool = False

    def __post_init__(self) -> None:
        payment = non_negative(self.monthly_payment, "monthly_payment")
        object.__setattr__(self, "monthly_payment", payment)


@dataclass(frozen=True)
class ReasonablenessFlag:
    """One expense compared with its IRS benchmark."""

    category: str
    amount: Decimal
    standard: Standard
    status: FlagStatus

    @property
    def message(self) -> str:
        """A sentence for the counselor screen, with source date."""
        spent = f"{words(self.category).capitalize()}: {money_text(self.amount)} a month"
        if self.standard.amount is None:
            return f"{spent}; no standard available ({self.standard.label})."
        word = "above" if self.status is FlagStatus.ABOVE else "within"
        when = self.standard.effective_date.isoformat() if self.standard.effective_date else ""
        benchmark = f"the IRS {self.standard.label} of {money_text(self.standard.amount)}"
        return f"{spent} is {word} {benchmark} (effective {when})."


@dataclass(frozen=True)
class BudgetAnalysis:
    """The monthly picture a counselor reviews; ratios are fractions (0.3512 = 35.12%)."""

    gross_monthly_income: Decimal
    net_monthly_income: Decimal
    expenses_by_category: Mapping[str, Decimal]
    living_expenses: Decimal
    housing_costs: Decimal
    secured_debt_payments: Decimal
    unsecured_debt_payments: Decimal
    housing_debt_payments: Decimal
    total_debt_payments: Decimal
    surplus: Decimal
    dti: Decimal | None
    consumer_dti: Decimal | None
    housing_ratio: Decimal | None
    dti_band: Band
    consumer_dti_band: Band
    fixed_income: bool
    flags: tuple[ReasonablenessFlag, ...]
    standards_version: StandardsVersion
    household_size: int
    state: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def short_each_month(self) -> bool:
        """Whether the month ends short once every minimum payment is made."""
        return self.surplus < self.unsecured_debt_payments

    @property
    def dti_words(self) -> str:
        """The debt-to-income band for a sentence: a household short each month is never
        called "healthy" (its payments are small beside its income, not affordable)."""
        return band_words(self.dti_band, self.surplus - self.unsecured_debt_payments)

    @property
    def consumer_dti_words(self) -> str:
        return band_words(self.consumer_dti_band, self.surplus - self.unsecured_debt_payments)


def band_words(band: Band, left: Decimal) -> str:
    """``band`` as words; "healthy" and "safe" become "low, but short each month" when what
    is ``left`` after every payment is below zero."""
    if left < 0 and band in (Band.HEALTHY, Band.SAFE):
        return "low, but short each month"
    return str(band)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else (part / whole).quantize(RATIO_PLACES, ROUND_HALF_UP)


def dti_band(debt: Decimal, gross: Decimal) -> Band:
    """≤35% healthy, below 50% manageable, ≥50% act now (decided on the exact ratio)."""
    if gross == 0:
        return Band.NOT_AVAILABLE
    if debt * 100 <= gross * 35:
        return Band.HEALTHY
    return Band.MANAGEABLE if debt * 100 < gross * 50 else Band.ACT_NOW


def consumer_dti_band(debt: Decimal, gross: Decimal, *, fixed_income: bool) -> Band:
    """≤15% safe (≤10% on fixed incomes), ≤20% caution, above 20% danger."""
    if gross == 0:
        return Band.NOT_AVAILABLE
    safe_limit = 10 if fixed_income else 15
    if debt * 100 <= gross * safe_limit:
        return Band.SAFE
    return Band.CAUTION if debt * 100 <= gross * 20 else Band.DANGER


def _by_category(expenses: Iterable[Expense]) -> dict[str, Decimal]:
    totals = dict.fromkeys(CATEGORIES, ZERO)
    for expense in expenses:
        totals[expense.group] += monthly_amount(expense.amount, expense.frequency)
    return totals


def _flag(category: str, amount: Decimal, standard: Standard) -> ReasonablenessFlag:
    if standard.amount is None:
        status = FlagStatus.NO_STANDARD
    else:
        status = FlagStatus.ABOVE if amount > standard.amount else FlagStatus.WITHIN
    return ReasonablenessFlag(category, amount, standard, status)


@dataclass(frozen=True)
class _Household:
    size: int
    members_65_and_over: int
    vehicles: int
    state: str | None
    county: str | None


def _flags(totals: Mapping[str, Decimal], housing: Decimal, home: _Household):
    irs = load_standards()
    essentials = totals["food"] + totals["clothing"] + totals["personal_care"]
    checks = (
        ("food", totals["food"], irs.national_item("food", home.size)),
        ("clothing", totals["clothing"], irs.national_item("apparel_services", home.size)),
        ("personal_care", totals["personal_care"], irs.national_item("personal_care", home.size)),
        ("food, clothing and personal care", essentials, irs.national_total(home.size)),
        ("medical", totals["medical"], irs.health_care(home.size, home.members_65_and_over)),
        ("transportation", totals["transportation"], irs.transportation(home.state, home.vehicles)),
        (
            "housing and utilities",
            housing + totals["utilities"],
            irs.housing_utilities(home.state, home.county, home.size),
        ),
    )
    return tuple(_flag(category, amount, standard) for category, amount, standard in checks)


def _household(size: int, seniors: int, vehicles: int | None, state: str | None, county):
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise DomainError("household_size", "must be a whole number of at least 1")
    if not 0 <= seniors <= size:
        raise DomainError("members_65_and_over", "must be between 0 and the household size")
    if vehicles is not None and vehicles < 0:
        raise DomainError("vehicles", "must not be negative")
    if state is not None and (len(state) != 2 or not state.isalpha()):
        raise DomainError("state", f"expected a two-letter state code, got {state!r}")
    state = state.upper() if state else None
    return _Household(size, seniors, 0 if vehicles is None else vehicles, state, county)


def analyze_budget(
    incomes: Sequence[Income],
    expenses: Sequence[Expense],
    debts: Sequence[DebtLike],
    household_size: int = 1,
    state: str | None = None,
    *,
    members_65_and_over: int = 0,
    vehicles: int | None = None,
    county: str | None = None,
) -> BudgetAnalysis:
    """Normalise the budget to a month and compute surplus, ratios, bands and IRS flags.

    Surplus = net income - living expenses - secured debt payments (what is left
    for unsecured debt). DTI = all debt payments ÷ gross; consumer DTI excludes
    housing debt; housing ratio = (housing expenses + housing debt) ÷ gross.
    ``vehicles`` (default none: public transport benchmark) and ``county`` only
    steer the IRS comparison. Raises :class:`DomainError` on bad input.
    """
    home = _household(household_size, members_65_and_over, vehicles, state, county)
    gross = sum((monthly_amount(i.gross, i.frequency) for i in incomes), ZERO)
    net = sum((monthly_amount(i.net, i.frequency) for i in incomes), ZERO)
    totals = _by_category(expenses)
    living = sum(totals.values(), ZERO)
    secured = sum((d.monthly_payment for d in debts if d.secured), ZERO)
    unsecured = sum((d.monthly_payment for d in debts if not d.secured), ZERO)
    housing_debt = sum((d.monthly_payment for d in debts if d.is_housing), ZERO)
    all_debt = secured + unsecured
    fixed = bool(incomes) and all(i.kind in FIXED_INCOME_KINDS for i in incomes)
    housing = totals["housing"] + housing_debt
    return BudgetAnalysis(
        gross_monthly_income=gross,
        net_monthly_income=net,
        expenses_by_category=MappingProxyType(totals),
        living_expenses=living,
        housing_costs=housing,
        secured_debt_payments=secured,
        unsecured_debt_payments=unsecured,
        housing_debt_payments=housing_debt,
        total_debt_payments=all_debt,
        surplus=net - living - secured,
        dti=_ratio(all_debt, gross),
        consumer_dti=_ratio(all_debt - housing_debt, gross),
        housing_ratio=_ratio(housing, gross),
        dti_band=dti_band(all_debt, gross),
        consumer_dti_band=consumer_dti_band(all_debt - housing_debt, gross, fixed_income=fixed),
        fixed_income=fixed,
        flags=_flags(totals, housing, home),
        standards_version=load_standards().version,
        household_size=home.size,
        state=home.state,
        notes=() if gross else ("No gross income entered: ratios are not available.",),
    )
