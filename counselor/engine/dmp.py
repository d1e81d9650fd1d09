"""Debt Management Plan pricing, the minimum-payment baseline and their comparison.

Pure domain code (no Django): frozen dataclasses of ``Decimal``. Percentages
are given as percent (``Decimal("24.99")`` is 24.99% APR). Every month the
interest is ``round_half_up(balance x APR / 1200, cents)``; the last payment is
exactly the remaining balance plus that interest, so balances end at zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from itertools import repeat
from typing import NamedTuple

from intake.engine.errors import DomainError
from intake.engine.money import CENT, HUNDRED, ZERO, ceil_cents, non_negative, percent, round_cents

MAX_MONTHS = 600
APR_DIVISOR = Decimal(1200)
NEGATIVE_AMORTIZATION = "the payment does not cover the monthly interest"
TOO_LONG = f"not paid off within {MAX_MONTHS} months"


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
        if not self.creditor.strip():
            raise DomainError("creditor", "a creditor name is required")
        object.__setattr__(self, "balance", non_negative(self.balance, "balance"))
        object.__setattr__(self, "apr", percent(self.apr, "apr"))
        object.__setattr__(self, "min_payment", non_negative(self.min_payment, "min_payment"))

    @property
    def monthly_payment(self) -> Decimal:
        """What the budget counts for this debt today (the contractual minimum)."""
        return self.min_payment


class ScheduleRow(NamedTuple):
    """One month of one account: opening + interest - payment = closing."""

    month: int
    opening: Decimal
    interest: Decimal
    payment: Decimal
    closing: Decimal


@dataclass(frozen=True)
class Amortization:
    """Paying one balance month by month. ``months is None`` when it never pays off."""

    balance: Decimal
    apr: Decimal
    payment: Decimal
    rows: tuple[ScheduleRow, ...]
    pays_off: bool
    never_reason: str = ""

    @property
    def months(self) -> int | None:
        """Months to payoff, or ``None`` for never."""
        return len(self.rows) if self.pays_off else None

    @property
    def total_interest(self) -> Decimal | None:
        """Interest over the whole payoff, or ``None`` for never."""
        return sum((row.interest for row in self.rows), ZERO) if self.pays_off else None

    @property
    def total_paid(self) -> Decimal | None:
        """Principal plus interest, or ``None`` for never."""
        return sum((row.payment for row in self.rows), ZERO) if self.pays_off else None


def _fixed_rows(balance: Decimal, apr: Decimal, payment: Decimal, limit: int) -> list[ScheduleRow]:
    """The hot loop: at most ``limit`` months of a fixed payment, stopping at zero.

    Rows are built as plain tuples and typed in one C-level ``map`` at the end;
    names are bound locally because this loop dominates the engine's run time.
    """
    raw: list[tuple] = []
    append, cent, half_up, divisor, month = raw.append, CENT, ROUND_HALF_UP, APR_DIVISOR, 0
    while balance and month < limit:
        month += 1
        interest = (balance * apr / divisor).quantize(cent, half_up)
        closing = balance + interest - payment
        if closing <= 0:
            append((month, balance, interest, balance + interest, ZERO))
            break
        append((month, balance, interest, payment, closing))
        balance = closing
    return list(map(tuple.__new__, repeat(ScheduleRow), raw))


def first_interest(balance: Decimal, apr: Decimal) -> Decimal:
    """The first month's interest, half up to the cent."""
    return round_cents(balance * apr / APR_DIVISOR)


def amortize(
    balance: Decimal, apr: Decimal, payment: Decimal, *, max_months: int = MAX_MONTHS
) -> Amortization:
    """Pay ``balance`` at ``apr`` with a fixed ``payment`` until zero or ``max_months``."""
    balance = non_negative(balance, "balance")
    apr, payment = percent(apr, "apr"), non_negative(payment, "payment")
    if balance and payment <= first_interest(balance, apr):
        return Amortization(balance, apr, payment, (), False, NEGATIVE_AMORTIZATION)
    rows = _fixed_rows(balance, apr, payment, max_months)
    paid = not rows or rows[-1].closing == 0
    return Amortization(balance, apr, payment, tuple(rows), paid, "" if paid else TOO_LONG)


