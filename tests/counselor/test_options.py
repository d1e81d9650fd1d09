"""Options comparator: every option priced with the same cent-exact rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from counselor.engine.dmp import Concessions, Debt, amortize, level_payment, propose_plan
from counselor.engine.eligibility import assess
from counselor.engine.options import (
    ConsolidationLoan,
    HardshipProgram,
    SettlementAssumptions,
    bankruptcy_option,
    compare_options,
    consolidation_option,
    diy_option,
    dmp_option,
    hardship_option,
    settlement_option,
)
from intake.engine.budget import Income, analyze_budget
from intake.engine.errors import DomainError

TEN_K = Decimal("10000")
DEBTS = [
    Debt("Small high", "1000", "29.99", "35"),
    Debt("Big low", "6000", "15.99", "150"),
    Debt("Mid", "3000", "22.99", "90"),
]


def _plan(debts=DEBTS):
    return propose_plan(
        debts,
        lambda name: Concessions(concession_apr="8"),
        monthly_fee=Decimal("25"),
        setup_fee=Decimal("50"),
        start=date(2026, 2, 1),
        state="IL",  # a flat $50 / $50 cap: these fees pass unclipped
    )


def test_dmp_option_reports_the_plan_figures():
    plan = _plan()
    row = dmp_option(plan)
    assert (row.monthly_payment, row.months) == (plan.monthly_deposit, plan.months)
    assert row.total_cost == TEN_K + plan.total_interest + plan.total_fees
    assert row.credit_impact_en.startswith("Moderate")


def test_diy_single_debt_equals_fixed_payment_schedule():
    debts = [Debt("Only", TEN_K, "6", "100")]
    row = diy_option(debts, Decimal("200"), "avalanche")
    payoff = amortize(TEN_K, Decimal("6"), Decimal("200"))
    assert (
        (row.months, row.total_interest)
        == (payoff.months, payoff.total_interest)
        == (
            58,
            Decimal("1536.16"),
        )
    )


def test_diy_avalanche_costs_no_more_interest_than_snowball():
    avalanche = diy_option(DEBTS, Decimal("400"), "avalanche")
    snowball = diy_option(DEBTS, Decimal("400"), "snowball")
    assert avalanche.total_interest <= snowball.total_interest
    assert avalanche.total_cost == TEN_K + avalanche.total_interest
    assert avalanche.feasible and snowball.feasible


def test_diy_never_pays_off_when_amount_below_interest():
    row = diy_option([Debt("A", TEN_K, "24.99", "100")], Decimal("200"), "snowball")
    assert (row.feasible, row.months, row.total_cost) == (False, None, None)


def test_diy_unknown_method_names_field():
    with pytest.raises(DomainError) as error:
        diy_option(DEBTS, Decimal("400"), "blizzard")
    assert error.value.field == "method"


def test_consolidation_loan_level_payment_over_its_term():
    row = consolidation_option(DEBTS, ConsolidationLoan(Decimal("10"), 36))
    assert row.monthly_payment == level_payment(TEN_K, Decimal("10"), 36) == Decimal("322.68")
    assert row.months == 36
    assert row.total_cost == TEN_K + row.total_interest
    assert "does not reduce" in row.caveats_en[0]


def test_consolidation_origination_fee_is_financed():
    row = consolidation_option(DEBTS, ConsolidationLoan(Decimal("0"), 10, Decimal("5")))
    assert (row.total_fees, row.monthly_payment, row.total_cost) == (
        Decimal("500.00"),
        Decimal("1050.00"),
        Decimal("10500.00"),
    )


def test_settlement_estimate_includes_fees_and_tax_caveat():
    row = settlement_option(DEBTS, SettlementAssumptions())
    assert row.total_fees == Decimal("2000.00")
    assert row.total_cost == Decimal("7600.00")  # 5,000 settled + 2,000 fee + 600 tax
    assert row.monthly_payment == Decimal("194.45")
    assert row.caveats_en[1] == (
        "Forgiven debt of $5,000.00 may be taxable income (Form 1099-C) unless you are"
        " insolvent; estimated tax at 12%: $600.00."
    )
    assert row.credit_impact_en.startswith("Severe")


def test_issuer_hardship_reduced_apr_then_current_apr():
    debts = [Debt("A", "1200", "24", "100")]
    row = hardship_option(debts, HardshipProgram(apr=Decimal("0"), months=12))
    assert (row.months, row.total_interest, row.total_cost) == (12, Decimal("0"), Decimal("1200"))
    longer = hardship_option([Debt("A", "2400", "24", "100")], HardshipProgram(months=12))
    first_year = amortize(Decimal("2400"), Decimal("0"), Decimal("100"), max_months=12)
    rest = amortize(first_year.rows[-1].closing, Decimal("24"), Decimal("100"))
    assert longer.months == 12 + rest.months
    assert longer.total_interest == rest.total_interest


def test_bankruptcy_option_is_flagged_by_referral():
    assert bankruptcy_option(True).recommended is True
    assert bankruptcy_option(False).monthly_payment is None


def test_compare_options_lists_every_option_and_flags_referral():
    plan = _plan()
    budget = analyze_budget([Income("wages", Decimal("2000"), Decimal("100"))], [], DEBTS)
    assessment = assess(budget, DEBTS, plan)
    rows = compare_options(
        DEBTS, plan, assessment=assessment, loan=ConsolidationLoan(Decimal("11"), 48)
    )
    assert [row.kind for row in rows] == [
        "dmp",
        "avalanche",
        "snowball",
        "consolidation",
        "settlement",
        "issuer_hardship",
        "bankruptcy_referral",
    ]
    assert rows[1].monthly_payment == plan.monthly_deposit
    assert rows[-1].recommended is True
    assert rows[0].recommended is False


def test_options_empty_debts_names_field():
    with pytest.raises(DomainError) as error:
        settlement_option([], SettlementAssumptions())
    assert error.value.field == "debts"
