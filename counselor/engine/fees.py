"""DMP fee caps per state, the agency's fee schedule clipped to them, and waivers.

The caps are versioned data (``counselor/engine/data/dmp_fee_caps_<date>.json``, a
copy of the sourced research file); the date in the file name is the data
version. How each state's rule is applied is written out below, because the
statutes mix dollar caps, per-creditor caps and percentages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from importlib import resources
from typing import Any

from intake.engine.errors import DomainError
from intake.engine.money import HUNDRED, ZERO, money_text, non_negative, round_cents

DATA_FILE = "dmp_fee_caps_2026-11-27.json"
DATA_VERSION = date.fromisoformat(DATA_FILE.removeprefix("dmp_fee_caps_").removesuffix(".json"))

AICCCA_SETUP_MAX = Decimal("75")
AICCCA_MONTHLY_MAX = Decimal("50")

# Percentage caps, applied to the month's disbursement to creditors. Michigan's
# cap is 15% of debt liquidated over the plan; taking 15% of each month's
# disbursement never exceeds it and keeps fees only on debt actually paid.
PERCENT_OF_DISBURSED = {
    "VA": Decimal("15"),
    "FL": Decimal("15"),
    "CA": Decimal("15"),
    "MI": Decimal("15"),
    "GA": Decimal("7.5"),
}
# Georgia's 7.5% covers all fees combined, so the setup fee must fit in it too.
ALL_FEES_COMBINED = frozenset({"GA"})
# A monthly dollar cap exists in law but was not captured: fall back to UDMSA's.
DOLLAR_CAP_NOT_CAPTURED = frozenset({"CA"})


@dataclass(frozen=True)
class FeeSchedule:
    """The agency's own fees, before any cap."""

    setup_fee: Decimal
    monthly_fee: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "setup_fee", non_negative(self.setup_fee, "setup_fee"))
        object.__setattr__(self, "monthly_fee", non_negative(self.monthly_fee, "monthly_fee"))


@dataclass(frozen=True)
class FeeCap:
    """The caps for one enrollment; ``None`` means no dollar cap applies."""

    state: str | None
    setup_max: Decimal | None
    monthly_max: Decimal
    basis: str
    citation: str
    confidence: str
    explanations: tuple[str, ...]


@dataclass(frozen=True)
class AppliedFees:
    """Fees the consumer will pay, with why (for the PA-FEC 7 disclosure)."""

    setup_fee: Decimal
    monthly_fee: Decimal
    requested: FeeSchedule
    cap: FeeCap
    clipped: bool
    waived: bool
    explanations: tuple[str, ...]
    data_version: date = DATA_VERSION


@cache
def load_caps() -> Any:
    """The shipped fee-cap table, read once."""
    text = (
        resources.files("counselor.engine").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    )
    return json.loads(text)


def _per_creditor(per: Decimal, cap: Decimal, creditors: int) -> Decimal:
    return min(per * creditors, cap)


def _floor_cents(amount: Decimal) -> Decimal:
    """Percentage caps round down: a cap must never be exceeded by rounding."""
    return amount.quantize(Decimal("0.01"), ROUND_FLOOR)


def _udmsa(state: str | None, creditors: int, basis: str, note: str) -> FeeCap:
    udmsa = load_caps()["udmsa"]
    per, top = Decimal(udmsa["monthly_per_creditor"]), Decimal(udmsa["monthly_max"])
    monthly = _per_creditor(per, top, creditors)
    text = f"{note} Monthly fee capped at $10 per creditor ({creditors}), at most $50."
    return FeeCap(
        state, Decimal(udmsa["setup_max"]), monthly, basis, udmsa["section"], "medium", (text,)
    )


def _state_monthly(code: str, row: dict, creditors: int, disbursed: Decimal):
    """Monthly cap candidates for an explicit state, with a sentence for each."""
    caps: list[tuple[Decimal, str]] = []
    if row["monthly_max"] is not None:
        top = Decimal(row["monthly_max"])
        if "per_creditor" in row:
            per = Decimal(row["per_creditor"])
            amount = _per_creditor(per, top, creditors)
            caps.append(
                (amount, f"{money_text(per)} per creditor ({creditors}), at most {money_text(top)}")
            )
        else:
            caps.append((top, f"{money_text(top)} a month"))
    if code in PERCENT_OF_DISBURSED:
        pct = PERCENT_OF_DISBURSED[code]
        amount = _floor_cents(disbursed * pct / HUNDRED)
        caps.append((amount, f"{pct}% of the {money_text(disbursed)} disbursed (${amount})"))
    if code in DOLLAR_CAP_NOT_CAPTURED:
        fallback = _udmsa(code, creditors, "", "")
        caps.append((fallback.monthly_max, "the UDMSA default, since the dollar cap is unknown"))
    return caps


