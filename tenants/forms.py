"""Forms of the tenants app: the front door's territory search and the profile admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGE_CHOICES, AgencyProfile
from .us_states import STATE_CHOICES


class TerritoryForm(forms.Form):
    """State and/or ZIP code; nothing is stored, the answer only picks an agency."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("- Select -")), *STATE_CHOICES], required=False
    )
    zip_code = forms.RegexField(
        label=_("ZIP code"),
        regex=r"^\d{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("Enter a 5-digit ZIP code, like 30301.")},
    )

    def clean(self) -> dict[str, str]:
        data = super().clean()
        if not data.get("state") and not data.get("zip_code"):
            raise forms.ValidationError(_("Choose your state or enter your ZIP code."))
        return data


class AgencyProfileForm(forms.ModelForm):
    states_served = forms.MultipleChoiceField(
        choices=STATE_CHOICES, required=False, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AgencyProfile
        fields = [
            "name",
            "short_name",
            "logo",
            "brand_colour",
            "states_served",
            "phone",
            "email",
            "timezone",
            "languages",
        ]
