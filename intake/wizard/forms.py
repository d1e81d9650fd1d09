"""The wizard's forms. Every field is optional while saving a draft: whatever is valid is
saved, whatever is not keeps its error and the typed value. `check_complete()` then adds
the "missing answer" errors that decide whether the step is complete."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.uploads.validation import upload_too_large_message
from tenants.us_states import US_STATES

from ..models import Consent, Debt, Document, Income
from ..models.household import EmploymentStatus
from ..models.parts import Frequency
from .fields import AmountField, PercentField, PressedField, digits
from .plain import PlainErrorsForm

LANGUAGES = [("en", "English"), ("es", "Español")]
BLANK = [("", _("- Select -"))]
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y"]


def _collation_key(name: str) -> str:
    """Alphabetical order as a reader expects it: accents and case ignored."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold()


def states_by_name() -> list[tuple[str, str]]:
    """(USPS code, name) sorted by the name in the active language."""
    named = [(code, gettext(str(name))) for code, name in US_STATES.items()]
    return sorted(named, key=lambda choice: _collation_key(choice[1]))


class StepForm(PlainErrorsForm):
    """A wizard form: `values()` is what may be saved now, `check_complete()` what the
    step still needs."""

    required_answers: dict[str, Any] = {}

    def values(self) -> dict[str, Any]:
        """The converted values of every field without an error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.kept()

    def missing(self) -> dict[str, Any]:
        return self.required_answers

    def check_complete(self) -> bool:
        """Adds an error to each required answer that is blank; True if none is missing
        and nothing else is wrong."""
        self.is_valid()
        for name, message in self.missing().items():
            if name not in self.errors and self.cleaned_data.get(name) in (None, "", [], False):
                self.add_error(name, ValidationError(message, code="required"))
        return not self.errors

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary at the top of the page."""
        found = [
            (f"id_{self.add_prefix(n)}" if n != "__all__" else "", self.summary_line(n, e))
            for n, es in self.errors.items()
            for e in es
        ]
        return [(anchor or "step-form", message) for anchor, message in found]


