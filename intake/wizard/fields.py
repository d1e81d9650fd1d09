"""Form fields that convert what people type into what we store."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# "$1,234.56", "1234.5", "1 234" -> Decimal; commas only as thousands separators.
AMOUNT_RE = re.compile(r"^\$?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d{0,2})?$")
PERCENT_RE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,2})?)\s*%?$")


class AmountField(forms.CharField):
    """Dollars and cents as a Decimal; blank is None."""

    default_error_messages = {
        "invalid": _("Enter an amount in dollars, like 1,234.56."),
        "negative": _("Enter an amount of zero or more."),
        "too_large": _("Enter an amount below $10,000,000,000."),
    }

    def __init__(self, *, implausible: Decimal = Decimal("100000"), **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 24}),
        )
        super().__init__(**kwargs)
        # From this amount up, the consumer is asked to check it (a typo, most likely):
        # saving the same amount again keeps it.
        self.implausible = implausible

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = text.replace(" ", "")
        if len(text) > 24:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if text.startswith(("-", "$-", "(")):
            raise ValidationError(self.error_messages["negative"], code="negative")
        match = AMOUNT_RE.match(text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        whole = match["int"].replace(",", "")
        if len(whole.lstrip("0")) > 10:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        return Decimal(whole + (match["frac"] or "").rstrip(".") or "0").quantize(CENT)


class PercentField(forms.CharField):
    """An APR such as "24.99" or "24.99%" as a Decimal between 0 and 100; blank is None."""

    default_error_messages = {
        "invalid": _("Enter the interest rate as a number, like 24.99."),
        "range": _("Enter a rate between 0 and 100."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 10})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        match = PERCENT_RE.match(text.replace(" ", "")[:12])
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        rate = Decimal(match["num"]).quantize(CENT)
        if rate > 100:
            raise ValidationError(self.error_messages["range"], code="range")
        return rate


def digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class PressedInput(forms.HiddenInput):
    """A submit button or flag: posted (with any value, even none) is pressed."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        return name in data


class PressedField(forms.BooleanField):
    """Which button of a form was pressed, as a bool."""

    widget = PressedInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
