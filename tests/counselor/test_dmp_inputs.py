"""Every engine entry point refuses bad input with a DomainError and a plain message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counselor.engine.builder import HouseholdBudget, TermsOverride, build_proposal
from counselor.engine.dmp import (
    Concessions,
    Debt,
    add_months,
    amortize,
    baseline,
    level_payment,
    months_to_payoff,
    propose_plan,
)
from counselor.engine.eligibility import assess
from counselor.engine.fee_text import FeeStep, fee_phrase, fee_rule_phrase
from counselor.engine.fees import FeeSchedule, apply_fees, fee_cap, fee_rule
from counselor.engine.options import compare_options
from intake.engine.budget import Income, analyze_budget
from intake.engine.errors import DomainError

START = date(2026, 1, 1)
CARD = Debt("A", "1000", "20", "30")
HOME = HouseholdBudget(incomes=(Income("wages", "3000"),), expenses=())


def _plan(debts=(CARD,), terms_for=lambda name: Concessions(), **changes):
    args = {"monthly_fee": Decimal("20"), "setup_fee": Decimal("0"), "start": START}
    return propose_plan(list(debts), terms_for, **{**args, **changes})


def _build(**changes):
    args = {
        "debts": [CARD],
        "household_budget": HOME,
        "state": "VA",
        "terms_for": lambda name: Concessions(),
        "fee_schedule": FeeSchedule("50", "20"),
        "start": START,
    }
    return build_proposal(**{**args, **changes})


def _refused(call, field: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        call()
    assert (error.value.field, error.value.message) == (field, message)


def test_a_missing_amount_is_refused():
    _refused(lambda: Debt("A", None, "20", "30"), "balance", "an amount is required")
    _refused(lambda: _plan(monthly_fee=None), "monthly_fee", "an amount is required")
    _refused(lambda: amortize("100", "5", None), "payment", "an amount is required")


def test_a_negative_amount_is_refused():
    _refused(lambda: amortize("-1", "5", "10"), "balance", "must not be negative, got -1")
    _refused(lambda: _plan(setup_fee=Decimal("-5")), "setup_fee", "must not be negative, got -5")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_amount_is_refused(value):
    _refused(
        lambda: Debt("A", Decimal(value), "20", "30"),
        "balance",
        f"not a finite number: Decimal('{value}')",
    )
    _refused(
        lambda: level_payment(Decimal(value), "5", 12),
        "balance",
        f"not a finite number: Decimal('{value}')",
    )


def test_an_absurdly_large_amount_is_refused():
    message = "too large to be an amount: Decimal('1E+30')"
    _refused(lambda: Debt("A", Decimal("1E+30"), "20", "30"), "balance", message)


@pytest.mark.parametrize("months", [0, -3])
def test_zero_or_negative_months_are_refused(months):
    message = f"must be from 1 to 600, got {months}"
    _refused(lambda: amortize("1000", "5", "100", max_months=months), "max_months", message)
    _refused(lambda: level_payment("1000", "5", months), "months", message)
    term_message = "must be a whole number from 1 to 600"
    _refused(lambda: Concessions(max_term_months=months), "max_term_months", term_message)


def test_months_that_are_not_whole_numbers_are_refused():
    _refused(lambda: level_payment("1000", "5", 1.5), "months", "must be a whole number, got 1.5")


def test_a_payment_of_zero_has_no_payoff_time():
    message = "a payment above zero is required to pay a balance off"
    _refused(lambda: months_to_payoff("1000", "5", "0"), "payment", message)


def test_a_terms_lookup_that_returns_nothing_is_refused():
    message = "no creditor terms found for A (got None)"
    _refused(lambda: _plan(terms_for=lambda name: None), "terms", message)
    _refused(lambda: _build(terms_for=lambda name: None), "terms", message)


@pytest.mark.parametrize("state", [" VA", "VA ", "V A", "Virginia", 51, b"VA"])
def test_a_state_code_with_spaces_or_of_the_wrong_type_is_refused(state):
    message = f"must be a two-letter code such as 'VA', got {state!r}"
    _refused(
        lambda: fee_cap(state, creditors=1, monthly_disbursement="100", aiccca_member=False),
        "state",
        message,
    )
    _refused(lambda: _plan(state=state), "state", message)
    _refused(lambda: fee_rule(state), "state", message)


def test_a_lower_case_state_code_is_the_same_state():
    assert fee_rule("va") == fee_rule("VA")


def test_a_missing_start_date_is_refused():
    _refused(lambda: _plan(start=None), "start", "a date is required")
    _refused(lambda: _build(start=None), "start", "a date is required")
    _refused(lambda: add_months(None, 3), "start", "a date is required")
    _refused(lambda: _plan(start="2026-01-01"), "start", "must be a date, got '2026-01-01'")


def test_a_missing_waiver_reason_is_refused():
    message = "must be text (use an empty string for none), got None"
    _refused(
        lambda: apply_fees(
            FeeSchedule("50", "20"),
            state="VA",
            creditors=1,
            monthly_disbursement="200",
            waiver_reason=None,
        ),
        "waiver_reason",
        message,
    )
    _refused(lambda: _build(fee_waiver=None), "fee_waiver", message)


def test_a_missing_creditor_name_and_empty_debt_lists_are_refused():
    _refused(lambda: Debt(None, "100", "5", "10"), "creditor", "a creditor name is required")
    _refused(lambda: _plan(debts=()), "debts", "at least one debt is required")
    _refused(lambda: baseline(None), "debts", "at least one debt is required")
    _refused(lambda: _plan(debts=("A",)), "debts", "every debt must be a Debt")


def test_a_fraction_of_a_cent_is_refused_rather_than_rounded_away():
    _refused(lambda: amortize("100.005", "5", "10"), "balance", "must be whole cents, got 100.005")


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.integers(min_value=-10_000, max_value=10_000),
    st.decimals(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=500, deadline=None)
@given(junk, junk, junk, junk, st.one_of(junk, st.sampled_from(["VA", "MI", "TX", None])))
def test_nothing_but_a_domain_error_escapes_the_engine(balance, apr, fee, setup, state):
    try:
        plan = _plan(
            debts=[Debt("A", balance, apr, "10")], monthly_fee=fee, setup_fee=setup, state=state
        )
    except DomainError as error:
        assert error.message
    else:
        assert plan.total_fees == plan.setup_fee + sum(plan.fees, Decimal(0))


def test_a_missing_plan_or_budget_is_refused_by_the_eligibility_test_and_the_options():
    budget = analyze_budget([Income("wages", "3000")], [], [CARD])
    _refused(lambda: assess(budget, [CARD], None), "plan", "a priced plan is required")
    _refused(
        lambda: assess(None, [CARD], _plan()), "budget", "a budget analysis is required, got None"
    )
    _refused(lambda: compare_options([CARD], None), "plan", "a priced plan is required, got None")


def test_an_override_without_a_reason_is_refused():
    message = "must be text (use an empty string for none), got None"
    _refused(lambda: TermsOverride("A", None, Decimal("5")), "reason", message)


def test_the_fee_phrase_names_a_month_without_a_fee_and_refuses_other_languages():
    steps = (
        FeeStep(Decimal("20.00"), date(2026, 1, 1), date(2026, 5, 1), 5),
        FeeStep(Decimal("0.00"), date(2026, 6, 1), date(2026, 9, 1), 4),
    )
    assert fee_phrase(steps) == "$20.00 a month through May 2026, then no monthly fee"
    assert fee_phrase(steps, "es") == "$20.00 al mes hasta mayo de 2026, luego sin cargo mensual"
    assert fee_phrase(()) == "no monthly fee"
    _refused(
        lambda: fee_phrase(steps, "fr"), "lang", "the fee is described in 'en' and 'es', not 'fr'"
    )


def test_the_rule_phrase_names_the_law_each_cap_and_the_aiccca_limits():
    assert fee_rule_phrase(fee_rule("VA")) == (
        "VA state law: the monthly fee is at most the lowest of: $60.00 a month; and 15% of"
        " what goes to creditors that month. The setup fee is at most $75.00."
    )
    assert fee_rule_phrase(fee_rule("CA"), "es") == (
        "Ley estatal de CA: el cargo mensual es como máximo el menor de: $10.00 por cada"
        " acreedor pagado ese mes, hasta $50.00; el 15% de lo que reciben los acreedores ese"
        " mes; y lo que mantiene al menos el 70% de cada pago mensual para los acreedores."
        " El cargo de inscripción es como máximo $100.00. El límite en dólares del estado no"
        " está registrado, así que también se aplica el de la UDMSA."
    )
    assert fee_rule_phrase(fee_rule("MI", aiccca_member=True)) == (
        "MI state law: the monthly fee is at most the lowest of: $50.00 a month; and 15% of"
        " the debt paid off so far, counting every monthly fee to date. The setup fee is at"
        " most $50.00. As an AICCCA member, the agency also charges at most $75.00 setup and"
        " $50.00 a month."
    )
    assert fee_rule_phrase(fee_rule(None)) == (
        "No fee limit is recorded for your state, so the UDMSA default applies: the monthly"
        " fee is at most $10.00 for each creditor paid that month, up to $50.00. The setup"
        " fee is at most $50.00."
    )
    _refused(
        lambda: fee_rule_phrase(fee_rule("TX"), "fr"),
        "lang",
        "the fee is described in 'en' and 'es', not 'fr'",
    )
