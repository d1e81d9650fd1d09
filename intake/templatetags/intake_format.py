"""Formatting for consumer pages: money and ratios in plain words (no domain logic)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from ..money import money_text

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """$1,234.56; blank for no value."""
    return "" if value is None else money_text(Decimal(value))


@register.filter
def percent(ratio: Decimal | None) -> str:
    """0.3512 -> 35%."""
    if ratio is None:
        return ""
    return f"{(Decimal(ratio) * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"
