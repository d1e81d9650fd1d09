"""DMP engine: worked facts, cent-exact schedules, properties and a numpy-financial cross-check."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from counselor.engine.dmp import (
    NEGATIVE_AMORTIZATION,
    TOO_LONG,
    Concessions,
    Debt,
    MinimumRule,
    amortize,
    baseline,
    compare,
    default_terms,
    first_interest,
    level_payment,
    months_to_payoff,
    propose_plan,
    retier,
)
from intake.engine.errors import DomainError

TEN_K = Decimal("10000")
START = date(2026, 1, 31)

cents = st.integers(min_value=1, max_value=5_000_000).map(lambda c: Decimal(c) / 100)
aprs = st.integers(min_value=0, max_value=3500).map(lambda h: Decimal(h) / 100)


def _plan(debts, terms=None, fee="25", setup="50"):
    terms_for = (lambda name: terms) if terms else default_terms
    return propose_plan(
        debts,
        terms_for,
        monthly_fee=Decimal(fee),
        setup_fee=Decimal(setup),
        start=START,
        state="IL",  # a flat $50 / $50 cap: these fees pass unclipped
    )


# Worked facts from DOMAIN.md: $10,000 at a fixed $200 (2% of the starting balance).
# Interest totals cross-checked with an independent integer-cents implementation.
@pytest.mark.parametrize(
    ("apr", "months", "interest"),
    [
        ("0", 50, "0.00"),
        ("6", 58, "1536.16"),
        ("9.9", 65, "2947.34"),
        ("7.42", 60, "1999.95"),
        ("7.43", 61, "2003.43"),
    ],
)
def test_amortize_worked_facts_pay_off(apr, months, interest):
    payoff = amortize(TEN_K, Decimal(apr), Decimal("200"))
    assert payoff.months == months
    assert payoff.total_interest == Decimal(interest)
    assert payoff.total_paid == TEN_K + Decimal(interest)


def test_amortize_worked_fact_24_99_never_pays_off():
    payoff = amortize(TEN_K, Decimal("24.99"), Decimal("200"))
    assert (payoff.pays_off, payoff.months, payoff.total_interest) == (False, None, None)
    assert payoff.never_reason == NEGATIVE_AMORTIZATION


def test_amortize_slow_payoff_past_600_months_reports_never():
    payoff = amortize(TEN_K, Decimal("6"), Decimal("50.01"))
    assert (payoff.pays_off, payoff.months, payoff.never_reason) == (False, None, TOO_LONG)
    assert len(payoff.rows) == 600


def test_amortize_last_payment_is_balance_plus_interest():
    last = amortize(TEN_K, Decimal("6"), Decimal("200")).rows[-1]
    assert last.payment == last.opening + last.interest
    assert last.closing == Decimal("0")
    assert last.interest == first_interest(last.opening, Decimal("6"))


def test_amortize_interest_rounds_half_up_to_the_cent():
    # 3.00 x 7.4% / 12 = 0.0185 exactly: half up gives 0.02.
    assert amortize(Decimal("3.00"), Decimal("7.4"), Decimal("1")).rows[0].interest == Decimal(
        "0.02"
    )


def test_level_payment_rounds_up_to_the_cent():
    assert level_payment(TEN_K, Decimal("6"), 60) == Decimal("193.33")
    assert level_payment(TEN_K, Decimal("0"), 60) == Decimal("166.67")
    assert level_payment(TEN_K, Decimal("9.9"), 60) == Decimal("211.98")


def test_months_to_payoff_closed_form_matches_schedule():
    estimate = months_to_payoff(TEN_K, Decimal("6"), Decimal("200"))
    assert math.ceil(estimate) == 58
    assert months_to_payoff(TEN_K, Decimal("24.99"), Decimal("200")) is None


def test_propose_plan_two_percent_when_it_beats_the_level_payment():
    plan = _plan([Debt("Chase", TEN_K, "29.99", "300")], Concessions(concession_apr="6"))
    line = plan.lines[0]
    assert (line.apr, line.payment, line.months) == (Decimal("6"), Decimal("200.00"), 58)
    assert line.total_interest == Decimal("1536.16")
    assert line.payoff_month == date(2030, 10, 31)


def test_propose_plan_level_payment_when_two_percent_is_too_slow():
    plan = _plan([Debt("Citi", TEN_K, "24.99", "300")], Concessions(concession_apr="9.9"))
    line = plan.lines[0]
    assert (line.payment, line.months) == (Decimal("211.98"), 60)
    assert line.schedule[-1].closing == 0


def test_propose_plan_totals_and_month_by_month_schedule():
    debts = [Debt("A", "5000", "24.99", "150"), Debt("B", "2500.50", "19.99", "80")]
    plan = _plan(debts, Concessions(concession_apr="8"), fee="30", setup="40")
    assert plan.monthly_to_creditors == sum(line.payment for line in plan.lines)
    assert plan.monthly_deposit == plan.monthly_to_creditors + Decimal("30.00")
    assert plan.total_fees == Decimal("40.00") + Decimal("30.00") * plan.months
    assert plan.months == max(line.months for line in plan.lines) <= 60
    for month in plan.schedule:
        assert month.to_creditors == sum(month.payments)
        assert month.deposit == month.to_creditors + month.fee
    paid = sum(month.to_creditors for month in plan.schedule)
    assert paid == plan.total_enrolled + plan.total_interest
    assert plan.debt_free_month == plan.schedule[-1].due_date


def test_propose_plan_concession_never_raises_the_apr():
    plan = _plan([Debt("Promo", "1000", "0", "25")], Concessions(concession_apr="9.9"))
    assert plan.lines[0].apr == Decimal("0")


def test_propose_plan_default_terms_keep_current_apr():
    plan = _plan([Debt("Unknown Bank", TEN_K, "6", "250")])
    assert (plan.lines[0].apr, plan.lines[0].payment, plan.lines[0].months) == (
        Decimal("6"),
        Decimal("200.00"),
        58,
    )


def test_propose_plan_discloses_but_does_not_enroll_secured_debt():
    car = Debt("Auto loan", "8000", "7", "300", secured=True)
    plan = _plan([Debt("Card", "2000", "22", "60"), car])
    assert plan.excluded == (car,)
    assert (plan.total_enrolled, plan.total_disclosed) == (Decimal("2000"), Decimal("10000"))


def test_retier_hardship_uses_hardship_percent_and_apr():
    terms = Concessions(concession_apr="9.9", hardship_concession_apr="0")
    hardship = retier(_plan([Debt("A", TEN_K, "24.99", "300")], terms), "hardship")
    assert (hardship.tier, hardship.lines[0].payment, hardship.lines[0].months) == (
        "hardship",
        Decimal("175.00"),
        58,
    )


def test_fair_share_is_reported_on_each_payment():
    plan = _plan([Debt("A", TEN_K, "6", "300")], Concessions(fair_share_pct="15"))
    assert plan.lines[0].fair_share == Decimal("30.00")


def test_baseline_detects_never_pays_off():
    payoff = baseline([Debt("A", TEN_K, "24.99", "200"), Debt("B", "1000", "10", "50")])
    assert (payoff.pays_off, payoff.months, payoff.total_interest) == (False, None, None)
    assert payoff.never == ("A",)
    assert payoff.monthly_payment == Decimal("250")


def test_baseline_minimum_rule_recomputes_each_month():
    rule = MinimumRule(floor=Decimal("25"), pct_of_balance=Decimal("1"))
    payoff = baseline([Debt("Card", "3000", "19.99", "79.98", minimum_rule=rule)])
    first = payoff.lines[0].rows[0]
    assert (first.interest, first.payment) == (Decimal("49.98"), Decimal("79.98"))
    assert payoff.pays_off and payoff.months > 100
    assert payoff.lines[0].rows[-1].closing == 0


def test_compare_reports_interest_and_months_saved():
    debts = [Debt("Chase", TEN_K, "29.99", "300")]
    plan = _plan(debts, Concessions(concession_apr="6"))
    result = compare(plan, baseline(plan.debts))
    assert result.plan_interest == Decimal("1536.16")
    assert result.interest_saved == result.baseline_interest - Decimal("1536.16")
    assert result.months_saved == result.baseline_months - 58


def test_compare_baseline_never_pays_off_leaves_savings_open():
    debts = [Debt("A", TEN_K, "24.99", "200")]
    result = compare(_plan(debts, Concessions(concession_apr="6")), baseline(debts))
    assert (result.baseline_pays_off, result.interest_saved, result.months_saved) == (
        False,
        None,
        None,
    )


def test_compare_mismatched_baseline_names_field():
    plan = _plan([Debt("A", TEN_K, "6", "200")])
    with pytest.raises(DomainError) as error:
        compare(plan, baseline([Debt("B", "1", "6", "1")]))
    assert error.value.field == "baseline"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"balance": "-1"}, "balance"),
        ({"apr": "100.01"}, "apr"),
        ({"apr": "-0.01"}, "apr"),
        ({"min_payment": "-5"}, "min_payment"),
        ({"balance": 1000.0}, "balance"),
        ({"creditor": " "}, "creditor"),
    ],
)
def test_debt_bad_input_names_field(kwargs, field):
    values = {"creditor": "A", "balance": "1000", "apr": "20", "min_payment": "25"} | kwargs
    with pytest.raises(DomainError) as error:
        Debt(**values)
    assert error.value.field == field


def test_propose_plan_empty_debt_list_names_field():
    with pytest.raises(DomainError) as error:
        _plan([])
    assert error.value.field == "debts"


def test_creditor_terms_bad_term_names_field():
    with pytest.raises(DomainError) as error:
        Concessions(max_term_months=601)
    assert error.value.field == "max_term_months"


def test_propose_plan_unknown_tier_names_field():
    with pytest.raises(DomainError) as error:
        propose_plan(
            [Debt("A", "10", "1", "1")],
            monthly_fee=Decimal("0"),
            setup_fee=Decimal("0"),
            start=START,
            tier="gold",
        )
    assert error.value.field == "tier"


# Properties.
@settings(max_examples=300, deadline=None)
@given(balance=cents, apr=aprs, extra=st.integers(min_value=1, max_value=200_000))
def test_amortize_balance_reaches_exactly_zero_and_payments_add_up(balance, apr, extra):
    payment = first_interest(balance, apr) + Decimal(extra) / 100
    payoff = amortize(balance, apr, payment)
    assume(payoff.pays_off)
    assert payoff.rows[-1].closing == 0
    assert payoff.total_paid == balance + payoff.total_interest
    for row in payoff.rows:
        assert row.opening + row.interest - row.payment == row.closing


def _months(balance, apr, payment):
    months = amortize(balance, apr, payment).months
    return math.inf if months is None else months


@settings(max_examples=200, deadline=None)
@given(balance=cents, low=aprs, high=aprs, payment=cents)
def test_months_are_monotone_in_apr(balance, low, high, payment):
    low, high = min(low, high), max(low, high)
    assert _months(balance, low, payment) <= _months(balance, high, payment)


@settings(max_examples=200, deadline=None)
@given(balance=cents, apr=aprs, small=cents, large=cents)
def test_months_are_monotone_in_payment(balance, apr, small, large):
    small, large = min(small, large), max(small, large)
    assert _months(balance, apr, small) >= _months(balance, apr, large)


@settings(max_examples=150, deadline=None)
@given(
    balance=cents,
    apr=aprs,
    cut=st.integers(min_value=0, max_value=3500),
    share=st.integers(min_value=1, max_value=100),
)
def test_plan_never_costs_more_interest_than_baseline(balance, apr, cut, share):
    """Holds when the concession APR <= current APR and the contractual minimum is no
    larger than the DMP payment (a larger minimum at a higher APR can cost less)."""
    concession = max(apr - Decimal(cut) / 100, Decimal("0"))
    plan = _plan([Debt("A", balance, apr, "0")], Concessions(concession_apr=concession))
    minimum = (plan.lines[0].payment * share / 100).quantize(Decimal("0.01"))
    payoff = baseline([Debt("A", balance, apr, minimum)])
    assert plan.lines[0].schedule[-1].closing == 0
    assert plan.months <= 60
    if payoff.pays_off:
        assert plan.total_interest <= payoff.total_interest


@settings(max_examples=150, deadline=None)
@given(balance=cents, apr=aprs, term=st.integers(min_value=1, max_value=120))
def test_plan_line_clears_within_the_max_term(balance, apr, term):
    terms = Concessions(min_payment_pct="0", max_term_months=term)
    line = _plan([Debt("A", balance, apr, "1")], terms).lines[0]
    assert line.months <= term
    assert line.schedule[-1].closing == 0
    assert sum(row.payment for row in line.schedule) == balance + line.total_interest


# numpy-financial cross-check (floats only here, compared within rounding).
@settings(max_examples=200, deadline=None)
@given(balance=cents, apr=st.integers(min_value=1, max_value=3500), term=st.integers(1, 120))
def test_level_payment_matches_numpy_financial_pmt(balance, apr, term):
    apr = Decimal(apr) / 100
    ours = level_payment(balance, apr, term)
    theirs = -npf.pmt(float(apr) / 1200, term, float(balance))
    assert -1e-6 <= float(ours) - theirs < 0.01 + 1e-6


@settings(max_examples=200, deadline=None)
@given(
    balance=cents.filter(lambda b: b >= 100),
    apr=st.integers(min_value=1, max_value=3500),
    extra=st.integers(1000, 100_000),
)
def test_months_to_payoff_matches_numpy_financial_nper(balance, apr, extra):
    """Realistic amounts (principal paid >= $10 a month), where cent rounding is noise."""
    apr = Decimal(apr) / 100
    payment = first_interest(balance, apr) + Decimal(extra) / 100
    payoff = amortize(balance, apr, payment)
    assume(payoff.pays_off and payoff.months > 1)
    theirs = float(npf.nper(float(apr) / 1200, -float(payment), float(balance)))
    assert abs(payoff.months - math.ceil(theirs - 1e-9)) <= 1


@settings(max_examples=300, deadline=None)
@given(cents, aprs, cents)
def test_integer_cent_schedule_equals_the_decimal_formula(balance, apr, payment):
    # The engine runs on integer cents; each month must equal the DOMAIN.md formula in
    # Decimal: interest = round_half_up(balance x APR / 1200, cents), last payment clears.
    payoff = amortize(balance, apr, payment, max_months=120)
    owed = balance
    for month, row in enumerate(payoff.rows, start=1):
        interest = (owed * apr / 1200).quantize(Decimal("0.01"), ROUND_HALF_UP)
        paid = min(payment, owed + interest)
        assert row == (month, owed, interest, paid, owed + interest - paid)
        owed = owed + interest - paid
