"""Forms of the consumer's portal: messages, consent withdrawal, answering a plan offer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Consent, PlanOffer
from ..wizard.plain import PlainErrorsForm


class MessageForm(PlainErrorsForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "usa-textarea"}),
        error_messages={"required": _("Write a message first.")},
    )


class WithdrawForm(forms.Form):
    kind = forms.ChoiceField(choices=Consent.Kind.choices)


class OfferAnswerForm(PlainErrorsForm):
    offer = forms.UUIDField(widget=forms.HiddenInput)
    document_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)


class AcceptForm(OfferAnswerForm):
    """The e-signature. The intent box's label is the versioned intent statement; the
    co-applicant's name is asked only when there is a co-applicant."""

    typed_name = forms.CharField(
        label=_("Type your full legal name to sign"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "name"}),
        error_messages={"required": _("Type your full legal name to sign.")},
    )
    co_typed_name = forms.CharField(
        label=_("Your co-applicant types their full legal name to sign"),
        max_length=120,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
        error_messages={"required": _("Your co-applicant types their full legal name.")},
    )
    consent = forms.BooleanField(
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
        error_messages={"required": _("Tick the box to sign.")},
    )

    def __init__(self, *args: object, intent: str, co_applicant: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = intent
        if not co_applicant:
            del self.fields["co_typed_name"]


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