def level_payment(balance: Decimal, apr: Decimal, months: int) -> Decimal:
    """P = B·r / (1 - (1+r)^-n), or B/n at 0%, rounded UP to the cent."""
    if apr == 0:
        return ceil_cents(balance / months)
    rate = apr / APR_DIVISOR
    return ceil_cents(balance * rate / (1 - (1 + rate) ** -months))


def months_to_payoff(balance: Decimal, apr: Decimal, payment: Decimal) -> Decimal | None:
    """Closed form n = -ln(1 - B·r/P) / ln(1+r), unrounded; ``None`` if P ≤ B·r."""
    if apr == 0:
        return balance / payment
    rate = apr / APR_DIVISOR
    if payment <= balance * rate:
        return None
    return -(1 - balance * rate / payment).ln() / (1 + rate).ln()


def _clearing_rows(balance: Decimal, apr: Decimal, payment: Decimal, months: int):
    """Schedule for ``payment``, raised a cent at a time until it clears within ``months``.

    The level payment is already rounded up, but half-up interest rounding can
    drift a few cents past the term; one extra cent a month always covers that.
    """
    for _ in range(months + 1):
        rows = _fixed_rows(balance, apr, payment, months)
        if not rows or rows[-1].closing == 0:
            return payment, rows
        payment += CENT
    raise ArithmeticError(f"no payment cleared {balance} at {apr}% within {months} months")


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, clamping the day (Jan 31 + 1 → Feb 28/29)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise DomainError("start", f"cannot move {start} by {months} months")


@dataclass(frozen=True)
class PlanLine:
    """One enrolled creditor: its fixed monthly payment and full schedule."""

    debt: Debt
    terms: Concessions
    apr: Decimal
    payment: Decimal
    schedule: tuple[ScheduleRow, ...]
    payoff_month: date | None

    @property
    def months(self) -> int:
        """Months until this creditor is paid in full."""
        return len(self.schedule)

    @property
    def total_interest(self) -> Decimal:
        """Interest paid to this creditor over the plan."""
        return sum((row.interest for row in self.schedule), ZERO)

    @property
    def fair_share(self) -> Decimal:
        """Creditor contribution on one regular payment; the client is still credited 100%."""
        return round_cents(self.payment * self.terms.fair_share_pct / HUNDRED)


class PlanMonth(NamedTuple):
    """One month of the plan: what goes to each creditor (line order) plus the fee."""

    month: int
    due_date: date
    payments: tuple[Decimal, ...]
    to_creditors: Decimal
    fee: Decimal
    deposit: Decimal


