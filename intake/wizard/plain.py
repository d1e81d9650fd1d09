"""Plain words on every consumer form: our sentences instead of Django's default error
messages, the field's label in the error summary, and "Please check this amount" for an
amount far beyond what households have (kept, and confirmed by saving it again)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intake.engine.money import money_text

from .fields import AmountField

# Our words for what Django would say in its own ("Ensure this value is greater than or
# equal to 1."): a field's own message, where it has one, wins.
PLAIN_MESSAGES = {
    "required": _("Please answer this question."),
    "invalid": _("Please check this answer: it is not in a form we can read."),
    "min_value": _("Enter %(limit_value)s or more."),
    "max_value": _("Enter %(limit_value)s or less."),
    "max_length": _("Please shorten this answer to %(limit_value)d characters or fewer."),
    "invalid_choice": _("Choose one of the options in the list."),
}
_PLAIN_BY_TYPE = {
    forms.IntegerField: {"invalid": _("Enter a whole number, like 3.")},
    forms.DateField: {"invalid": _("Enter a date like 04/28/1986.")},
    forms.EmailField: {"invalid": _("Enter an email address like name@example.com.")},
}


def plain_messages(form: forms.BaseForm) -> None:
    """Every field of ``form`` speaks in our words instead of Django's defaults (a message
    of our own, on the field or its class, stays)."""
    for field in form.fields.values():
        django: dict[str, Any] = {}
        for klass in reversed(type(field).__mro__):
            if klass.__module__.startswith("django."):
                django.update(vars(klass).get("default_error_messages", {}))
        for code, message in {**PLAIN_MESSAGES, **_PLAIN_BY_TYPE.get(type(field), {})}.items():
            current = field.error_messages.get(code)
            if current is None or current is django.get(code):
                field.error_messages[code] = message


IMPLAUSIBLE = _(
    "Please check this amount: %(amount)s is far more than we usually see. "
    "If it is right, save again and we will keep it."
)


def _amounts(texts: Iterable[str]) -> set[Decimal]:
    found = set()
    for text in texts:
        try:
            found.add(Decimal(text).quantize(Decimal("0.01")))
        except (InvalidOperation, ValueError):
            continue
    return found


class PlainErrorsForm(forms.Form):
    """A form whose fields use our error messages (``plain_messages``), and that asks the
    consumer to check an implausible amount before it counts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_messages(self)
        self.to_check: dict[str, Any] = {}

    def flag_implausible(self, saved: dict[str, str]) -> None:
        """An amount at or above its field's ``implausible`` mark gets "Please check this
        amount", unless the same amount was saved before (the consumer saved it again: it is
        confirmed). The amount is kept (``values()``) and shown as typed; the step is not
        complete until it is confirmed. ``saved``: the step's stored data (``Step.load``)."""
        self.is_valid()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(field, AmountField) or name in self.errors or value is None:
                continue
            confirmed = _amounts(v for k, v in saved.items() if k.rsplit("-", 1)[-1] == name)
            if value >= field.implausible and value not in confirmed:
                self.to_check[name] = value
                message = IMPLAUSIBLE % {"amount": money_text(value)}
                self.add_error(name, ValidationError(message, code="implausible"))

    def kept(self) -> dict[str, Any]:
        """The converted values without an error, and the amounts waiting for a check."""
        return {
            **{k: v for k, v in self.cleaned_data.items() if k not in self.errors},
            **self.to_check,
        }

    def summary_line(self, name: str, message: str) -> str:
        """An error of the summary at the top of the page: the field's label, then the
        message ("Rent: Enter an amount in dollars, like 1,234.56.")."""
        field = self.fields.get(name)
        label = str(field.label or "") if field is not None else ""
        return f"{label}: {message}" if label and name != "__all__" else str(message)
