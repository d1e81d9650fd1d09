"""Decimal money helpers shared by the budget and DMP engines (no float, ever)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import wraps
from typing import ParamSpec, TypeVar

from intake.engine.errors import DomainError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
# No household owes a quadrillion dollars; beyond this a figure is a typo, and the
# engine's 28 significant digits could no longer hold it to the cent.
TOO_LARGE = Decimal("1E15")

Number = Decimal | int | str

# The engine's own arithmetic: 28 significant digits, banker's rounding for
# intermediate results (money is always rounded explicitly, half up), and
# traps so an impossible operation fails loudly instead of yielding NaN.
ENGINE_CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

P = ParamSpec("P")
R = TypeVar("R")


def engine_context(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` in :data:`ENGINE_CONTEXT`, whatever the caller's decimal context."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(ENGINE_CONTEXT):
            return function(*args, **kwargs)

    return wrapper


def to_decimal(value: object, field: str) -> Decimal:
    """Convert ``value`` (Decimal, int or numeric string) to a finite Decimal.

    Floats and booleans are refused: money never passes through binary floats.
    """
    if value is None:
        raise DomainError(field, "an amount is required")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise DomainError(field, f"expected a Decimal, int or numeric string, got {value!r}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise DomainError(field, f"not a number: {value!r}") from None
    if not result.is_finite():
        raise DomainError(field, f"not a finite number: {value!r}")
    if abs(result) >= TOO_LARGE:
        raise DomainError(field, f"too large to be an amount: {value!r}")
    return result


def non_negative(value: object, field: str) -> Decimal:
    """``to_decimal`` that also refuses negative values."""
    result = to_decimal(value, field)
    if result < 0:
        raise DomainError(field, f"must not be negative, got {result}")
    return result


def percent(value: object, field: str) -> Decimal:
    """A percentage between 0 and 100 inclusive (e.g. an APR of ``24.99``)."""
    result = non_negative(value, field)
    if result > HUNDRED:
        raise DomainError(field, f"must be at most 100 (percent), got {result}")
    return result


def round_cents(amount: Decimal) -> Decimal:
    """Round half up to the cent: the one rounding rule for money."""
    return amount.quantize(CENT, ROUND_HALF_UP)


def ceil_cents(amount: Decimal) -> Decimal:
    """Round up to the cent, for payments that must really clear a balance."""
    return amount.quantize(CENT, ROUND_CEILING)


def money_text(amount: Decimal) -> str:
    """Format for people: ``$1,234.56`` or ``-$12.00``."""
    rounded = round_cents(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"
