"""Forms of the agency's pricing terms: a creditor terms entry and the fee schedule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

PERCENT = {"min_value": Decimal("0"), "max_value": Decimal("100"), "decimal_places": 2}
MONEY = {"min_value": Decimal("0"), "max_digits": 12, "decimal_places": 2}


class CreditorTermsForm(forms.Form):
    creditor = forms.CharField(max_length=120)
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, as printed on credit reports (e.g. SYNCB/AMAZON).",
    )
    min_payment_pct = forms.DecimalField(
        **PERCENT, initial=Decimal("2.00"), label="Min % of balance"
    )
    concession_apr = forms.DecimalField(required=False, **PERCENT, label="Concession APR %")
    max_term_months = forms.IntegerField(min_value=1, max_value=600, initial=60)
    fair_share_pct = forms.DecimalField(**PERCENT, initial=Decimal("0"), label="Fair share %")
    reage_after_payments = forms.IntegerField(required=False, min_value=0, max_value=60)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(required=False, initial=True)
    reason = forms.CharField(max_length=300, label="Reason for this change")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_aliases(self) -> list[str]:
        lines = self.cleaned_data["aliases"].replace(",", "\n").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def values(self) -> dict[str, Any]:
        """The terms values (everything but the reason and version)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "version")}


class FeeScheduleForm(forms.Form):
    setup_fee = forms.DecimalField(**MONEY)
    monthly_fee = forms.DecimalField(**MONEY)
    aiccca_member = forms.BooleanField(required=False, label="AICCCA member")
    reason = forms.CharField(max_length=300, label="Reason for this change")
