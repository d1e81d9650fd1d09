"""The monthly fee as it changes over a plan, as data and as a sentence.

``fee_steps`` groups a plan's monthly fees into runs of equal fees (``FeeStep``: the
amount, the first and last month). ``fee_phrase`` words them in English or Spanish
("$20.00 a month through February 2028, then $10.00 a month"); templates may also
build their own sentence from the steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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


def fee_phrase(steps: Sequence[FeeStep], lang: str = "en") -> str:
    """The fee as it changes, in ``"en"`` or ``"es"``: "$20.00 a month through February
    2028, then $10.00 a month". A plan with no fee at all says "no monthly fee"."""
    if lang not in WORDS:
        raise DomainError("lang", f"the fee is described in 'en' and 'es', not {lang!r}")
    words = WORDS[lang]
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