class AboutYouForm(StepForm):
    first_name = forms.CharField(label=_("First name"), required=False, max_length=60)
    middle_name = forms.CharField(label=_("Middle name"), required=False, max_length=60)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=60)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example: 04/28/1986"),
        error_messages={"invalid": _("Enter your date of birth like 04/28/1986.")},
        widget=forms.DateInput(attrs={"autocomplete": "bday"}, format="%m/%d/%Y"),
    )
    ssn = forms.CharField(
        label=_("Social Security number"),
        required=False,
        max_length=11,
        help_text=_("Needed only for the credit check. We show only the last 4 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    street = forms.CharField(label=_("Street address"), required=False, max_length=120)
    street2 = forms.CharField(label=_("Apartment, unit (optional)"), required=False, max_length=60)
    city = forms.CharField(label=_("City"), required=False, max_length=60)
    state = forms.ChoiceField(label=_("State"), required=False, choices=BLANK)
    zip_code = forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        max_length=120,
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    household_size = forms.IntegerField(
        label=_("People in your household, including you"),
        required=False,
        min_value=1,
        max_value=20,
        error_messages={"invalid": _("Enter a whole number, like 3.")},
    )
    dependents = forms.IntegerField(
        label=_("Of them, how many depend on you?"),
        required=False,
        min_value=0,
        max_value=19,
        error_messages={"invalid": _("Enter a whole number, like 2.")},
    )
    employment_status = forms.ChoiceField(
        label=_("Work"), required=False, choices=BLANK + EmploymentStatus.choices
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), required=False, choices=BLANK + LANGUAGES
    )
    has_co_applicant = forms.BooleanField(
        label=_("Someone applies with me (spouse or partner)"), required=False
    )
    co_first_name = forms.CharField(label=_("Their first name"), required=False, max_length=60)
    co_last_name = forms.CharField(label=_("Their last name"), required=False, max_length=60)
    co_birth_date = forms.DateField(
        label=_("Their date of birth"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter the date of birth like 04/28/1986.")},
        widget=forms.DateInput(format="%m/%d/%Y"),
    )
    co_employment_status = forms.ChoiceField(
        label=_("Their work"), required=False, choices=BLANK + EmploymentStatus.choices
    )

    required_answers = {
        "first_name": _("Enter your first name."),
        "last_name": _("Enter your last name."),
        "birth_date": _("Enter your date of birth."),
        "street": _("Enter your street address."),
        "city": _("Enter your city."),
        "state": _("Choose your state."),
        "zip_code": _("Enter your ZIP code."),
        "phone": _("Enter a phone number where we can reach you."),
        "household_size": _("Enter how many people live in your household."),
        "employment_status": _("Choose what describes your work."),
        "preferred_language": _("Choose a language."),
    }

    def __init__(self, *args: Any, existing_ssn: str = "", needs_ssn: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.existing_ssn, self.needs_ssn = existing_ssn, needs_ssn
        self.fields["state"].choices = BLANK + states_by_name()

    def missing(self) -> dict[str, Any]:
        missing = dict(self.required_answers)
        if self.needs_ssn:
            missing["ssn"] = _("Enter your Social Security number for the credit check.")
        if self.cleaned_data.get("has_co_applicant"):
            missing["co_first_name"] = _("Enter the first name of the person applying with you.")
            missing["co_last_name"] = _("Enter the last name of the person applying with you.")
        return missing

    def _birth(self, name: str) -> date | None:
        born = self.cleaned_data.get(name)
        if born is not None and not date(1900, 1, 1) <= born <= timezone.localdate():
            raise ValidationError(_("Enter a date of birth in the past."), code="range")
        return born

    def clean_birth_date(self) -> date | None:
        return self._birth("birth_date")

    def clean_co_birth_date(self) -> date | None:
        return self._birth("co_birth_date")

    def _name(self, name: str) -> str:
        text = self.cleaned_data[name].strip()
        # The SSN + last-name blind index needs letters; digits-only names are typos.
        if text and not any(ch.isalpha() for ch in text):
            raise ValidationError(_("Enter a name with letters."), code="letters")
        return text

    def clean_first_name(self) -> str:
        return self._name("first_name")

    def clean_last_name(self) -> str:
        return self._name("last_name")

    def clean_co_first_name(self) -> str:
        return self._name("co_first_name")

    def clean_co_last_name(self) -> str:
        return self._name("co_last_name")

    def clean_ssn(self) -> str | None:
        text = self.cleaned_data["ssn"].strip()
        if text.startswith("***") and self.existing_ssn and text.endswith(self.existing_ssn[-4:]):
            return self.existing_ssn  # the masked value shown back: unchanged
        if not text:
            return None
        number = digits(text)
        if (
            len(number) != 9
            or number.startswith(("000", "666", "9"))
            or set(text) - set("0123456789- ")
        ):
            raise ValidationError(_("Enter a 9-digit Social Security number, like 123-45-6789."))
        return f"{number[:3]}-{number[3:5]}-{number[5:]}"

    def clean_zip_code(self) -> str | None:
        text = self.cleaned_data["zip_code"].strip()
        if not text:
            return None
        number = digits(text)
        if len(number) not in (5, 9) or set(text) - set("0123456789- "):
            raise ValidationError(_("Enter a 5-digit ZIP code, like 30301."))
        return number if len(number) == 5 else f"{number[:5]}-{number[5:]}"

    def clean_phone(self) -> str | None:
        text = self.cleaned_data["phone"].strip()
        if not text:
            return None
        number = digits(text)
        number = number[1:] if len(number) == 11 and number.startswith("1") else number
        if len(number) != 10 or set(text) - set("0123456789-+(). "):
            raise ValidationError(_("Enter a 10-digit phone number, like 404-555-0123."))
        return number

    def clean_email(self) -> str | None:
        return self.cleaned_data["email"].strip() or None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        size, dependents = data.get("household_size"), data.get("dependents")
        if size is not None and dependents is not None and dependents >= size:
            self.add_error(
                "dependents", _("Dependents must be fewer than the people in the household.")
            )
        return data


class ConsentsForm(StepForm):
    privacy = forms.BooleanField(required=False, label=_("I have read the privacy notice."))
    esign = forms.BooleanField(
        required=False, label=_("I agree to receive records and sign electronically.")
    )
    credit_pull = forms.BooleanField(
        required=False, label=_("I instruct the agency to check my credit (soft inquiry).")
    )
    bank_data = forms.BooleanField(
        required=False, label=_("I allow the agency to use data from my bank.")
    )
    required_answers = {
        "privacy": _("Tick the box to confirm you read the privacy notice."),
        "esign": _("Tick the box to agree to electronic records, or call us instead."),
    }

    def granted(self) -> list[str]:
        values = self.values()
        return [kind for kind in Consent.Kind.values if values.get(kind)]


class IncomeForm(PlainErrorsForm):
    kind = forms.ChoiceField(
        label=_("Type of income"), required=False, choices=BLANK + Income.Kind.choices
    )
    gross = AmountField(label=_("Amount before taxes"), implausible=Decimal("250000"))
    net = AmountField(label=_("Take-home amount (optional)"), implausible=Decimal("250000"))
    frequency = forms.ChoiceField(
        label=_("How often"), required=False, choices=BLANK + Frequency.choices
    )
    required_answers = {
        "kind": _("Choose the type of income."),
        "gross": _("Enter the amount before taxes."),
        "frequency": _("Choose how often you receive it."),
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        gross, net = data.get("gross"), data.get("net")
        if gross is not None and net is not None and net > gross:
            self.add_error("net", _("Take-home pay cannot be more than the amount before taxes."))
        return data


class DebtForm(PlainErrorsForm):
    row_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    creditor = forms.CharField(label=_("Who do you owe?"), required=False, max_length=120)
    kind = forms.ChoiceField(
        label=_("Type of debt"), required=False, choices=BLANK + Debt.Kind.choices
    )
    secured = forms.BooleanField(
        label=_("Backed by property (like a car or house)"), required=False
    )
    balance = AmountField(label=_("Amount owed"), implausible=Decimal("5000000"))
    apr = PercentField(label=_("Interest rate (APR %, optional)"))
    minimum_payment = AmountField(label=_("Minimum monthly payment"))
    past_due = AmountField(label=_("Past due amount (optional)"), implausible=Decimal("5000000"))
    required_answers = {
        "creditor": _("Enter who you owe."),
        "kind": _("Choose the type of debt."),
        "balance": _("Enter the amount you owe."),
        "minimum_payment": _("Enter the minimum monthly payment (0 if none)."),
    }


class RowsFormSet(forms.BaseFormSet):
    """Rows of a repeating step (incomes, debts): saved when the management form is intact;
    blank rows are dropped; each kept row keeps its valid values."""

    def management_ok(self) -> bool:
        return self.is_bound and self.management_form.is_valid()

    def values(self) -> list[dict[str, Any]]:
        self.is_valid()
        rows = []
        for form in self.forms:
            if not form.has_changed() or (self.can_delete and self._should_delete_form(form)):
                continue
            rows.append(form.kept())
        return rows

    def check_complete(self) -> bool:
        self.is_valid()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            for name, message in form.required_answers.items():
                if name not in form.errors and form.cleaned_data.get(name) in (None, ""):
                    form.add_error(name, ValidationError(message, code="required"))
        return self.is_valid() and not any(f.errors for f in self.forms)

    def error_summary(self) -> list[tuple[str, str]]:
        found = [("step-form", str(e)) for e in self.non_form_errors()]
        for form in self.forms:
            for name, errors in form.errors.items():
                found += [
                    (f"id_{form.add_prefix(name)}", form.summary_line(name, e)) for e in errors
                ]
        return found


IncomeFormSet = forms.formset_factory(
    IncomeForm,
    formset=RowsFormSet,
    extra=0,
    can_delete=True,
    max_num=20,
    absolute_max=30,
    validate_max=True,
)
DebtFormSet = forms.formset_factory(
    DebtForm,
    formset=RowsFormSet,
    extra=0,
    can_delete=True,
    max_num=40,
    absolute_max=50,
    validate_max=True,
)


class BankForm(StepForm):
    skip = forms.BooleanField(required=False, label=_("Skip for now"))
    manual = PressedField()  # "I don't bank online"


class StepButtonsForm(forms.Form):
    """Which button of a step page was pressed (the answers are the step's own form)."""

    save_later = PressedField()
    add_row = PressedField()
    upload = PressedField()


class DocumentRemoveForm(forms.Form):
    document = forms.UUIDField()


class DocumentForm(StepForm):
    """One upload at a time. The size limit is said before the upload and given to the
    page's script (data-max-bytes), which refuses a larger file before sending it."""

    kind = forms.ChoiceField(
        label=_("What is it?"),
        required=False,
        choices=BLANK + Document.Kind.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    file = forms.FileField(
        label=_("Choose a file (PDF, PNG or JPG)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg", "class": "usa-file-input"}),
    )
    done = forms.BooleanField(required=False, label=_("I am done with documents for now"))
    upload = PressedField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.CREDITGENIE_UPLOAD_MAX_BYTES
        megabytes = f"{limit / (1024 * 1024):g}"
        self.fields["file"].help_text = _("Up to %(limit)s MB per file.") % {"limit": megabytes}
        self.fields["file"].widget.attrs |= {
            "data-max-bytes": str(limit),
            "data-too-large": upload_too_large_message(limit),
        }