@dataclass(frozen=True)
class Plan:
    """A proposed DMP: fixed per-creditor payments, schedule and totals."""

    tier: str
    start: date
    lines: tuple[PlanLine, ...]
    excluded: tuple[Debt, ...]
    monthly_fee: Decimal
    setup_fee: Decimal

    @property
    def debts(self) -> tuple[Debt, ...]:
        """The enrolled (unsecured) debts, e.g. for :func:`baseline`."""
        return tuple(line.debt for line in self.lines)

    @property
    def monthly_to_creditors(self) -> Decimal:
        """Sum of the regular per-creditor payments."""
        return sum((line.payment for line in self.lines), ZERO)

    @property
    def monthly_deposit(self) -> Decimal:
        """What the consumer deposits each month: creditor payments plus the agency fee."""
        return self.monthly_to_creditors + self.monthly_fee

    @property
    def months(self) -> int:
        """Months until debt-free."""
        return max((line.months for line in self.lines), default=0)

    @property
    def debt_free_month(self) -> date:
        """Due date of the last payment."""
        return add_months(self.start, max(self.months - 1, 0))

    @property
    def total_interest(self) -> Decimal:
        """Interest over the whole plan, all creditors."""
        return sum((line.total_interest for line in self.lines), ZERO)

    @property
    def total_fees(self) -> Decimal:
        """Setup fee plus the monthly fee for every month of the plan."""
        return self.setup_fee + self.monthly_fee * self.months

    @property
    def total_enrolled(self) -> Decimal:
        """Balance enrolled in the plan."""
        return sum((line.debt.balance for line in self.lines), ZERO)

    @property
    def total_disclosed(self) -> Decimal:
        """All balances disclosed, enrolled or not (COA PA-FEC 7 disclosure)."""
        return self.total_enrolled + sum((debt.balance for debt in self.excluded), ZERO)

    @cached_property
    def schedule(self) -> tuple[PlanMonth, ...]:
        """Month by month: per-creditor payments, fee and deposit."""
        return tuple(self._month(index) for index in range(self.months))

    def _month(self, index: int) -> PlanMonth:
        payments = tuple(
            line.schedule[index].payment if index < line.months else ZERO for line in self.lines
        )
        paid = sum(payments, ZERO)
        due = add_months(self.start, index)
        return PlanMonth(index + 1, due, payments, paid, self.monthly_fee, paid + self.monthly_fee)


def _tier_terms(terms: Concessions, tier: str) -> tuple[Decimal, Decimal | None]:
    if tier == "standard":
        return terms.min_payment_pct, terms.concession_apr
    if tier == "hardship":
        apr = terms.hardship_concession_apr
        return terms.hardship_min_payment_pct, terms.concession_apr if apr is None else apr
    raise DomainError("tier", f"unknown tier {tier!r}; use 'standard' or 'hardship'")


def _plan_line(debt: Debt, terms: Concessions, tier: str, start: date) -> PlanLine:
    min_pct, concession = _tier_terms(terms, tier)
    apr = debt.apr if concession is None else min(concession, debt.apr)
    term = terms.max_term_months
    by_percent = ceil_cents(debt.balance * min_pct / HUNDRED)
    wanted = max(by_percent, level_payment(debt.balance, apr, term))
    payment, rows = _clearing_rows(debt.balance, apr, wanted, term)
    payoff = add_months(start, len(rows) - 1) if rows else None
    return PlanLine(debt, terms, apr, payment, tuple(rows), payoff)


def _fee(value: object, name: str) -> Decimal:
    return round_cents(non_negative(value, name))


def propose_plan(
    debts: Sequence[Debt],
    terms_for: Callable[[str], Concessions] = default_terms,
    *,
    monthly_fee: Decimal,
    setup_fee: Decimal,
    start: date,
    tier: str = "standard",
) -> Plan:
    """Price a DMP: each unsecured debt gets max(min% x B, level payment within max term).

    Secured debts are disclosed but not enrolled (``Plan.excluded``). The
    concession APR never raises a debt's current APR. Raises
    :class:`DomainError` for an empty debt list or nothing left to enroll.
    """
    if not debts:
        raise DomainError("debts", "at least one debt is required")
    enrolled = [debt for debt in debts if not debt.secured]
    if not enrolled:
        raise DomainError("debts", "only secured debts given; a DMP enrolls unsecured debt")
    lines = tuple(_plan_line(debt, terms_for(debt.creditor), tier, start) for debt in enrolled)
    excluded = tuple(debt for debt in debts if debt.secured)
    fees = _fee(monthly_fee, "monthly_fee"), _fee(setup_fee, "setup_fee")
    return Plan(tier, start, lines, excluded, *fees)


def retier(plan: Plan, tier: str) -> Plan:
    """The same debts, terms and fees priced at another tier (e.g. ``"hardship"``)."""
    lines = tuple(_plan_line(line.debt, line.terms, tier, plan.start) for line in plan.lines)
    return replace(plan, tier=tier, lines=lines)


