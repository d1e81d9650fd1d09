"""The options comparator for the written action plan (COA FEC 4).

Each option reports its monthly payment, months, total cost (everything the
consumer pays: principal repaid, interest, fees, and for settlement the
estimated tax) and a credit-impact note in English and Spanish. Figures are
estimates for a conversation, priced with the same cent-exact rules as the DMP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from counselor.engine.dmp import MAX_MONTHS, Debt, Plan, amortize, first_interest, level_payment
from counselor.engine.eligibility import Assessment, Outcome
from intake.engine.errors import DomainError
from intake.engine.money import (
    HUNDRED,
    ZERO,
    ceil_cents,
    engine_context,
    money_text,
    non_negative,
    percent,
    round_cents,
)


@dataclass(frozen=True)
class OptionResult:
    """One row of the comparison; ``None`` figures mean "not applicable" or "never"."""

    kind: str
    label_en: str
    label_es: str
    monthly_payment: Decimal | None
    months: int | None
    total_interest: Decimal | None
    total_fees: Decimal | None
    total_cost: Decimal | None
    credit_impact_en: str
    credit_impact_es: str
    caveats_en: tuple[str, ...] = ()
    feasible: bool = True
    recommended: bool = False


@dataclass(frozen=True)
class ConsolidationLoan:
    """A loan offer: APR and term, with an origination fee financed into the loan."""

    apr: Decimal
    term_months: int
    origination_fee_pct: Decimal = Decimal("0")


@dataclass(frozen=True)
class SettlementAssumptions:
    """Rough settlement inputs: share of balance paid, company fee, saving period, tax rate."""

    settle_pct: Decimal = Decimal("50")
    fee_pct: Decimal = Decimal("20")
    months: int = 36
    tax_rate_pct: Decimal = Decimal("12")


@dataclass(frozen=True)
class HardshipProgram:
    """An issuer hardship program: reduced APR for a few months, same minimum payment."""

    apr: Decimal = Decimal("0")
    months: int = 12


def _principal(debts: Sequence[Debt]) -> Decimal:
    if isinstance(debts, str | bytes) or not isinstance(debts, Sequence) or not debts:
        raise DomainError("debts", "at least one debt is required")
    if not all(isinstance(debt, Debt) for debt in debts):
        raise DomainError("debts", "every debt must be a Debt")
    return sum((debt.balance for debt in debts), ZERO)


@engine_context
def dmp_option(plan: Plan, recommended: bool = False) -> OptionResult:
    """The proposed DMP as an option row."""
    if not isinstance(plan, Plan):
        raise DomainError("plan", f"a priced plan is required, got {plan!r}")
    cost = plan.total_enrolled + plan.total_interest + plan.total_fees
    return OptionResult(
        "dmp",
        "Debt management plan",
        "Plan de manejo de deudas",
        plan.monthly_deposit,
        plan.months,
        plan.total_interest,
        plan.total_fees,
        cost,
        "Moderate: enrolled cards are closed and may be noted as on a plan; on-time payments"
        " and falling balances usually help the score over time.",
        "Moderado: las tarjetas inscritas se cierran y pueden figurar como en un plan; los pagos"
        " puntuales y los saldos menores suelen ayudar al puntaje con el tiempo.",
        ("Pays 100% of principal; creditor concessions lower the interest.",),
        recommended=recommended,
    )


def _diy_month(balances: list, debts: Sequence[Debt], budget: Decimal, order: list[int]):
    """One month of do-it-yourself payoff; returns (interest, paid)."""
    interest_total = paid_total = ZERO
    for i, debt in enumerate(debts):
        interest = first_interest(balances[i], debt.apr) if balances[i] else ZERO
        balances[i] += interest
        interest_total += interest
    money = budget
    for i, debt in enumerate(debts):
        pay = min(debt.min_payment, balances[i], money)
        balances[i] -= pay
        money -= pay
        paid_total += pay
    for i in order:
        pay = min(balances[i], money)
        balances[i] -= pay
        money -= pay
        paid_total += pay
    return interest_total, paid_total


@engine_context
def diy_option(debts: Sequence[Debt], monthly_amount: Decimal, method: str) -> OptionResult:
    """Pay minimums everywhere and the rest to the highest APR (avalanche) or smallest
    balance (snowball), rolling freed-up payments forward, with a fixed monthly amount."""
    budget = non_negative(monthly_amount, "monthly_amount")
    principal = _principal(debts)
    keys = {
        "avalanche": lambda i: (-debts[i].apr, debts[i].balance),
        "snowball": lambda i: (debts[i].balance, -debts[i].apr),
    }
    if method not in keys:
        raise DomainError("method", f"unknown method {method!r}; use 'avalanche' or 'snowball'")
    order = sorted(range(len(debts)), key=keys[method])
    balances = [debt.balance for debt in debts]
    interest = ZERO
    months = 0
    while any(balances) and months < MAX_MONTHS:
        before = sum(balances, ZERO)
        month_interest, _ = _diy_month(balances, debts, budget, order)
        interest += month_interest
        months += 1
        if sum(balances, ZERO) >= before:
            break
    return _diy_result(method, budget, principal, interest, months, not any(balances))


def _diy_result(method, budget, principal, interest, months, paid_off) -> OptionResult:
    label_es = {"avalanche": "avalancha", "snowball": "bola de nieve"}[method]
    caveat = (
        f"Sends the same {money_text(budget)} a month to the creditors at their current APRs;"
        " takes discipline and no creditor concessions."
    )
    return OptionResult(
        method,
        f"Do it yourself ({method})",
        f"Por su cuenta ({label_es})",
        budget,
        months if paid_off else None,
        interest if paid_off else None,
        ZERO,
        principal + interest if paid_off else None,
        "Neutral to positive: accounts stay open and on-time payments and lower balances help.",
        "Neutral a positivo: las cuentas siguen abiertas y los pagos puntuales y saldos menores"
        " ayudan.",
        (caveat,) if paid_off else (caveat, "This amount never pays the debts off."),
        feasible=paid_off,
    )


@engine_context
def consolidation_option(debts: Sequence[Debt], loan: ConsolidationLoan) -> OptionResult:
    """One new loan paying every card, at the offered APR and term."""
    principal = _principal(debts)
    apr = percent(loan.apr, "apr")
    fee = round_cents(principal * percent(loan.origination_fee_pct, "origination_fee_pct") / 100)
    if not 1 <= loan.term_months <= MAX_MONTHS:
        raise DomainError("term_months", f"must be from 1 to {MAX_MONTHS}")
    payment = level_payment(principal + fee, apr, loan.term_months)
    payoff = amortize(principal + fee, apr, payment)
    return OptionResult(
        "consolidation",
        "Consolidation loan",
        "Préstamo de consolidación",
        payment,
        payoff.months,
        payoff.total_interest,
        fee,
        payoff.total_paid,
        "Small dip for the hard inquiry and new account; needs decent credit to qualify.",
        "Baja leve por la consulta de crédito y la cuenta nueva; requiere buen crédito.",
        ("Restructures the debt; it does not reduce it. Paid-off cards can be run up again.",),
    )


@engine_context
def settlement_option(debts: Sequence[Debt], assumptions: SettlementAssumptions) -> OptionResult:
    """Rough debt settlement estimate: settled share + company fee + estimated tax."""
    principal = _principal(debts)
    settled = round_cents(principal * percent(assumptions.settle_pct, "settle_pct") / HUNDRED)
    fee = round_cents(principal * percent(assumptions.fee_pct, "fee_pct") / HUNDRED)
    forgiven = principal - settled
    rate = percent(assumptions.tax_rate_pct, "tax_rate_pct")
    tax = round_cents(forgiven * rate / HUNDRED)
    if not 1 <= assumptions.months <= MAX_MONTHS:
        raise DomainError("months", f"must be from 1 to {MAX_MONTHS}")
    caveats = (
        "Fees may be charged only after a debt is settled (Telemarketing Sales Rule).",
        f"Forgiven debt of {money_text(forgiven)} may be taxable income (Form 1099-C) unless"
        f" you are insolvent; estimated tax at {rate}%: {money_text(tax)}.",
        "Creditors need not settle; interest, late fees and lawsuits can continue meanwhile.",
    )
    return OptionResult(
        "settlement",
        "Debt settlement (estimate)",
        "Liquidación de deudas (estimado)",
        ceil_cents((settled + fee) / assumptions.months),
        assumptions.months,
        None,
        fee,
        settled + fee + tax,
        "Severe: accounts go delinquent and are charged off; settled accounts stay on the"
        " report for seven years.",
        "Grave: las cuentas caen en mora y se cancelan como pérdida; las cuentas liquidadas"
        " permanecen siete años en el informe.",
        caveats,
    )


def _hardship_debt(debt: Debt, program: HardshipProgram):
    """Months and interest for one debt: program APR first, then its current APR."""
    first = amortize(debt.balance, program.apr, debt.min_payment, max_months=program.months)
    rest = first.rows[-1].closing if first.rows else debt.balance
    interest = sum((row.interest for row in first.rows), ZERO)
    if not first.rows and debt.balance:
        return None, None
    after = amortize(rest, debt.apr, debt.min_payment)
    if not after.pays_off:
        return None, None
    return len(first.rows) + (after.months or 0), interest + (after.total_interest or ZERO)


@engine_context
def hardship_option(debts: Sequence[Debt], program: HardshipProgram) -> OptionResult:
    """Issuer hardship programs: lower APR for ``program.months``, then back to normal."""
    principal = _principal(debts)
    results = [_hardship_debt(debt, program) for debt in debts]
    done = all(months is not None for months, _ in results)
    months = max((m or 0 for m, _ in results), default=0) if done else None
    interest = sum((i or ZERO for _, i in results), ZERO) if done else None
    return OptionResult(
        "issuer_hardship",
        "Issuer hardship programs",
        "Programas de dificultad económica del acreedor",
        sum((debt.min_payment for debt in debts), ZERO),
        months,
        interest,
        ZERO,
        principal + interest if interest is not None else None,
        "Usually limited: the card may be closed or frozen and noted as in a hardship program.",
        "Generalmente limitado: la tarjeta puede cerrarse o congelarse y figurar en un programa"
        " de dificultad económica.",
        (f"Assumes {program.apr}% APR for {program.months} months, then the current APR.",),
        feasible=done,
    )


def bankruptcy_option(refer: bool) -> OptionResult:
    """Referral to a bankruptcy attorney (Chapter 7 / Chapter 13); no figures."""
    return OptionResult(
        "bankruptcy_referral",
        "Consultation with a bankruptcy attorney",
        "Consulta con un abogado de bancarrota",
        None,
        None,
        None,
        None,
        None,
        "Severe: Chapter 7 stays on the report for ten years, Chapter 13 for seven.",
        "Grave: el Capítulo 7 permanece diez años en el informe y el Capítulo 13, siete.",
        ("An attorney decides between Chapter 7 and Chapter 13; we do not give legal advice.",),
        recommended=refer,
    )


@engine_context
def compare_options(
    debts: Sequence[Debt],
    plan: Plan,
    *,
    assessment: Assessment | None = None,
    loan: ConsolidationLoan | None = None,
    settlement: SettlementAssumptions | None = None,
    hardship: HardshipProgram | None = None,
) -> tuple[OptionResult, ...]:
    """Every option for the action plan, DIY priced with the DMP's monthly deposit."""
    dmp_fits = assessment is not None and assessment.outcome in (
        Outcome.DMP_STANDARD,
        Outcome.DMP_HARDSHIP,
    )
    rows = [
        dmp_option(plan, recommended=dmp_fits),
        diy_option(debts, plan.monthly_deposit, "avalanche"),
        diy_option(debts, plan.monthly_deposit, "snowball"),
    ]
    if loan is not None:
        rows.append(consolidation_option(debts, loan))
    rows.append(settlement_option(debts, settlement or SettlementAssumptions()))
    rows.append(hardship_option(debts, hardship or HardshipProgram()))
    refer = assessment is not None and assessment.refer_to_bankruptcy_attorney
    rows.append(bankruptcy_option(refer))
    return tuple(rows)
