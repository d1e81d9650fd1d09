"""Budget analysis: monthly conversion, ratios, bands and IRS reasonableness flags."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from intake.engine.budget import (
    Band,
    DebtPayment,
    Expense,
    FlagStatus,
    Income,
    analyze_budget,
    band_words,
    consumer_dti_band,
    dti_band,
    monthly_amount,
)
from intake.engine.errors import DomainError


@pytest.mark.parametrize(
    ("amount", "frequency", "expected"),
    [
        ("100", "weekly", "433.33"),
        ("100", "biweekly", "216.67"),
        ("100", "semimonthly", "200.00"),
        ("100", "monthly", "100.00"),
        ("300", "quarterly", "100.00"),
        ("1200", "annual", "100.00"),
        ("1000.01", "biweekly", "2166.69"),
    ],
)
def test_monthly_amount_converts_each_frequency(amount, frequency, expected):
    assert monthly_amount(Decimal(amount), frequency) == Decimal(expected)


def test_monthly_amount_unknown_frequency_names_field():
    with pytest.raises(DomainError) as error:
        monthly_amount(Decimal("10"), "fortnightly")
    assert error.value.field == "frequency"


def test_monthly_amount_refuses_float():
    with pytest.raises(DomainError) as error:
        monthly_amount(10.5, "monthly")
    assert error.value.field == "amount"


def test_income_negative_gross_names_field():
    with pytest.raises(DomainError) as error:
        Income("wages", Decimal("-1"))
    assert error.value.field == "gross"


def test_income_unknown_frequency_names_field():
    with pytest.raises(DomainError) as error:
        Income("wages", Decimal("100"), frequency="daily")
    assert error.value.field == "frequency"


def test_expense_debt_item_points_to_debt_payment():
    with pytest.raises(DomainError, match="DebtPayment") as error:
        Expense("car_payment", Decimal("300"))
    assert error.value.field == "category"


def test_expense_unknown_category_names_field():
    with pytest.raises(DomainError) as error:
        Expense("yachts", Decimal("300"))
    assert error.value.field == "category"


def _household_budget(**kwargs):
    incomes = [
        Income("wages", Decimal("5000"), Decimal("3900")),
        Income("pension", Decimal("1000"), Decimal("900")),
    ]
    expenses = [
        Expense("property_tax", Decimal("200")),
        Expense("electric", Decimal("150")),
        Expense("groceries", Decimal("600")),
        Expense("fuel", Decimal("200")),
        Expense("copays", Decimal("50")),
        Expense("entertainment", Decimal("100")),
    ]
    debts = [
        DebtPayment("Mortgage", Decimal("1500"), secured=True, is_housing=True),
        DebtPayment("Car loan", Decimal("400"), secured=True),
        DebtPayment("Card A", Decimal("150")),
        DebtPayment("Card B", Decimal("250")),
    ]
    return analyze_budget(incomes, expenses, debts, **kwargs)


def test_analyze_budget_computes_totals_surplus_and_ratios():
    budget = _household_budget(household_size=2, state="TX", vehicles=1)
    assert budget.gross_monthly_income == Decimal("6000.00")
    assert budget.net_monthly_income == Decimal("4800.00")
    assert budget.expenses_by_category["housing"] == Decimal("200.00")
    assert budget.expenses_by_category["food"] == Decimal("600.00")
    assert budget.living_expenses == Decimal("1300.00")
    assert budget.secured_debt_payments == Decimal("1900.00")
    assert budget.unsecured_debt_payments == Decimal("400.00")
    assert budget.surplus == Decimal("1600.00")
    assert budget.dti == Decimal("0.3833")
    assert budget.consumer_dti == Decimal("0.1333")
    assert budget.housing_ratio == Decimal("0.2833")
    assert (budget.dti_band, budget.consumer_dti_band) == (Band.MANAGEABLE, Band.SAFE)


@pytest.mark.parametrize(
    ("debt", "band"),
    [
        ("35.00", Band.HEALTHY),
        ("35.01", Band.MANAGEABLE),
        ("49.99", Band.MANAGEABLE),
        ("50.00", Band.ACT_NOW),
    ],
)
def test_dti_band_boundaries(debt, band):
    assert dti_band(Decimal(debt), Decimal("100")) == band


@pytest.mark.parametrize(
    ("debt", "fixed", "band"),
    [
        ("15.00", False, Band.SAFE),
        ("15.01", False, Band.CAUTION),
        ("20.00", False, Band.CAUTION),
        ("20.01", False, Band.DANGER),
        ("10.00", True, Band.SAFE),
        ("10.01", True, Band.CAUTION),
    ],
)
def test_consumer_dti_band_boundaries(debt, fixed, band):
    assert consumer_dti_band(Decimal(debt), Decimal("100"), fixed_income=fixed) == band


def test_analyze_budget_fixed_income_uses_ten_percent_line():
    incomes = [Income("social_security", Decimal("2000"))]
    budget = analyze_budget(incomes, [], [DebtPayment("Card", Decimal("250"))])
    assert budget.fixed_income is True
    assert budget.consumer_dti_band == Band.CAUTION


def test_analyze_budget_zero_income_reports_ratios_not_available():
    budget = analyze_budget([], [Expense("rent", Decimal("800"))], [])
    assert (budget.dti, budget.consumer_dti, budget.housing_ratio) == (None, None, None)
    assert budget.dti_band == Band.NOT_AVAILABLE
    assert budget.surplus == Decimal("-800.00")


def _flag(budget, category):
    return next(flag for flag in budget.flags if flag.category == category)


def test_analyze_budget_flags_food_above_irs_standard():
    incomes = [Income("wages", Decimal("4000"))]
    budget = analyze_budget(incomes, [Expense("groceries", Decimal("600"))], [], household_size=1)
    flag = _flag(budget, "food")
    assert flag.status == FlagStatus.ABOVE
    assert flag.standard.amount == Decimal("497")
    assert flag.message == (
        "Food: $600.00 a month is above the IRS national standard for food of $497.00"
        " (effective 2025-04-21)."
    )


def test_analyze_budget_null_standards_say_no_standard_available():
    budget = _household_budget(household_size=6, state="NY", vehicles=1)
    for category in ("food", "transportation", "housing and utilities"):
        assert _flag(budget, category).status == FlagStatus.NO_STANDARD
    assert "no standard available" in _flag(budget, "transportation").message
    assert _flag(budget, "food, clothing and personal care").standard.amount == Decimal("2917")


def test_analyze_budget_uses_south_operating_costs_and_health_care_by_age():
    budget = _household_budget(household_size=2, state="GA", vehicles=2, members_65_and_over=1)
    assert _flag(budget, "transportation").standard.amount == Decimal("562")
    health = _flag(budget, "medical").standard
    assert (health.amount, health.effective_date) == (Decimal("241"), date(2024, 4, 22))


def test_analyze_budget_matches_sourced_county_housing_example():
    budget = _household_budget(household_size=2, state="SD", county="Aurora County")
    flag = _flag(budget, "housing and utilities")
    assert flag.amount == Decimal("1850.00")
    assert flag.standard.amount == Decimal("1789")
    assert flag.status == FlagStatus.ABOVE


def test_analyze_budget_exposes_standards_version():
    version = _household_budget().standards_version
    assert version.year == 2025
    assert version.effective_date == date(2025, 4, 21)
    assert version.data_file == "irs_collection_financial_standards_2025.json"
    assert "2024-04-22" in version.effective_note


def test_analyze_budget_invalid_household_size_names_field():
    with pytest.raises(DomainError) as error:
        analyze_budget([], [], [], household_size=0)
    assert error.value.field == "household_size"


def test_analyze_budget_invalid_state_names_field():
    with pytest.raises(DomainError) as error:
        analyze_budget([], [], [], state="Texas")
    assert error.value.field == "state"


@pytest.mark.parametrize(
    ("band", "left", "words"),
    [
        (Band.HEALTHY, Decimal("0.00"), "healthy"),
        (Band.HEALTHY, Decimal("-0.01"), "low, but short each month"),
        (Band.SAFE, Decimal("-820.52"), "low, but short each month"),
        (Band.ACT_NOW, Decimal("-820.52"), "act now"),
        (Band.SAFE, Decimal("12.00"), "safe"),
    ],
)
def test_a_household_short_each_month_is_never_called_healthy(band, left, words):
    assert band_words(band, left) == words
