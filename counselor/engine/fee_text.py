"""The monthly fee as it changes over a plan, as data and as a sentence.

``fee_steps`` groups a plan's monthly fees into runs of equal fees (``FeeStep``: the
amount, the first and last month). ``fee_phrase`` words them in English or Spanish
("$20.00 a month through February 2028, then $10.00 a month"); templates may also
build their own sentence from the steps. ``fee_rule_phrase`` says, in the same two
languages and in plain words, which rule capped the fees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from counselor.engine.fees import AICCCA_MONTHLY_MAX, AICCCA_SETUP_MAX, FeeRule
from intake.engine.errors import DomainError
from intake.engine.money import money_text

MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
WORDS = {
    "en": {
        "a_month": "a month",
        "through": "through",
        "then": "then",
        "none": "no monthly fee",
        "month_year": "{month} {year}",
        "and": ", ",
    },
    "es": {
        "a_month": "al mes",
        "through": "hasta",
        "then": "luego",
        "none": "sin cargo mensual",
        "month_year": "{month} de {year}",
        "and": ", ",
    },
}


@dataclass(frozen=True)
class FeeStep:
    """One run of equal monthly fees: ``amount`` from ``first_month`` to ``last_month``."""

    amount: Decimal
    first_month: date
    last_month: date
    months: int


def _due(start: date, index: int) -> date:
    index += start.month - 1
    return date(start.year + index // 12, index % 12 + 1, 1)


def fee_steps(fees: Sequence[Decimal], start: date) -> tuple[FeeStep, ...]:
    """Runs of equal fees; the dates are the first day of each month."""
    steps: list[FeeStep] = []
    first = 0
    for index in range(1, len(fees) + 1):
        if index == len(fees) or fees[index] != fees[first]:
            count = index - first
            steps.append(FeeStep(fees[first], _due(start, first), _due(start, index - 1), count))
            first = index
    return tuple(steps)


def month_name(day: date, lang: str) -> str:
    """ "March 2028" / "marzo de 2028"."""
    template = WORDS[lang]["month_year"]
    return template.format(month=MONTHS[lang][day.month - 1], year=day.year)


def _words(lang: str) -> dict[str, str]:
    if lang not in WORDS:
        raise DomainError("lang", f"the fee is described in 'en' and 'es', not {lang!r}")
    return WORDS[lang]


def fee_phrase(steps: Sequence[FeeStep], lang: str = "en") -> str:
    """The fee as it changes, in ``"en"`` or ``"es"``: "$20.00 a month through February
    2028, then $10.00 a month". A plan with no fee at all says "no monthly fee"."""
    words = _words(lang)
    if not steps or all(not step.amount for step in steps):
        return words["none"]
    parts = []
    for position, step in enumerate(steps):
        amount = f"{money_text(step.amount)} {words['a_month']}" if step.amount else words["none"]
        if position < len(steps) - 1:
            parts.append(f"{amount} {words['through']} {month_name(step.last_month, lang)}")
        else:
            parts.append(amount if position == 0 else f"{words['then']} {amount}")
    return words["and"].join(parts)


RULE_WORDS = {
    "en": {
        "state": "{state} state law",
        "udmsa": "{state} enacted the Uniform Debt-Management Services Act (UDMSA)",
        "unknown": "No fee limit is recorded for {state}, so the UDMSA default applies",
        "your_state": "your state",
        "monthly": "{law}: the monthly fee is at most {caps}",
        "per_creditor": "{per} for each creditor paid that month, up to {most}",
        "monthly_max": "{most} a month",
        "percent_of_disbursed": "{pct}% of what goes to creditors that month",
        "percent_all_fees": "{pct}% of that month's payment to creditors, setup fee included",
        "cumulative": "{pct}% of the debt paid off so far, counting every monthly fee to date",
        "floor": "what keeps at least {pct}% of each month's payment going to creditors",
        "lesser": "the lowest of: {caps}",
        "list_and": "; and ",
        "setup": " The setup fee is at most {most}.",
        "dollar_unknown": (
            " The state's dollar limit is not recorded, so the UDMSA default's applies too."
        ),
        "aiccca": " As an AICCCA member, the agency also charges at most {setup} setup"
        " and {monthly} a month.",
    },
    "es": {
        "state": "Ley estatal de {state}",
        "udmsa": "{state} adoptó la Ley Uniforme de Servicios de Gestión de Deudas (UDMSA)",
        "unknown": (
            "No hay un límite de cargos registrado para {state}, así que se aplica el de la UDMSA"
        ),
        "your_state": "su estado",
        "monthly": "{law}: el cargo mensual es como máximo {caps}",
        "per_creditor": "{per} por cada acreedor pagado ese mes, hasta {most}",
        "monthly_max": "{most} al mes",
        "percent_of_disbursed": "el {pct}% de lo que reciben los acreedores ese mes",
        "percent_all_fees": (
            "el {pct}% del pago de ese mes a los acreedores, incluido el cargo de inscripción"
        ),
        "cumulative": (
            "el {pct}% de la deuda pagada hasta ese mes, contando todos los cargos mensuales"
        ),
        "floor": "lo que mantiene al menos el {pct}% de cada pago mensual para los acreedores",
        "lesser": "el menor de: {caps}",
        "list_and": "; y ",
        "setup": " El cargo de inscripción es como máximo {most}.",
        "dollar_unknown": (
            " El límite en dólares del estado no está registrado,"
            " así que también se aplica el de la UDMSA."
        ),
        "aiccca": (
            " Como miembro de AICCCA, la agencia además cobra como máximo {setup} de inscripción"
            " y {monthly} al mes."
        ),
    },
}


def _caps(rule: FeeRule, words: dict[str, str]) -> list[str]:
    caps = []
    if rule.per_creditor is not None and rule.monthly_max is not None:
        per, most = money_text(rule.per_creditor), money_text(rule.monthly_max)
        caps.append(words["per_creditor"].format(per=per, most=most))
    elif rule.monthly_max is not None:
        caps.append(words["monthly_max"].format(most=money_text(rule.monthly_max)))
    for pct, key in (
        (rule.percent_of_disbursed, "percent_of_disbursed"),
        (rule.percent_all_fees, "percent_all_fees"),
        (rule.cumulative_percent, "cumulative"),
        (rule.creditor_share_floor, "floor"),
    ):
        if pct is not None:
            caps.append(words[key].format(pct=pct))
    return caps


def fee_rule_phrase(rule: FeeRule, lang: str = "en") -> str:
    """Which rule capped the fees, in plain words, in ``"en"`` or ``"es"``: "TN enacted the
    Uniform Debt-Management Services Act (UDMSA): the monthly fee is at most $10.00 for each
    creditor paid that month, up to $50.00; the setup fee is at most $50.00." """
    _words(lang)
    words = RULE_WORDS[lang]
    law = words[rule.law].format(state=rule.state or words["your_state"])
    caps = _caps(rule, words)
    listed = words["list_and"].join(["; ".join(caps[:-1]), caps[-1]] if len(caps) > 1 else caps)
    listed = words["lesser"].format(caps=listed) if len(caps) > 1 else listed
    sentence = words["monthly"].format(law=law, caps=listed) + "."
    if rule.setup_max is not None:
        sentence += words["setup"].format(most=money_text(rule.setup_max))
    if any(source.kind == "monthly_max_unknown" for source in rule.sources):
        sentence += words["dollar_unknown"]
    if rule.aiccca:
        setup, monthly = money_text(AICCCA_SETUP_MAX), money_text(AICCCA_MONTHLY_MAX)
        sentence += words["aiccca"].format(setup=setup, monthly=monthly)
    return sentence
