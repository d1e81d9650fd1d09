"""Input checks shared by the engine's entry points: each raises ``DomainError`` with a
plain message instead of letting a bad value fail deep inside a calculation."""

from __future__ import annotations

from datetime import date

from intake.engine.errors import DomainError


def whole_number(value: object, field: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """An ``int`` (never a bool) from ``minimum`` to ``maximum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(field, f"must be a whole number, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" to {maximum}" if maximum is not None else " or more"
        raise DomainError(field, f"must be from {minimum}{upper}, got {value}")
    return value


def required_date(value: object, field: str) -> date:
    """A ``date``; ``None`` or anything else is refused."""
    if value is None:
        raise DomainError(field, "a date is required")
    if not isinstance(value, date):
        raise DomainError(field, f"must be a date, got {value!r}")
    return value


def text(value: object, field: str) -> str:
    """A string (possibly empty); ``None`` or another type is refused."""
    if not isinstance(value, str):
        raise DomainError(field, f"must be text (use an empty string for none), got {value!r}")
    return value


def state_code(value: object) -> str | None:
    """A two-letter state code, upper-cased, or ``None`` when no state is given.

    An empty string counts as no state. Spaces, other lengths and other types are refused
    rather than silently treated as an unknown state.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise DomainError("state", f"must be a two-letter code such as 'VA', got {value!r}")
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise DomainError("state", f"must be a two-letter code such as 'VA', got {value!r}")
    return value.upper()
