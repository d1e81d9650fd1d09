"""The DMP builder's maths, by composition of the engine only (no Django).

``build_proposal`` prices one version of a proposal: the budget (intake.engine.budget), the
plan (dmp.propose_plan with the agency's terms and the counselor's overrides), the fees
(fees.apply_fees, clipped to the state cap), the minimum-payment baseline and the
comparison, the eligibility assessment and the options. Views and templates show these
figures as they are: nothing here or there re-implements a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from counselor.engine.dmp import Comparison, Concessions, Debt, Payoff, Plan, baseline, compare
from counselor.engine.dmp import propose_plan as engine_propose_plan
from counselor.engine.eligibility import DEFAULT_CUSHION, Assessment, assess
from counselor.engine.fees import AppliedFees, FeeSchedule, MonthFacts, disclosed_fees, fee_cap
from counselor.engine.options import OptionResult, compare_options
from intake.engine.budget import BudgetAnalysis, DebtPayment, Expense, Income, analyze_budget
from intake.engine.checks import required_date, text
from intake.engine.errors import DomainError
from intake.engine.money import ZERO, engine_context, percent

OVERRIDABLE = ("concession_apr", "min_payment_pct", "max_term_months")


@dataclass(frozen=True)
class HouseholdBudget:
    """The household's incomes and expenses as the engine takes them."""

    incomes: tuple[Income, ...]
    expenses: tuple[Expense, ...]
    household_size: int = 1
    members_65_and_over: int = 0
    vehicles: int | None = None
    county: str | None = None


@dataclass(frozen=True)
class TermsOverride:
    """A counselor's change to one creditor's terms for this plan, with the reason."""

    creditor: str
    reason: str
    concession_apr: Decimal | None = None
    min_payment_pct: Decimal | None = None
    max_term_months: int | None = None

    def __post_init__(self) -> None:
        if not text(self.reason, "reason").strip():
            raise DomainError("reason", f"an override of {self.creditor}'s terms needs a reason")
        for name in ("concession_apr", "min_payment_pct"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, percent(getattr(self, name), name))
        if all(getattr(self, name) is None for name in OVERRIDABLE):
            raise DomainError("override", f"the override of {self.creditor} changes nothing")

    def apply(self, terms: Concessions) -> Concessions:
        """The agency's terms with this override's values in place."""
        changes = {n: getattr(self, n) for n in OVERRIDABLE if getattr(self, n) is not None}
        note = f"Overridden by the counselor: {self.reason.strip()}"
        return replace(terms, **changes, notes=note)


@dataclass(frozen=True)
class ProposalResult:
    """Everything the builder shows for one set of inputs, straight from the engine."""

    debts: tuple[Debt, ...]
    excluded: tuple[Debt, ...]
    overrides: tuple[TermsOverride, ...]
    budget: BudgetAnalysis
    fees: AppliedFees
    plan: Plan
    payoff: Payoff
    comparison: Comparison
    assessment: Assessment
    options: tuple[OptionResult, ...]

    @property
    def total_disclosed(self) -> Decimal:
        """Every balance the consumer disclosed: enrolled, secured and excluded by choice."""
        return self.plan.total_disclosed + sum((d.balance for d in self.excluded), ZERO)


def overridden_terms_for(
    terms_for: Callable[[str], Concessions], overrides: Sequence[TermsOverride]
) -> Callable[[str], Concessions]:
    """``terms_for`` with the counselor's overrides (by creditor name) applied."""
    by_creditor = {override.creditor: override for override in overrides}

    def lookup(creditor: str) -> Concessions:
        terms = terms_for(creditor)
        if not isinstance(terms, Concessions):
            raise DomainError("terms", f"no creditor terms found for {creditor} (got {terms!r})")
        override = by_creditor.get(creditor)
        return override.apply(terms) if override else terms

    return lookup


def _budget_debts(debts: Sequence[Debt], excluded: Sequence[Debt]) -> list[object]:
    # A debt kept out of the plan is still paid, outside it: the budget takes its minimum
    # before the surplus, as it does for secured payments.
    outside = [DebtPayment(d.creditor, d.min_payment, secured=True) for d in excluded]
    return [*debts, *outside]


def _fees(plan: Plan, schedule: FeeSchedule, state, aiccca_member: bool, waiver: str):
    """The enrolment disclosure of the fees the plan charges (month 1 and setup)."""
    first = plan.month_facts[0] if plan.month_facts else MonthFacts(len(plan.lines), ZERO, ZERO)
    cap = fee_cap(
        state,
        creditors=max(first.creditors, 1),
        monthly_disbursement=first.disbursed,
        aiccca_member=aiccca_member,
        liquidated=first.principal,
    )
    return disclosed_fees(
        schedule, plan.fee_rule, cap, plan.setup_fee, plan.monthly_fee, waiver_reason=waiver
    )


@engine_context
def build_proposal(
    *,
    debts: Sequence[Debt],
    household_budget: HouseholdBudget,
    state: str | None,
    terms_for: Callable[[str], Concessions],
    fee_schedule: FeeSchedule,
    start: date,
    overrides: Sequence[TermsOverride] = (),
    exclusions: Collection[int] = (),
    fee_waiver: str = "",
    aiccca_member: bool = False,
    cushion: Decimal = DEFAULT_CUSHION,
) -> ProposalResult:
    """Price one version of a proposal. ``exclusions`` are positions in ``debts``.

    Raises :class:`DomainError` for bad inputs, including every unsecured debt excluded.
    """
    if isinstance(debts, str | bytes) or not isinstance(debts, Sequence) or not debts:
        raise DomainError("debts", "at least one debt is required")
    # Only unsecured debts can be left out: secured ones are never enrolled anyway.
    out = {i for i in exclusions if 0 <= i < len(debts) and not debts[i].secured}
    kept = tuple(d for i, d in enumerate(debts) if i not in out)
    excluded = tuple(d for i, d in enumerate(debts) if i in out)
    if not isinstance(fee_schedule, FeeSchedule):
        raise DomainError("fee_schedule", f"must be a FeeSchedule, got {fee_schedule!r}")
    waiver = text(fee_waiver, "fee_waiver").strip()
    requested = FeeSchedule(ZERO, ZERO) if waiver else fee_schedule
    priced_terms = overridden_terms_for(terms_for, overrides)
    plan = engine_propose_plan(
        kept,
        priced_terms,
        monthly_fee=requested.monthly_fee,
        setup_fee=requested.setup_fee,
        start=required_date(start, "start"),
        state=state,
        aiccca_member=aiccca_member,
    )
    fees = _fees(plan, fee_schedule, state, aiccca_member, waiver)
    budget = analyze_budget(
        household_budget.incomes,
        household_budget.expenses,
        _budget_debts(kept, excluded),
        household_budget.household_size,
        state,
        members_65_and_over=household_budget.members_65_and_over,
        vehicles=household_budget.vehicles,
        county=household_budget.county,
    )
    payoff = baseline(plan.debts)
    assessment = assess(budget, plan.debts, plan, cushion)
    options = compare_options(plan.debts, plan, assessment=assessment)
    return ProposalResult(
        debts=tuple(debts),
        excluded=excluded,
        overrides=tuple(overrides),
        budget=budget,
        fees=fees,
        plan=plan,
        payoff=payoff,
        comparison=compare(plan, payoff),
        assessment=assessment,
        options=options,
    )
