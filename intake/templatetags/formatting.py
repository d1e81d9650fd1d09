"""Formatting for every page: money, percentages and the frozen plan document.

Formatting only, no arithmetic beyond scaling a ratio; a missing figure reads as an
em dash on every page, consumer and staff alike."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import nh3
from django import template
from django.utils.safestring import mark_safe

from intake.engine.money import money_text
from intake.models import Consent

register = template.Library()
MISSING = "\u2014"


@register.filter
def money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` -> ``$1,234.50``; None -> an em dash."""
    return MISSING if value is None else money_text(Decimal(value))


@register.filter
def money_short(value: Decimal | None) -> str:
    """A shortfall as the amount missing: ``Decimal("-820.52")`` -> ``$820.52`` (the
    sentence says "short"; a page never shows "-$")."""
    return MISSING if value is None else money_text(abs(Decimal(value)))


_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@register.filter
def plain_words(text: str | None) -> str:
    """A recorded name as words: a consent kind by its label ("consent given: credit_pull"
    -> "consent given: Soft credit check (FCRA written instruction)"), any other stored
    name without its underscores ("plan_acceptance" -> "plan acceptance")."""
    labels = dict(Consent.Kind.choices)
    return _SNAKE.sub(
        lambda m: str(labels.get(m.group(0), m.group(0).replace("_", " "))), text or ""
    )


@register.filter
def in_language(texts: dict[str, str] | None, language: str) -> str:
    """The text of a frozen ``{"en": ..., "es": ...}`` pair in ``language`` ("es-us" reads
    "es"), English when the pair has no such language; None -> an em dash."""
    if not texts:
        return MISSING
    return texts.get(language.split("-")[0].lower()) or texts.get("en", MISSING)


@register.filter
def pct(value: Decimal | None) -> str:
    """A rate already in percent: ``Decimal("24.99")`` -> ``24.99%``; None -> an em dash."""
    return MISSING if value is None else f"{value}%"


@register.filter
def ratio(value: Decimal | None) -> str:
    """A fraction as a percentage: ``Decimal("0.3512")`` -> ``35.12%``; None -> an em dash."""
    if value is None:
        return MISSING
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a whole percentage for consumers: ``0.3512`` -> ``35%``."""
    if value is None:
        return MISSING
    return f"{(Decimal(value) * 100).quantize(Decimal(1), ROUND_HALF_UP)}%"


# What a written action plan is made of (counselor/templates action_plan_en/es.html).
PLAN_DOCUMENT_TAGS = frozenset(
    {"h1", "h2", "h3", "p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "small"}
    | {"table", "caption", "thead", "tbody", "tr", "th", "td", "code"}
)
PLAN_DOCUMENT_ATTRIBUTES = {"table": {"width"}, "th": {"width", "scope"}, "td": {"width"}}


@register.filter
def plan_document(html: str) -> str:
    """The frozen written action plan, shown as the document it is.

    Our own autoescaped templates wrote it, but it comes back from the database, so it is
    cleaned to text markup first: no script, style, link, image, form or event attribute
    survives, whatever the stored text holds. Each table sits in a box that scrolls sideways
    on a narrow phone (focusable, so a keyboard scrolls it too): its figures never break."""
    cleaned = nh3.clean(
        html,
        tags=set(PLAN_DOCUMENT_TAGS),
        attributes={tag: set(names) for tag, names in PLAN_DOCUMENT_ATTRIBUTES.items()},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    boxed = cleaned.replace("<table", '<div class="offer-table" tabindex="0"><table')
    boxed = boxed.replace("</table>", "</table></div>")
    return mark_safe(boxed)  # noqa: S308  # nosec B308 B703 (cleaned to text tags above)


@register.filter
def month_year(value: str | None) -> str:
    """An ISO date as the month people read: ``"2017-01-27"`` -> ``Jan 2017``."""
    if not value:
        return MISSING
    return date.fromisoformat(str(value)[:10]).strftime("%b %Y")


@register.filter
def phone(value: str | None) -> str:
    """A US phone number as people write it: ``4045550123`` -> ``(404) 555-0123``
    (a leading country code 1 is dropped); anything else is shown as stored."""
    if not value:
        return MISSING
    digits = re.sub(r"\D", "", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return str(value)
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


@register.filter
def address(household: object) -> str:
    """Street, second line, city, state and ZIP joined as an envelope reads them, with no
    stray commas for parts left empty."""

    def joined(separator: str, *names: str) -> str:
        return separator.join(part for name in names if (part := getattr(household, name, "")))

    street, city = joined(", ", "street", "street2"), joined(" ", "city")
    place = ", ".join(part for part in (city, joined(" ", "state", "zip_code")) if part)
    return ", ".join(part for part in (street, place) if part) or MISSING
