from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(required=False, label=_("Send me e-mails when something happens"))
    sms = forms.BooleanField(
        required=False, label=_("Send me text messages too (I agree to the text above)")
    )


class UnsubscribeForm(forms.Form):
    """The confirmation button: a link scanner's GET changes nothing."""
