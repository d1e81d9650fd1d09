"""The DMP builder's form: per debt, include it or not and an optional concession APR."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from counselor.engine.snapshots import Json
from counselor.forms.terms import PERCENT


class BuilderForm(forms.Form):
    """Per debt: include it or not, and an optional concession APR with the reason.

    Fields are named after the debt ids of the proposal's inputs snapshot.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    fee_waiver = forms.CharField(
        required=False, max_length=300, label="Waive fees (reason: inability to pay)"
    )

    def __init__(self, data: Any = None, *, inputs: Json, version: int) -> None:
        super().__init__(data, initial={"version": version})
        self.inputs = inputs
        self.fields["fee_waiver"].initial = inputs.get("fee_waiver", "")
        excluded = set(inputs.get("exclusions", ()))
        overrides = {o["creditor"]: o for o in inputs.get("overrides", ())}
        for debt in inputs["debts"]:
            key, override = debt["id"], overrides.get(debt["creditor"], {})
            self.fields[f"include_{key}"] = forms.BooleanField(
                required=False, initial=key not in excluded, label=f"Include {debt['creditor']}"
            )
            self.fields[f"apr_{key}"] = forms.DecimalField(
                required=False,
                **PERCENT,
                initial=override.get("concession_apr"),
                label=f"Concession APR override for {debt['creditor']}",
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                required=False,
                max_length=200,
                initial=override.get("reason", ""),
                label=f"Reason for the override of {debt['creditor']}",
            )

    def debt_fields(
        self,
    ) -> list[tuple[Json, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(debt, include, apr, reason) per debt, for the template."""
        return [
            (d, self[f"include_{d['id']}"], self[f"apr_{d['id']}"], self[f"reason_{d['id']}"])
            for d in self.inputs["debts"]
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for debt in self.inputs["debts"]:
            key = debt["id"]
            if data.get(f"apr_{key}") is not None and not data.get(f"reason_{key}", "").strip():
                self.add_error(f"reason_{key}", "Say why this creditor's APR is overridden.")
        return data

    def new_inputs(self) -> Json:
        """The snapshot's inputs with this form's choices (call after ``is_valid``)."""
        data, inputs = self.cleaned_data, copy.deepcopy(self.inputs)
        debts = inputs["debts"]
        inputs["exclusions"] = [
            d["id"] for d in debts if not d.get("secured") and not data.get(f"include_{d['id']}")
        ]
        overrides: dict[str, Json] = {}
        for debt in debts:
            apr = data.get(f"apr_{debt['id']}")
            if apr is not None:
                overrides[debt["creditor"]] = {
                    "creditor": debt["creditor"],
                    "concession_apr": str(apr),
                    "min_payment_pct": None,
                    "max_term_months": None,
                    "reason": data[f"reason_{debt['id']}"].strip(),
                }
        inputs["overrides"] = list(overrides.values())
        inputs["fee_waiver"] = data.get("fee_waiver", "").strip()
        return inputs