def _explicit_state(code: str, row: dict, creditors: int, disbursed: Decimal) -> FeeCap:
    caps = _state_monthly(code, row, creditors, disbursed)
    monthly = min(amount for amount, _ in caps)
    rules = " and ".join(text for _, text in caps)
    if len(caps) > 1:
        rules = f"the lesser of {rules}"
    setup = None if row["setup_max"] is None else Decimal(row["setup_max"])
    setup_text = "no separate setup cap" if setup is None else f"setup at most {money_text(setup)}"
    text = f"{code} ({row['citation']}): {setup_text}; monthly fee at most {rules}."
    notes = (text, row["note"]) if row.get("note") else (text,)
    basis = f"{code} state law"
    return FeeCap(code, setup, monthly, basis, row["citation"], row["confidence"], notes)


def fee_cap(
    state: str | None, *, creditors: int, monthly_disbursement: Decimal, aiccca_member: bool
) -> FeeCap:
    """The caps for a client in ``state`` with ``creditors`` enrolled.

    Explicit states use their rule; other UDMSA states the UDMSA default; any
    other state has no cap in our data and falls back to the UDMSA default,
    saying so. AICCCA members are also held to the lesser of $75 / $50.
    """
    if isinstance(creditors, bool) or not isinstance(creditors, int) or creditors < 1:
        raise DomainError("creditors", "at least one enrolled creditor is required")
    disbursed = non_negative(monthly_disbursement, "monthly_disbursement")
    code = state.upper() if state else None
    table = load_caps()
    if code in table["states"]:
        cap = _explicit_state(code, table["states"][code], creditors, disbursed)
    elif code in table["udmsa_states"]:
        cap = _udmsa(code, creditors, "UDMSA default", f"{code} enacted the UDMSA (2010 list).")
    else:
        note = f"No fee cap is known for {code or 'an unknown state'}; using the UDMSA default."
        cap = _udmsa(code, creditors, "no state cap known: UDMSA default", note)
    return _aiccca(cap) if aiccca_member else cap


def _aiccca(cap: FeeCap) -> FeeCap:
    setup = AICCCA_SETUP_MAX if cap.setup_max is None else min(cap.setup_max, AICCCA_SETUP_MAX)
    monthly = min(cap.monthly_max, AICCCA_MONTHLY_MAX)
    text = (
        "AICCCA member: setup at most the lesser of $75 or the state cap;"
        " monthly at most the lesser of $50 or the state cap."
    )
    return FeeCap(
        cap.state,
        setup,
        monthly,
        f"{cap.basis}; AICCCA",
        cap.citation,
        cap.confidence,
        (*cap.explanations, text),
    )


def _setup_cap(cap: FeeCap, monthly_fee: Decimal, disbursed: Decimal) -> Decimal | None:
    """Georgia folds the setup fee into the first month's 7.5% of all fees."""
    if cap.state not in ALL_FEES_COMBINED:
        return cap.setup_max
    pct = PERCENT_OF_DISBURSED[cap.state]
    headroom = max(_floor_cents(disbursed * pct / HUNDRED) - monthly_fee, ZERO)
    return headroom if cap.setup_max is None else min(headroom, cap.setup_max)


def apply_fees(
    schedule: FeeSchedule,
    *,
    state: str | None,
    creditors: int,
    monthly_disbursement: Decimal,
    aiccca_member: bool = False,
    waiver_reason: str = "",
) -> AppliedFees:
    """Clip the agency's schedule to the cap; a waiver (inability to pay) makes both zero."""
    cap = fee_cap(
        state,
        creditors=creditors,
        monthly_disbursement=monthly_disbursement,
        aiccca_member=aiccca_member,
    )
    if waiver_reason.strip():
        why = f"Fees waived for inability to pay: {waiver_reason.strip()}"
        return AppliedFees(ZERO, ZERO, schedule, cap, False, True, (*cap.explanations, why))
    monthly = round_cents(min(schedule.monthly_fee, cap.monthly_max))
    setup_cap = _setup_cap(cap, monthly, non_negative(monthly_disbursement, "monthly_disbursement"))
    setup = schedule.setup_fee if setup_cap is None else min(schedule.setup_fee, setup_cap)
    setup = round_cents(setup)
    clipped = (setup, monthly) != (schedule.setup_fee, schedule.monthly_fee)
    notes = cap.explanations
    if clipped:
        notes += (
            f"Agency fees {money_text(schedule.setup_fee)} setup / "
            f"{money_text(schedule.monthly_fee)} monthly were reduced to "
            f"{money_text(setup)} / {money_text(monthly)}.",
        )
    return AppliedFees(setup, monthly, schedule, cap, clipped, False, notes)
