"""Eligibility (CTA logic): one test per branch, with the exact reasons in English and Spanish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from counselor.engine.dmp import Concessions, Debt, propose_plan
from counselor.engine.eligibility import Outcome, assess
from intake.engine.budget import Income, analyze_budget
from intake.engine.errors import DomainError

DEBTS = [Debt("Card A", "5000", "24.99", "150"), Debt("Card B", "5000", "22.99", "150")]
TERMS = Concessions(concession_apr="9.9", hardship_concession_apr="0")


def _plan():
    return propose_plan(
        DEBTS,
        lambda name: TERMS,
        monthly_fee=Decimal("25"),
        setup_fee=Decimal("50"),
        start=date(2026, 1, 15),
        state="IL",  # a flat $50 / $50 cap: these fees pass unclipped
    )


def _assess(net: str):
    # The cards are the only debts, so the budget surplus equals net income.
    budget = analyze_budget([Income("wages", Decimal("3000"), Decimal(net))], [], DEBTS)
    return assess(budget, DEBTS, _plan(), cushion=Decimal("200"))


def test_assess_deposits_come_from_the_standard_and_hardship_tiers():
    result = _assess("600")
    assert result.contractual_minimums == Decimal("300")
    assert result.standard_deposit == Decimal("236.98")
    assert result.hardship_deposit == Decimal("200.00")


def test_assess_budget_counseling_when_surplus_covers_minimums():
    result = _assess("600")
    assert result.outcome == Outcome.BUDGET_COUNSELING
    assert result.available == Decimal("400.00")
    assert result.reasons_en == (
        "After keeping a $200.00 emergency cushion, $400.00 a month is left for unsecured debt.",
        "That covers all contractual minimum payments of $300.00, so a debt management plan"
        " is not needed; we recommend budget counseling.",
    )
    assert result.reasons("es") == (
        "Después de reservar $200.00 para emergencias, quedan $400.00 al mes para las deudas"
        " no garantizadas.",
        "Eso cubre todos los pagos mínimos contractuales de $300.00, así que no necesita un plan"
        " de manejo de deudas; le recomendamos asesoría de presupuesto.",
    )


def test_assess_dmp_standard_when_surplus_between_deposit_and_minimums():
    result = _assess("450")
    assert result.outcome == Outcome.DMP_STANDARD
    assert result.excess_for_plan == Decimal("13.02")
    assert result.reasons_en == (
        "After keeping a $200.00 emergency cushion, $250.00 a month is left for unsecured debt.",
        "That is less than the contractual minimum payments of $300.00 but covers the debt"
        " management plan deposit of $236.98, so a standard debt management plan fits.",
        "The remaining $13.02 a month can go into the plan to finish it sooner.",
    )
    assert result.reasons_es == (
        "Después de reservar $200.00 para emergencias, quedan $250.00 al mes para las deudas"
        " no garantizadas.",
        "Eso no alcanza para los pagos mínimos contractuales de $300.00, pero cubre el depósito"
        " del plan de manejo de deudas de $236.98, así que un plan de manejo de deudas estándar"
        " es adecuado.",
        "Los $13.02 restantes al mes pueden sumarse al plan para terminarlo antes.",
    )


def test_assess_dmp_hardship_when_surplus_only_covers_hardship_tier():
    result = _assess("400")
    assert result.outcome == Outcome.DMP_HARDSHIP
    assert result.excess_for_plan == Decimal("0.00")
    assert result.reasons_en == (
        "After keeping a $200.00 emergency cushion, $200.00 a month is left for unsecured debt.",
        "That is less than the standard plan deposit of $236.98 but covers the hardship-tier"
        " deposit of $200.00, so a hardship debt management plan fits.",
    )
    assert result.reasons_es == (
        "Después de reservar $200.00 para emergencias, quedan $200.00 al mes para las deudas"
        " no garantizadas.",
        "Eso no alcanza para el depósito del plan estándar de $236.98, pero cubre el depósito"
        " del nivel por dificultad económica de $200.00, así que un plan de manejo de deudas"
        " por dificultad económica es adecuado.",
    )


def test_assess_other_options_when_surplus_below_hardship_deposit():
    result = _assess("300")
    assert result.outcome == Outcome.OTHER_OPTIONS
    assert result.refer_to_bankruptcy_attorney is False
    assert result.reasons_en == (
        "After keeping a $200.00 emergency cushion, $100.00 a month is left for unsecured debt.",
        "That is less than the hardship-tier deposit of $200.00, so a debt management plan does"
        " not fit the budget today.",
        "Options to discuss: issuer hardship programs, debt settlement, or a consultation"
        " with a bankruptcy attorney.",
    )
    assert result.reasons_es == (
        "Después de reservar $200.00 para emergencias, quedan $100.00 al mes para las deudas"
        " no garantizadas.",
        "Eso no alcanza para el depósito del nivel por dificultad económica de $200.00, así que"
        " hoy un plan de manejo de deudas no cabe en el presupuesto.",
        "Opciones a considerar: programas de dificultad económica de los acreedores,"
        " liquidación de deudas o una consulta con un abogado de bancarrota.",
    )


def test_assess_bankruptcy_referral_when_nothing_is_left():
    result = _assess("150")
    assert result.outcome == Outcome.OTHER_OPTIONS
    assert result.refer_to_bankruptcy_attorney is True
    assert result.reasons_en[0] == (
        "After keeping a $200.00 emergency cushion, -$50.00 a month is left for unsecured debt."
    )
    assert result.reasons_en[2] == (
        "Nothing is left for unsecured debt each month, so we recommend a consultation"
        " with a bankruptcy attorney (Chapter 7 or Chapter 13)."
    )
    assert result.reasons_es[2] == (
        "No queda dinero para las deudas no garantizadas cada mes, así que le recomendamos"
        " una consulta con un abogado de bancarrota (Capítulo 7 o Capítulo 13)."
    )


def test_assess_unknown_language_names_field():
    with pytest.raises(DomainError) as error:
        _assess("600").reasons("fr")
    assert error.value.field == "lang"


def test_assess_empty_debts_names_field():
    budget = analyze_budget([Income("wages", Decimal("3000"))], [], [])
    with pytest.raises(DomainError) as error:
        assess(budget, [], _plan())
    assert error.value.field == "debts"


def test_assess_negative_cushion_names_field():
    budget = analyze_budget([Income("wages", Decimal("3000"))], [], DEBTS)
    with pytest.raises(DomainError) as error:
        assess(budget, DEBTS, _plan(), cushion=Decimal("-1"))
    assert error.value.field == "cushion"
