"""Formatting only: the engine's Decimals as people read them. No arithmetic here."""

from __future__ import annotations

from decimal import Decimal

from django import template

from intake.engine.money import money_text

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` -> ``$1,234.50``; None -> an em dash."""
    return "\u2014" if value is None else money_text(value)


@register.filter
def pct(value: Decimal | None) -> str:
    """``Decimal("24.99")`` -> ``24.99%``; None -> an em dash."""
    return "\u2014" if value is None else f"{value}%"


@register.filter
def ratio(value: Decimal | None) -> str:
    """A fraction as a percentage: ``Decimal("0.3512")`` -> ``35.12%``; None -> an em dash."""
    if value is None:
        return "\u2014"
    return f"{(value * 100).quantize(Decimal('0.01'))}%"