def _minimum_payment(balance: Decimal, interest: Decimal, rule: MinimumRule) -> Decimal:
    """This month's minimum under ``rule``, never more than what is owed."""
    part = round_cents(balance * rule.pct_of_balance / HUNDRED)
    if rule.plus_interest:
        part += interest
    return min(max(rule.floor, part), balance + interest)


def _minimum_rows(debt: Debt, rule: MinimumRule) -> Amortization:
    """Minimum recomputed each month from the balance, as card issuers do."""
    rows: list[ScheduleRow] = []
    balance = debt.balance
    while balance and len(rows) < MAX_MONTHS:
        interest = first_interest(balance, debt.apr)
        payment = _minimum_payment(balance, interest, rule)
        closing = balance + interest - payment
        if closing >= balance:
            return Amortization(debt.balance, debt.apr, payment, (), False, NEGATIVE_AMORTIZATION)
        rows.append(ScheduleRow(len(rows) + 1, balance, interest, payment, closing))
        balance = closing
    paid = not balance
    return Amortization(
        debt.balance, debt.apr, debt.min_payment, tuple(rows), paid, "" if paid else TOO_LONG
    )


@dataclass(frozen=True)
class Payoff:
    """Keeping up contractual minimums at current APRs, per debt and in total."""

    lines: tuple[Amortization, ...]
    debts: tuple[Debt, ...] = field(default=())

    @property
    def pays_off(self) -> bool:
        """False when any debt never pays off on its minimum."""
        return all(line.pays_off for line in self.lines)

    @property
    def months(self) -> int | None:
        """Months until the last debt is paid, or ``None`` for never."""
        return max((line.months or 0 for line in self.lines), default=0) if self.pays_off else None

    @property
    def total_interest(self) -> Decimal | None:
        """Interest on all debts, or ``None`` when one never pays off."""
        if not self.pays_off:
            return None
        return sum((line.total_interest or ZERO for line in self.lines), ZERO)

    @property
    def monthly_payment(self) -> Decimal:
        """Sum of this month's minimum payments."""
        return sum((debt.min_payment for debt in self.debts), ZERO)

    @property
    def never(self) -> tuple[str, ...]:
        """Creditors whose minimum never clears the balance."""
        pairs = zip(self.debts, self.lines, strict=True)
        return tuple(debt.creditor for debt, line in pairs if not line.pays_off)


def baseline(debts: Sequence[Debt]) -> Payoff:
    """Contractual minimums at the current APRs (stated minimum, or its rule when known)."""
    if not debts:
        raise DomainError("debts", "at least one debt is required")
    lines = tuple(
        _minimum_rows(debt, debt.minimum_rule)
        if debt.minimum_rule
        else amortize(debt.balance, debt.apr, debt.min_payment)
        for debt in debts
    )
    return Payoff(lines, tuple(debts))


@dataclass(frozen=True)
class Comparison:
    """Plan versus baseline; savings are ``None`` when the baseline never pays off."""

    plan_interest: Decimal
    plan_months: int
    baseline_interest: Decimal | None
    baseline_months: int | None
    baseline_pays_off: bool

    @property
    def interest_saved(self) -> Decimal | None:
        """Baseline interest minus plan interest."""
        if self.baseline_interest is None:
            return None
        return self.baseline_interest - self.plan_interest

    @property
    def months_saved(self) -> int | None:
        """Baseline months minus plan months."""
        return None if self.baseline_months is None else self.baseline_months - self.plan_months


def compare(plan: Plan, payoff: Payoff) -> Comparison:
    """Interest and months saved by the plan against the same debts' baseline."""
    if sum((d.balance for d in payoff.debts), ZERO) != plan.total_enrolled:
        raise DomainError("baseline", "the baseline must cover the plan's enrolled debts")
    return Comparison(
        plan.total_interest, plan.months, payoff.total_interest, payoff.months, payoff.pays_off
    )
