"""Debt Management Plan pricing, the minimum-payment baseline and their comparison.

Pure domain code (no Django): frozen dataclasses of ``Decimal``. Percentages
are given as percent (``Decimal("24.99")`` is 24.99% APR). The month-by-month
schedule maths live in :mod:`counselor.engine.amortization` (re-exported here).
Each month's agency fee is clipped to the state's cap for that month's own facts
(:mod:`counselor.engine.fees`), so a plan is within the law in every month.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from operator import add
from typing import NamedTuple

from counselor.engine.amortization import (
    APR_DIVISOR,
    INTEREST,
    MAX_MONTHS,
    NEGATIVE_AMORTIZATION,
    TOO_LONG,
    Amortization,
    CentRow,
    ScheduleRow,
    add_months,
    amortize,
    clearing_rows,
    first_interest,
    fixed_payoff,
    level,
    level_payment,
    money,
    months_to_payoff,
    schedule_rows,
    to_cents,
)
from counselor.engine.debts import DEFAULT_TERMS, Concessions, Debt, MinimumRule, default_terms
from counselor.engine.fee_text import FeeStep, fee_phrase, fee_rule_phrase, fee_steps
from counselor.engine.fees import FeeRule, FeeSchedule, MonthFacts, charge_months, fee_rule
from intake.engine.checks import required_date
from intake.engine.errors import DomainError
from intake.engine.money import (
    HUNDRED,
    ZERO,
    ceil_cents,
    engine_context,
    round_cents,
)

__all__ = [
    "APR_DIVISOR",
    "DEFAULT_TERMS",
    "MAX_MONTHS",
    "NEGATIVE_AMORTIZATION",
    "TIERS",
    "TOO_LONG",
    "Amortization",
    "Comparison",
    "Concessions",
    "Debt",
    "FeeStep",
    "MinimumRule",
    "Payoff",
    "Plan",
    "PlanLine",
    "PlanMonth",
    "ScheduleRow",
    "add_months",
    "amortize",
    "baseline",
    "compare",
    "default_terms",
    "first_interest",
    "level_payment",
    "months_to_payoff",
    "propose_plan",
    "retier",
]
TIERS = ("standard", "hardship")


@dataclass(frozen=True)
class PlanLine:
    """One enrolled creditor: its fixed monthly payment and full schedule.

    ``payment`` is what month 1 actually pays (a balance cleared in one month pays
    just the balance plus that month's interest).
    """

    debt: Debt
    terms: Concessions
    apr: Decimal
    payment: Decimal
    cents: tuple[CentRow, ...]
    payoff_month: date | None

    @cached_property
    def schedule(self) -> tuple[ScheduleRow, ...]:
        """This creditor's schedule, month by month."""
        return schedule_rows(self.cents)

    @property
    def months(self) -> int:
        """Months until this creditor is paid in full."""
        return len(self.cents)

    @property
    def total_interest(self) -> Decimal:
        """Interest paid to this creditor over the plan: all payments less the balance
        (each month's opening + interest - payment = closing, and the last closing is 0)."""
        rows = self.cents
        if not rows:
            return ZERO
        return money(rows[0][3] * (len(rows) - 1) + rows[-1][3] - rows[0][1])

    @property
    def fair_share(self) -> Decimal:
        """Creditor contribution on one regular payment; the client is still credited 100%."""
        return round_cents(self.payment * self.terms.fair_share_pct / HUNDRED)


class PlanMonth(NamedTuple):
    """One month of the plan: what goes to each creditor (line order) plus the fee.

    ``creditors`` are those paid this month and ``fee_cap`` the most the law allowed
    as this month's fee; ``fee`` never exceeds it.
    """

    month: int
    due_date: date
    payments: tuple[Decimal, ...]
    to_creditors: Decimal
    fee: Decimal
    deposit: Decimal
    creditors: int = 0
    fee_cap: Decimal = ZERO


@dataclass(frozen=True)
class Plan:
    """A proposed DMP: fixed per-creditor payments, schedule, each month's fee and totals.

    ``fees`` holds the fee charged in each month (month 1 first), ``fee_caps`` that
    month's cap under ``fee_rule``; ``requested`` is the agency's own schedule.
    """

    tier: str
    start: date
    lines: tuple[PlanLine, ...]
    excluded: tuple[Debt, ...]
    requested: FeeSchedule
    fee_rule: FeeRule
    month_facts: tuple[MonthFacts, ...]
    fees: tuple[Decimal, ...]
    fee_caps: tuple[Decimal, ...]
    setup_fee: Decimal

    @property
    def monthly_fee(self) -> Decimal:
        """Month 1's fee: the regular fee stated with the regular deposit."""
        return self.fees[0] if self.fees else ZERO

    @property
    def debts(self) -> tuple[Debt, ...]:
        """The enrolled (unsecured) debts, e.g. for :func:`baseline`."""
        return tuple(line.debt for line in self.lines)

    @property
    def monthly_to_creditors(self) -> Decimal:
        """Sum of the regular per-creditor payments: month 1's disbursement."""
        return sum((line.payment for line in self.lines), ZERO)

    @property
    def monthly_deposit(self) -> Decimal:
        """What the consumer deposits in month 1: creditor payments plus that month's fee."""
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
    def total_monthly_fees(self) -> Decimal:
        """The monthly fees of every month of the plan."""
        return sum(self.fees, ZERO)

    @property
    def total_fees(self) -> Decimal:
        """Setup fee plus each month's fee."""
        return self.setup_fee + self.total_monthly_fees

    @property
    def fee_basis(self) -> str:
        """Which rule set the fees: e.g. "VA state law" or "no state cap known: UDMSA default"."""
        return self.fee_rule.basis

    @property
    def fee_steps(self) -> tuple[FeeStep, ...]:
        """The monthly fee as it changes: one step per run of equal fees."""
        return fee_steps(self.fees, self.start)

    def fee_phrase(self, lang: str = "en") -> str:
        """ "$20.00 a month through February 2028, then $10.00 a month", in ``"en"``/``"es"``."""
        return fee_phrase(self.fee_steps, lang)

    def fee_rule_phrase(self, lang: str = "en") -> str:
        """Which rule capped the fees, in plain words, in ``"en"``/``"es"``."""
        return fee_rule_phrase(self.fee_rule, lang)

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
        """Month by month: per-creditor payments, fee, deposit and that month's cap."""
        return tuple(self._month(index) for index in range(self.months))

    def _month(self, index: int) -> PlanMonth:
        payments = tuple(
            money(line.cents[index][3]) if index < line.months else ZERO for line in self.lines
        )
        paid, fee = self.month_facts[index].disbursed, self.fees[index]
        due = add_months(self.start, index)
        facts = self.month_facts[index]
        return PlanMonth(
            index + 1, due, payments, paid, fee, paid + fee, facts.creditors, self.fee_caps[index]
        )


def _tier_terms(terms: Concessions, tier: str) -> tuple[Decimal, Decimal | None]:
    if tier == "standard":
        return terms.min_payment_pct, terms.concession_apr
    if tier == "hardship":
        apr = terms.hardship_concession_apr
        return terms.hardship_min_payment_pct, terms.concession_apr if apr is None else apr
    raise DomainError("tier", f"unknown tier {tier!r}; use 'standard' or 'hardship'")


def _plan_line(debt: Debt, terms: Concessions, tier: str, start: date) -> PlanLine:
    if not isinstance(terms, Concessions):
        raise DomainError("terms", f"no creditor terms found for {debt.creditor} (got {terms!r})")
    min_pct, concession = _tier_terms(terms, tier)
    apr = debt.apr if concession is None else min(concession, debt.apr)
    term = terms.max_term_months
    by_percent = ceil_cents(debt.balance * min_pct / HUNDRED)
    wanted = max(by_percent, level(debt.balance, apr, term))
    rows = clearing_rows(debt.balance, apr, wanted, term)
    payment = money(rows[0][3]) if rows else wanted
    payoff = add_months(start, len(rows) - 1) if rows else None
    return PlanLine(debt, terms, apr, payment, tuple(rows), payoff)


def _month_facts(lines: Sequence[PlanLine], principal: bool) -> tuple[MonthFacts, ...]:
    """Creditors paid, disbursement and principal repaid in every month of the plan.

    Payments are fixed until each line's last month, so running totals of changes
    (not a pass over every row) give the disbursement; the principal, needed only for
    cumulative caps, sums the interest row by row.
    """
    months = max((line.months for line in lines), default=0)
    paid, count, interest = [0] * (months + 1), [0] * (months + 1), [0] * months
    for line in lines:
        rows = line.cents
        if not rows:
            continue
        end, regular, last = len(rows), rows[0][3], rows[-1][3]
        paid[0] += regular
        paid[end - 1] += last - regular
        paid[end] -= last
        count[0] += 1
        count[end] -= 1
        if principal:
            interest[:end] = map(add, interest[:end], map(INTEREST, rows))
    facts, running, creditors = [], 0, 0
    for index in range(months):
        running += paid[index]
        creditors += count[index]
        facts.append(MonthFacts(creditors, money(running), money(running - interest[index])))
    return tuple(facts)


def _price(tier, start, lines, excluded, requested: FeeSchedule, rule: FeeRule) -> Plan:
    facts = _month_facts(lines, rule.cumulative_percent is not None)
    charged = charge_months(rule, requested, facts)
    return Plan(
        tier,
        start,
        lines,
        excluded,
        requested,
        rule,
        facts,
        charged.monthly,
        charged.caps,
        charged.setup_fee,
    )


@engine_context
def propose_plan(
    debts: Sequence[Debt],
    terms_for: Callable[[str], Concessions] = default_terms,
    *,
    monthly_fee: Decimal,
    setup_fee: Decimal,
    start: date,
    tier: str = "standard",
    state: str | None = None,
    aiccca_member: bool = False,
) -> Plan:
    """Price a DMP: each unsecured debt gets max(min% x B, level payment within max term).

    ``monthly_fee`` and ``setup_fee`` are the agency's requested fees; each month's fee
    is clipped to ``state``'s cap for that month (the UDMSA default where no state rule
    is recorded, which ``Plan.fee_basis`` says). Secured debts are disclosed but not
    enrolled (``Plan.excluded``). The concession APR never raises a debt's current APR.
    Raises :class:`DomainError` for bad inputs or nothing left to enroll.
    """
    if isinstance(debts, str | bytes) or not isinstance(debts, Sequence) or not debts:
        raise DomainError("debts", "at least one debt is required")
    if not all(isinstance(debt, Debt) for debt in debts):
        raise DomainError("debts", "every debt must be a Debt")
    if not callable(terms_for):
        raise DomainError("terms_for", "a creditor terms lookup is required")
    start = required_date(start, "start")
    if tier not in TIERS:
        raise DomainError("tier", f"unknown tier {tier!r}; use 'standard' or 'hardship'")
    requested = FeeSchedule(setup_fee, monthly_fee)
    rule = fee_rule(state, aiccca_member=aiccca_member)
    enrolled = [debt for debt in debts if not debt.secured]
    if not enrolled:
        raise DomainError("debts", "only secured debts given; a DMP enrolls unsecured debt")
    lines = tuple(_plan_line(debt, terms_for(debt.creditor), tier, start) for debt in enrolled)
    excluded = tuple(debt for debt in debts if debt.secured)
    return _price(tier, start, lines, excluded, requested, rule)


@engine_context
def retier(plan: Plan, tier: str) -> Plan:
    """The same debts, terms and requested fees priced at another tier (e.g. ``"hardship"``);
    each month's fee follows that tier's own disbursement."""
    if not isinstance(plan, Plan):
        raise DomainError("plan", f"a priced plan is required, got {plan!r}")
    if tier not in TIERS:
        raise DomainError("tier", f"unknown tier {tier!r}; use 'standard' or 'hardship'")
    lines = tuple(_plan_line(line.debt, line.terms, tier, plan.start) for line in plan.lines)
    return _price(tier, plan.start, lines, plan.excluded, plan.requested, plan.fee_rule)


def _minimum_payment(balance: Decimal, interest: Decimal, rule: MinimumRule) -> Decimal:
    """This month's minimum under ``rule``, never more than what is owed."""
    part = round_cents(balance * rule.pct_of_balance / HUNDRED)
    if rule.plus_interest:
        part += interest
    return min(max(rule.floor, part), balance + interest)


def _minimum_rows(debt: Debt, rule: MinimumRule) -> Amortization:
    """Minimum recomputed each month from the balance, as card issuers do."""
    rows: list[CentRow] = []
    balance = debt.balance
    while balance and len(rows) < MAX_MONTHS:
        interest = first_interest(balance, debt.apr)
        payment = _minimum_payment(balance, interest, rule)
        closing = balance + interest - payment
        if closing >= balance:
            return Amortization(debt.balance, debt.apr, payment, (), False, NEGATIVE_AMORTIZATION)
        amounts = (to_cents(x, "balance") for x in (balance, interest, payment, closing))
        rows.append((len(rows) + 1, *amounts))
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


@engine_context
def baseline(debts: Sequence[Debt]) -> Payoff:
    """Contractual minimums at the current APRs (stated minimum, or its rule when known)."""
    if isinstance(debts, str | bytes) or not isinstance(debts, Sequence) or not debts:
        raise DomainError("debts", "at least one debt is required")
    if not all(isinstance(debt, Debt) for debt in debts):
        raise DomainError("debts", "every debt must be a Debt")
    lines = tuple(
        _minimum_rows(debt, debt.minimum_rule)
        if debt.minimum_rule
        else fixed_payoff(debt.balance, debt.apr, debt.min_payment, MAX_MONTHS)
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

    @property
    def interest_more(self) -> Decimal | None:
        """What the plan costs in interest beyond the baseline, when it costs more (a plan
        with a fee or a long term can): the documents then say "more", never a negative
        saving."""
        saved = self.interest_saved
        return -saved if saved is not None and saved < 0 else None


@engine_context
def compare(plan: Plan, payoff: Payoff) -> Comparison:
    """Interest and months saved by the plan against the same debts' baseline."""
    if not isinstance(plan, Plan) or not isinstance(payoff, Payoff):
        raise DomainError("baseline", "a priced plan and its baseline are required")
    if sum((d.balance for d in payoff.debts), ZERO) != plan.total_enrolled:
        raise DomainError("baseline", "the baseline must cover the plan's enrolled debts")
    return Comparison(
        plan.total_interest, plan.months, payoff.total_interest, payoff.months, payoff.pays_off
    )
