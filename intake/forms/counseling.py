"""The "talk to a counselor" request form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import CounselingRequest
from ..wizard.fields import digits
from ..wizard.forms import LANGUAGES
from ..wizard.plain import PlainErrorsForm


class CounselingRequestForm(PlainErrorsForm):
    preferred_times = forms.MultipleChoiceField(
        label=_("When can we call you?"),
        choices=CounselingRequest.Time.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        error_messages={"required": _("Choose at least one time.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "usa-input"}),
        error_messages={"required": _("Enter a phone number where we can reach you.")},
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGES, widget=forms.Select(attrs={"class": "usa-select"})
    )
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        choices=CounselingRequest.Topic.choices,
        initial=CounselingRequest.Topic.DEBT,
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    note = forms.CharField(
        label=_("Anything we should know? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )

    def clean_phone(self) -> str:
        number = digits(self.cleaned_data["phone"])
        number = number[1:] if len(number) == 11 and number.startswith("1") else number
        if len(number) != 10:
            raise ValidationError(_("Enter a 10-digit phone number, like 404-555-0123."))
        return number

    def clean_topic(self) -> str:
        return self.cleaned_data.get("topic") or CounselingRequest.Topic.DEBT
