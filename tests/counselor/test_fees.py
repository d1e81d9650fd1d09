"""Fee caps: explicit states, UDMSA and AICCCA rules, percentage states, fallbacks, waivers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from counselor.engine.fees import DATA_VERSION, FeeSchedule, apply_fees, fee_cap, load_caps
from intake.engine.errors import DomainError

HIGH = FeeSchedule(Decimal("100"), Decimal("100"))


def _apply(state, schedule=HIGH, creditors=3, disbursed="400", **kwargs):
    return apply_fees(
        schedule,
        state=state,
        creditors=creditors,
        monthly_disbursement=Decimal(disbursed),
        **kwargs,
    )


# 3 creditors, $400 disbursed a month, agency asking $100 / $100.
@pytest.mark.parametrize(
    ("state", "setup", "monthly"),
    [
        ("MS", "75.00", "30.00"),
        ("VA", "75.00", "60.00"),  # lesser of $60 and 15% of $400
        ("ME", "75.00", "40.00"),
        ("MD", "50.00", "24.00"),  # $8 x 3 creditors, max $40
        ("GA", "0.00", "30.00"),  # 7.5% of $400 covers all fees, setup included
        ("FL", "50.00", "60.00"),  # lesser of 15% ($60) and $75
        ("CO", "50.00", "30.00"),  # UDMSA: $10 x 3
        ("IL", "50.00", "50.00"),
        ("CA", "100.00", "30.00"),  # 15% ($60), dollar cap unknown: UDMSA default ($30)
        ("MI", "50.00", "60.00"),  # 15% of the debt liquidated this month
        ("VI", "50.00", "30.00"),
    ],
)
def test_apply_fees_explicit_state_caps(state, setup, monthly):
    fees = _apply(state)
    assert (fees.setup_fee, fees.monthly_fee) == (Decimal(setup), Decimal(monthly))
    assert fees.clipped is True
    assert fees.cap.basis == f"{state} state law"
    assert fees.cap.citation == load_caps()["states"][state]["citation"]


@pytest.mark.parametrize(("creditors", "monthly"), [(1, "10.00"), (4, "40.00"), (7, "50.00")])
def test_apply_fees_udmsa_ten_dollars_per_creditor_max_fifty(creditors, monthly):
    fees = _apply("UT", creditors=creditors)
    assert (fees.setup_fee, fees.monthly_fee) == (Decimal("50.00"), Decimal(monthly))
    assert fees.cap.basis == "UDMSA default"


@pytest.mark.parametrize(
    ("state", "setup", "monthly"),
    [("CA", "75.00", "50.00"), ("MS", "75.00", "30.00"), ("VA", "75.00", "50.00")],
)
def test_apply_fees_aiccca_member_pays_lesser_of_its_cap_and_state(state, setup, monthly):
    fees = _apply(state, creditors=5, aiccca_member=True)
    assert (fees.setup_fee, fees.monthly_fee) == (Decimal(setup), Decimal(monthly))
    assert fees.cap.basis.endswith("AICCCA")


def test_apply_fees_percentage_cap_rounds_down_to_the_cent():
    fees = _apply("VA", disbursed="333.33")  # 15% = 49.9995
    assert fees.monthly_fee == Decimal("49.99")
    assert fees.cap.monthly_max == Decimal("49.99")


def test_apply_fees_georgia_setup_fits_in_first_month_headroom():
    fees = _apply("GA", FeeSchedule(Decimal("20"), Decimal("10")))
    assert (fees.setup_fee, fees.monthly_fee, fees.clipped) == (
        Decimal("20.00"),
        Decimal("10.00"),
        False,
    )


def test_apply_fees_unknown_state_falls_back_to_udmsa_and_says_so():
    fees = _apply("TX", creditors=2)
    assert (fees.setup_fee, fees.monthly_fee) == (Decimal("50.00"), Decimal("20.00"))
    assert fees.cap.basis == "no state cap known: UDMSA default"
    assert fees.explanations[0].startswith("No fee cap is known for TX; using the UDMSA default.")


def test_apply_fees_within_cap_is_unchanged():
    fees = _apply("IL", FeeSchedule(Decimal("25"), Decimal("35")))
    assert (fees.setup_fee, fees.monthly_fee, fees.clipped) == (
        Decimal("25.00"),
        Decimal("35.00"),
        False,
    )


def test_apply_fees_waiver_makes_fees_zero():
    fees = _apply("MS", waiver_reason="income below 150% of poverty line")
    assert (fees.setup_fee, fees.monthly_fee, fees.waived) == (Decimal("0"), Decimal("0"), True)
    assert fees.explanations[-1] == (
        "Fees waived for inability to pay: income below 150% of poverty line"
    )


def test_fee_caps_data_version_is_shipped():
    assert DATA_VERSION.isoformat() == "2026-12-06"
    assert _apply("MS").data_version == DATA_VERSION
    assert set(load_caps()["udmsa_states"]) >= {"UT", "CO"}


def test_fee_cap_zero_creditors_names_field():
    with pytest.raises(DomainError) as error:
        fee_cap("MS", creditors=0, monthly_disbursement=Decimal("100"), aiccca_member=False)
    assert error.value.field == "creditors"


def test_fee_schedule_negative_fee_names_field():
    with pytest.raises(DomainError) as error:
        FeeSchedule(Decimal("-1"), Decimal("10"))
    assert error.value.field == "setup_fee"
