"""Forms of the portal and of "talk to a counselor" (the wizard's are in intake.wizard)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Consent, CounselingRequest, PlanOffer
from .wizard.fields import digits

LANGUAGES = [("en", "English"), ("es", "Español")]


class CounselingRequestForm(forms.Form):
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


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
        error_messages={"required": _("Write a message first.")},
    )


class WithdrawForm(forms.Form):
    kind = forms.ChoiceField(choices=Consent.Kind.choices)


class OfferAnswerForm(forms.Form):
    offer = forms.UUIDField(widget=forms.HiddenInput)
    document_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)


class AcceptForm(OfferAnswerForm):
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "name"}),
        error_messages={"required": _("Type your full name to sign.")},
    )
    consent = forms.BooleanField(
        label=_("I have read the plan and agree to it. My typed name is my signature."),
        error_messages={"required": _("Tick the box to sign.")},
    )


class DeclineForm(OfferAnswerForm):
    category = forms.ChoiceField(
        label=_("What is the main reason?"),
        choices=[("", _("Choose a reason")), *PlanOffer.DeclineCategory.choices],
        required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    reason = forms.CharField(
        label=_("Why are you declining? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )

    def clean_category(self) -> str:
        return self.cleaned_data.get("category") or PlanOffer.DeclineCategory.OTHER
