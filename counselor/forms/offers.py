"""The offer form: which saved proposal version to send (the latest when none is given)."""

from __future__ import annotations

from django import forms


class OfferForm(forms.Form):
    version = forms.CharField(required=False)

    def clean_version(self) -> int | None:
        """The version number, or None for "the latest"."""
        raw = self.cleaned_data["version"]
        return int(raw) if raw.isdigit() else None


class OfferExceptionForm(OfferForm):
    """A supervisor's exception: the version and the written reason the consumer reads."""

    reason = forms.CharField(max_length=1000, required=False)
