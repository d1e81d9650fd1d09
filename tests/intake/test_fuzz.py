"""Hypothesis fuzzing of every wizard form through the views: whatever is typed, the
answer is a page (never a 500), and a valid answer in another field is kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.models import Household

from .conftest import ABOUT_YOU, EXPENSES, rows, url

junk = st.text(max_size=40) | st.sampled_from(["$-1", "1,2,3.999", "1e9", "NaN", "١٢٣", "\x00"])
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(field=st.sampled_from(sorted(ABOUT_YOU)), value=junk)
def test_about_you_never_500_and_keeps_other_answers(signed_in, draft, field, value):
    response = signed_in.post(url(draft, "step-about-you"), ABOUT_YOU | {field: value})

    assert response.status_code in (200, 302)
    home = Household.objects.get(application=draft)
    kept = "city" if field != "city" else "street"
    assert getattr(home, kept) == ABOUT_YOU[kept]


@FUZZ
@given(field=st.sampled_from(["kind", "gross", "net", "frequency"]), value=junk)
def test_income_never_500(signed_in, draft, field, value):
    row = {"kind": "wages", "gross": "100", "frequency": "monthly"} | {field: value}
    response = signed_in.post(url(draft, "step-income"), rows([row]))

    assert response.status_code in (200, 302)


@FUZZ
@given(
    field=st.sampled_from(
        ["creditor", "kind", "balance", "apr", "minimum_payment", "past_due", "row_id", "secured"]
    ),
    value=junk,
)
def test_debts_never_500(signed_in, draft, field, value):
    row = {"creditor": "Card", "kind": "credit_card", "balance": "5", "minimum_payment": "1"}
    response = signed_in.post(url(draft, "step-debts"), rows([row | {field: value}]))

    assert response.status_code in (200, 302)


@FUZZ
@given(value=junk)
def test_expenses_never_500_and_keep_other_lines(signed_in, draft, value):
    response = signed_in.post(url(draft, "step-expenses"), EXPENSES | {"pets": value})

    assert response.status_code in (200, 302)
    assert str(draft.expenses.get(category="rent").amount) == "1200.00"


@pytest.mark.parametrize("step", ["consents", "bank", "documents", "review"])
@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(["privacy", "esign", "skip", "done", "kind", "credit_pull", "x"]),
        junk,
        max_size=5,
    )
)
def test_other_steps_never_500(signed_in, draft, step, data):
    assert signed_in.post(url(draft, f"step-{step}"), data).status_code in (200, 302)
