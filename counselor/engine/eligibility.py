"""Who a DMP fits: the NFCC "Call to Action" test on the budget surplus.

Available = budget surplus - emergency cushion. If that covers every
contractual minimum, budget counseling is enough; if it covers the standard
plan deposit, a standard DMP fits; if only the hardship-tier deposit, a
hardship DMP; otherwise other options, with a bankruptcy-attorney referral
when nothing at all is left for unsecured debt. Reasons come in English and
Spanish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from counselor.engine.dmp import Debt, Plan, retier
from intake.engine.budget import BudgetAnalysis
from intake.engine.errors import DomainError
from intake.engine.money import ZERO, engine_context, money_text, non_negative

DEFAULT_CUSHION = Decimal("200")


class Outcome(StrEnum):
    """The four branches of the eligibility test."""

    BUDGET_COUNSELING = "budget_counseling"
    DMP_STANDARD = "dmp_standard"
    DMP_HARDSHIP = "dmp_hardship"
    OTHER_OPTIONS = "other_options"


@dataclass(frozen=True)
class Assessment:
    """The branch taken, the figures behind it and the reasons in two languages."""

    outcome: Outcome
    available: Decimal
    cushion: Decimal
    contractual_minimums: Decimal
    standard_deposit: Decimal
    hardship_deposit: Decimal
    excess_for_plan: Decimal
    refer_to_bankruptcy_attorney: bool
    reasons_en: tuple[str, ...]
    reasons_es: tuple[str, ...]

    def reasons(self, lang: str = "en") -> tuple[str, ...]:
        """Reasons in ``"en"`` or ``"es"``."""
        if lang not in ("en", "es"):
            raise DomainError("lang", f"reasons are available in 'en' and 'es', not {lang!r}")
        return self.reasons_en if lang == "en" else self.reasons_es


def _opening(cushion: Decimal, available: Decimal) -> tuple[str, str]:
    c, a = money_text(cushion), money_text(available)
    return (
        f"After keeping a {c} emergency cushion, {a} a month is left for unsecured debt.",
        f"Después de reservar {c} para emergencias, quedan {a} al mes para las deudas"
        " no garantizadas.",
    )


def _excess(excess: Decimal) -> list[tuple[str, str]]:
    if not excess:
        return []
    e = money_text(excess)
    return [
        (
            f"The remaining {e} a month can go into the plan to finish it sooner.",
            f"Los {e} restantes al mes pueden sumarse al plan para terminarlo antes.",
        )
    ]


def _budget_counseling(minimums: Decimal) -> list[tuple[str, str]]:
    m = money_text(minimums)
    return [
        (
            f"That covers all contractual minimum payments of {m}, so a debt management plan"
            " is not needed; we recommend budget counseling.",
            f"Eso cubre todos los pagos mínimos contractuales de {m}, así que no necesita un plan"
            " de manejo de deudas; le recomendamos asesoría de presupuesto.",
        )
    ]


def _standard(minimums: Decimal, deposit: Decimal) -> list[tuple[str, str]]:
    m, d = money_text(minimums), money_text(deposit)
    return [
        (
            f"That is less than the contractual minimum payments of {m} but covers the debt"
            f" management plan deposit of {d}, so a standard debt management plan fits.",
            f"Eso no alcanza para los pagos mínimos contractuales de {m}, pero cubre el depósito"
            f" del plan de manejo de deudas de {d}, así que un plan de manejo de deudas estándar"
            " es adecuado.",
        )
    ]


def _hardship(deposit: Decimal, hardship: Decimal) -> list[tuple[str, str]]:
    d, h = money_text(deposit), money_text(hardship)
    return [
        (
            f"That is less than the standard plan deposit of {d} but covers the hardship-tier"
            f" deposit of {h}, so a hardship debt management plan fits.",
            f"Eso no alcanza para el depósito del plan estándar de {d}, pero cubre el depósito"
            f" del nivel por dificultad económica de {h}, así que un plan de manejo de deudas"
            " por dificultad económica es adecuado.",
        )
    ]


def _other(hardship: Decimal, refer: bool) -> list[tuple[str, str]]:
    h = money_text(hardship)
    first = (
        f"That is less than the hardship-tier deposit of {h}, so a debt management plan does"
        " not fit the budget today.",
        f"Eso no alcanza para el depósito del nivel por dificultad económica de {h}, así que hoy"
        " un plan de manejo de deudas no cabe en el presupuesto.",
    )
    if refer:
        return [
            first,
            (
                "Nothing is left for unsecured debt each month, so we recommend a consultation"
                " with a bankruptcy attorney (Chapter 7 or Chapter 13).",
                "No queda dinero para las deudas no garantizadas cada mes, así que le"
                " recomendamos una consulta con un abogado de bancarrota (Capítulo 7 o"
                " Capítulo 13).",
            ),
        ]
    return [
        first,
        (
            "Options to discuss: issuer hardship programs, debt settlement, or a consultation"
            " with a bankruptcy attorney.",
            "Opciones a considerar: programas de dificultad económica de los acreedores,"
            " liquidación de deudas o una consulta con un abogado de bancarrota.",
        ),
    ]


def _branch(available: Decimal, minimums: Decimal, deposit: Decimal, hardship: Decimal):
    """Outcome, excess for the plan and reason pairs, in DOMAIN.md order."""
    if available >= minimums:
        return Outcome.BUDGET_COUNSELING, ZERO, _budget_counseling(minimums)
    if available >= deposit:
        excess = available - deposit
        return Outcome.DMP_STANDARD, excess, _standard(minimums, deposit) + _excess(excess)
    if available >= hardship:
        excess = available - hardship
        return Outcome.DMP_HARDSHIP, excess, _hardship(deposit, hardship) + _excess(excess)
    return Outcome.OTHER_OPTIONS, ZERO, _other(hardship, available <= 0)


@engine_context
def assess(
    budget: BudgetAnalysis,
    debts: Sequence[Debt],
    plan: Plan,
    cushion: Decimal = DEFAULT_CUSHION,
    *,
    hardship_plan: Plan | None = None,
) -> Assessment:
    """Apply the CTA test; ``debts`` give the contractual minimums (unsecured only).

    ``plan`` is priced at the standard tier (re-priced if not); the hardship
    tier is derived from it with :func:`counselor.engine.dmp.retier` unless given.
    """
    if not debts:
        raise DomainError("debts", "at least one debt is required")
    if not isinstance(budget, BudgetAnalysis):
        raise DomainError("budget", f"a budget analysis is required, got {budget!r}")
    if not isinstance(plan, Plan) or not isinstance(hardship_plan, Plan | None):
        raise DomainError("plan", "a priced plan is required")
    cushion = non_negative(cushion, "cushion")
    standard = plan if plan.tier == "standard" else retier(plan, "standard")
    hardship = hardship_plan or retier(plan, "hardship")
    available = budget.surplus - cushion
    minimums = sum((debt.min_payment for debt in debts if not debt.secured), ZERO)
    deposit, low = standard.monthly_deposit, hardship.monthly_deposit
    outcome, excess, pairs = _branch(available, minimums, deposit, low)
    opening = _opening(cushion, available)
    return Assessment(
        outcome=outcome,
        available=available,
        cushion=cushion,
        contractual_minimums=minimums,
        standard_deposit=deposit,
        hardship_deposit=low,
        excess_for_plan=excess,
        refer_to_bankruptcy_attorney=outcome is Outcome.OTHER_OPTIONS and available <= 0,
        reasons_en=(opening[0], *(en for en, _ in pairs)),
        reasons_es=(opening[1], *(es for _, es in pairs)),
    )
