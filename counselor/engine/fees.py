"""DMP fee caps per state, applied to each month's own facts, and waivers.

The caps are versioned data (``counselor/engine/data/dmp_fee_caps_<date>.json``, the
sourced research file plus a machine-readable ``rules`` list per state, each rule with
its "as of" date); the date in the file name is the data version. A state's rules are
resolved once into a :class:`FeeRule`; :meth:`FeeRule.month_cap` then gives the cap of
one month from that month's facts (creditors still paid, amount disbursed to them, debt
liquidated so far, fees charged so far), so a plan can be legal in every month.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from functools import cache
from importlib import resources
from typing import Any

from intake.engine.checks import state_code, text, whole_number
from intake.engine.errors import DomainError
from intake.engine.money import HUNDRED, ZERO, engine_context, money_text, non_negative

DATA_FILE = "dmp_fee_caps_2026-12-06.json"
DATA_VERSION = date.fromisoformat(DATA_FILE.removeprefix("dmp_fee_caps_").removesuffix(".json"))

AICCCA_SETUP_MAX = Decimal("75")
AICCCA_MONTHLY_MAX = Decimal("50")
UNKNOWN_STATE_BASIS = "no state cap known: UDMSA default"


@dataclass(frozen=True)
class FeeSchedule:
    """The agency's own fees, before any cap."""

    setup_fee: Decimal
    monthly_fee: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "setup_fee", non_negative(self.setup_fee, "setup_fee"))
        object.__setattr__(self, "monthly_fee", non_negative(self.monthly_fee, "monthly_fee"))


@dataclass(frozen=True)
class RuleSource:
    """One modelled rule as the data file states it: kind, figure, source and as-of date."""

    kind: str
    value: str
    citation: str
    source_url: str
    as_of: date | None
    as_of_note: str


@dataclass(frozen=True)
class MonthFacts:
    """What one month of a plan pays: creditors still paid, disbursed, principal repaid."""

    creditors: int
    disbursed: Decimal
    principal: Decimal


@dataclass(frozen=True)
class FeeRule:
    """A state's fee law, resolved from the data file; ``None`` means no such cap.

    ``law`` says where the rule comes from: ``"state"`` (the state's own law), ``"udmsa"``
    (a state that enacted the UDMSA) or ``"unknown"`` (no rule recorded: UDMSA default);
    ``aiccca`` that the AICCCA member limits are applied on top.
    """

    state: str | None
    basis: str
    citation: str
    confidence: str
    setup_max: Decimal | None = None
    monthly_max: Decimal | None = None
    per_creditor: Decimal | None = None
    percent_of_disbursed: Decimal | None = None
    percent_all_fees: Decimal | None = None
    cumulative_percent: Decimal | None = None
    creditor_share_floor: Decimal | None = None
    sources: tuple[RuleSource, ...] = ()
    explanations: tuple[str, ...] = ()
    law: str = "state"
    aiccca: bool = False

    def month_cap(
        self,
        creditors: int,
        disbursed: Decimal,
        *,
        liquidated: Decimal | None = None,
        fees_to_date: Decimal = ZERO,
    ) -> Decimal:
        """The most the monthly fee may be in a month with these facts (never negative).

        ``liquidated`` is the principal repaid up to and including this month (defaults
        to ``disbursed``, i.e. a first month with no interest); ``fees_to_date`` the
        monthly fees charged in earlier months.
        """
        caps = []
        if self.monthly_max is not None:
            per = self.per_creditor
            caps.append(self.monthly_max if per is None else min(per * creditors, self.monthly_max))
        for pct in (self.percent_of_disbursed, self.percent_all_fees):
            if pct is not None:
                caps.append(floor_cents(disbursed * pct / HUNDRED))
        if self.cumulative_percent is not None:
            base = disbursed if liquidated is None else liquidated
            caps.append(floor_cents(base * self.cumulative_percent / HUNDRED) - fees_to_date)
        if self.creditor_share_floor is not None:
            floor = self.creditor_share_floor
            caps.append(floor_cents(disbursed * (HUNDRED - floor) / floor))
        return floor_cents(max(min(caps), ZERO))

    def setup_cap(self, first_fee: Decimal, first_disbursed: Decimal) -> Decimal | None:
        """The setup fee's cap; an all-fees percentage (Georgia) leaves it month 1's headroom."""
        if self.percent_all_fees is None:
            return self.setup_max
        room = floor_cents(first_disbursed * self.percent_all_fees / HUNDRED) - first_fee
        room = max(room, ZERO)
        return room if self.setup_max is None else min(room, self.setup_max)


@dataclass(frozen=True)
class FeeCap:
    """The caps of one month (the first, for enrolment); ``None``: no setup cap applies."""

    state: str | None
    setup_max: Decimal | None
    monthly_max: Decimal
    basis: str
    citation: str
    confidence: str
    explanations: tuple[str, ...]


@dataclass(frozen=True)
class AppliedFees:
    """Month 1's fees, with why (for the PA-FEC 7 disclosure); later months: ``Plan.fees``."""

    setup_fee: Decimal
    monthly_fee: Decimal
    requested: FeeSchedule
    cap: FeeCap
    clipped: bool
    waived: bool
    explanations: tuple[str, ...]
    data_version: date = DATA_VERSION
    rule: FeeRule | None = None


@cache
def load_caps() -> Any:
    """The shipped fee-cap table, read once."""
    folder = resources.files("counselor.engine").joinpath("data", DATA_FILE)
    return json.loads(folder.read_text(encoding="utf-8"))


def floor_cents(amount: Decimal) -> Decimal:
    """Percentage caps round down: a cap must never be exceeded by rounding."""
    return amount.quantize(Decimal("0.01"), ROUND_FLOOR)


def _sources(row: dict, citation: str, url: str) -> tuple[RuleSource, ...]:
    return tuple(
        RuleSource(
            rule["kind"],
            rule["value"],
            rule.get("citation", citation),
            rule.get("source_url", url),
            date.fromisoformat(rule["as_of"]) if rule["as_of"] else None,
            rule.get("as_of_note", ""),
        )
        for rule in row["rules"]
    )


_FIELDS = {
    "setup_max": "setup_max",
    "monthly_max": "monthly_max",
    "per_creditor": "per_creditor",
    "percent_of_disbursed": "percent_of_disbursed",
    "percent_of_payment_all_fees": "percent_all_fees",
    "cumulative_percent_of_liquidated": "cumulative_percent",
    "creditor_share_floor": "creditor_share_floor",
}


def _figures(sources: tuple[RuleSource, ...]) -> dict[str, Decimal]:
    return {_FIELDS[s.kind]: Decimal(s.value) for s in sources if s.kind in _FIELDS}


def _udmsa_rule(code: str | None, basis: str, note: str, law: str = "udmsa") -> FeeRule:
    udmsa = load_caps()["udmsa"]
    sources = _sources(udmsa, udmsa["section"], udmsa["source_url"])
    text_ = f"{note} Monthly fee capped at $10 per creditor remaining that month, at most $50."
    return FeeRule(
        code,
        basis,
        udmsa["section"],
        "medium",
        **_figures(sources),
        sources=sources,
        explanations=(text_,),
        law=law,
    )


def _state_sentence(code: str, row: dict, rule: FeeRule) -> str:
    parts = []
    if rule.per_creditor is not None:
        parts.append(
            f"{money_text(rule.per_creditor)} per creditor remaining that month, "
            f"at most {money_text(rule.monthly_max)}"
        )
    elif rule.monthly_max is not None:
        parts.append(f"{money_text(rule.monthly_max)} a month")
    for pct, what in (
        (rule.percent_of_disbursed, "that month's disbursement"),
        (rule.percent_all_fees, "that month's payment, all fees combined"),
    ):
        if pct is not None:
            parts.append(f"{pct}% of {what}")
    if rule.cumulative_percent is not None:
        parts.append(f"{rule.cumulative_percent}% of the debt liquidated so far, over the plan")
    if rule.creditor_share_floor is not None:
        parts.append(
            f"what keeps at least {rule.creditor_share_floor}% of each month's "
            "receipts going to creditors"
        )
    rules = " and ".join(parts)
    if len(parts) > 1:
        rules = f"the lesser of {rules}"
    setup = rule.setup_max
    setup_text = "no separate setup cap" if setup is None else f"setup at most {money_text(setup)}"
    return f"{code} ({row['citation']}): {setup_text}; monthly fee at most {rules}."


def _state_rule(code: str, row: dict) -> FeeRule:
    sources = _sources(row, row["citation"], row["source_url"])
    figures = _figures(sources)
    notes: tuple[str, ...] = ()
    if any(s.kind == "monthly_max_unknown" for s in sources):
        udmsa = _udmsa_rule(code, "", "")
        figures.update(monthly_max=udmsa.monthly_max, per_creditor=udmsa.per_creditor)
        notes = ("The state's dollar cap is not known: the UDMSA default is applied as well.",)
    rule = FeeRule(
        code, f"{code} state law", row["citation"], row["confidence"], **figures, sources=sources
    )
    notes = (_state_sentence(code, row, rule), *notes)
    if row.get("note"):
        notes += (row["note"],)
    return replace(rule, explanations=notes)


def _aiccca(rule: FeeRule) -> FeeRule:
    setup = AICCCA_SETUP_MAX if rule.setup_max is None else min(rule.setup_max, AICCCA_SETUP_MAX)
    top = (
        AICCCA_MONTHLY_MAX
        if rule.monthly_max is None
        else min(rule.monthly_max, AICCCA_MONTHLY_MAX)
    )
    text_ = (
        "AICCCA member: setup at most the lesser of $75 or the state cap;"
        " monthly at most the lesser of $50 or the state cap."
    )
    return replace(
        rule,
        basis=f"{rule.basis}; AICCCA",
        aiccca=True,
        setup_max=setup,
        monthly_max=top,
        explanations=(*rule.explanations, text_),
    )


@engine_context
def fee_rule(state: str | None, *, aiccca_member: bool = False) -> FeeRule:
    """The fee law for a client in ``state`` (a two-letter code, or ``None``).

    Explicit states use their recorded rules; other UDMSA states the UDMSA default; any
    other state has no rule in our data and falls back to the UDMSA default, saying so
    in ``basis`` and ``explanations``. AICCCA members are also held to $75 / $50.
    """
    code = state_code(state)
    if not isinstance(aiccca_member, bool):
        raise DomainError("aiccca_member", f"must be True or False, got {aiccca_member!r}")
    return _resolved(code, aiccca_member)


@cache
def _resolved(code: str | None, aiccca_member: bool) -> FeeRule:
    table = load_caps()
    if code in table["states"]:
        rule = _state_rule(code, table["states"][code])
    elif code in table["udmsa_states"]:
        rule = _udmsa_rule(code, "UDMSA default", f"{code} enacted the UDMSA (2010 list).")
    else:
        note = f"No fee cap is known for {code or 'an unknown state'}; using the UDMSA default."
        rule = _udmsa_rule(code, UNKNOWN_STATE_BASIS, note, law="unknown")
    return _aiccca(rule) if aiccca_member else rule


def _first_month(creditors: object, disbursed: object, liquidated: object) -> MonthFacts:
    count = whole_number(creditors, "creditors")
    paid = non_negative(disbursed, "monthly_disbursement")
    principal = paid if liquidated is None else non_negative(liquidated, "liquidated")
    return MonthFacts(count, paid, principal)


@engine_context
def fee_cap(
    state: str | None,
    *,
    creditors: int,
    monthly_disbursement: Decimal,
    aiccca_member: bool,
    liquidated: Decimal | None = None,
) -> FeeCap:
    """The caps of a first month with ``creditors`` paid and ``monthly_disbursement`` sent.

    ``liquidated`` is month 1's principal repaid, for cumulative caps (Michigan); it
    defaults to the whole disbursement.
    """
    month = _first_month(creditors, monthly_disbursement, liquidated)
    rule = fee_rule(state, aiccca_member=aiccca_member)
    monthly = rule.month_cap(month.creditors, month.disbursed, liquidated=month.principal)
    return FeeCap(
        rule.state,
        rule.setup_max,
        monthly,
        rule.basis,
        rule.citation,
        rule.confidence,
        rule.explanations,
    )


@engine_context
def apply_fees(
    schedule: FeeSchedule,
    *,
    state: str | None,
    creditors: int,
    monthly_disbursement: Decimal,
    aiccca_member: bool = False,
    waiver_reason: str = "",
    liquidated: Decimal | None = None,
) -> AppliedFees:
    """Month 1's fees: the schedule clipped to the cap; a waiver (inability to pay) makes
    both zero. A plan's later months are clipped to their own caps (``Plan.fees``)."""
    if not isinstance(schedule, FeeSchedule):
        raise DomainError("fee_schedule", f"must be a FeeSchedule, got {schedule!r}")
    reason = text(waiver_reason, "waiver_reason").strip()
    month = _first_month(creditors, monthly_disbursement, liquidated)
    rule = fee_rule(state, aiccca_member=aiccca_member)
    cap = fee_cap(
        state,
        creditors=month.creditors,
        monthly_disbursement=month.disbursed,
        aiccca_member=aiccca_member,
        liquidated=month.principal,
    )
    if reason:
        return disclosed_fees(schedule, rule, cap, ZERO, ZERO, waiver_reason=reason)
    monthly, setup = first_fees(rule, schedule, month)
    return disclosed_fees(schedule, rule, cap, setup, monthly)


def disclosed_fees(
    schedule: FeeSchedule,
    rule: FeeRule,
    cap: FeeCap,
    setup: Decimal,
    monthly: Decimal,
    *,
    waiver_reason: str = "",
) -> AppliedFees:
    """The disclosure of the fees charged at enrolment: figures, cap and why."""
    if waiver_reason:
        why = f"Fees waived for inability to pay: {waiver_reason}"
        return AppliedFees(
            ZERO, ZERO, schedule, cap, False, True, (*cap.explanations, why), rule=rule
        )
    clipped = (setup, monthly) != (schedule.setup_fee, schedule.monthly_fee)
    notes = cap.explanations
    if clipped:
        notes += (
            f"Agency fees {money_text(schedule.setup_fee)} setup / "
            f"{money_text(schedule.monthly_fee)} monthly were reduced to "
            f"{money_text(setup)} / {money_text(monthly)} in the first month.",
        )
    return AppliedFees(setup, monthly, schedule, cap, clipped, False, notes, rule=rule)


def first_fees(rule: FeeRule, schedule: FeeSchedule, month: MonthFacts) -> tuple[Decimal, Decimal]:
    """Month 1's monthly fee and the setup fee, each clipped (rounded down) to its cap."""
    cap = rule.month_cap(month.creditors, month.disbursed, liquidated=month.principal)
    monthly = floor_cents(min(schedule.monthly_fee, cap))
    setup_cap = rule.setup_cap(monthly, month.disbursed)
    setup = schedule.setup_fee if setup_cap is None else min(schedule.setup_fee, setup_cap)
    return monthly, floor_cents(setup)


@dataclass(frozen=True)
class ChargedFees:
    """What a plan charges: the setup fee, then each month's fee and that month's cap."""

    setup_fee: Decimal
    monthly: tuple[Decimal, ...]
    caps: tuple[Decimal, ...]


def _level_cap(rule: FeeRule, months: Sequence[MonthFacts]) -> Decimal:
    """The largest level fee a cumulative cap allows in every month, so the fee stays the
    same each month instead of following each month's headroom (Michigan)."""
    if rule.cumulative_percent is None or not months:
        return Decimal("Infinity")
    level, liquidated = None, ZERO
    for count, month in enumerate(months, start=1):
        liquidated += month.principal
        allowed = floor_cents(liquidated * rule.cumulative_percent / HUNDRED / count)
        level = allowed if level is None else min(level, allowed)
    return max(level, ZERO)


@engine_context
def charge_months(
    rule: FeeRule, schedule: FeeSchedule, months: Sequence[MonthFacts]
) -> ChargedFees:
    """Each month's fee: the requested monthly fee clipped to that month's own cap."""
    fees, caps = [], []
    requested = min(floor_cents(schedule.monthly_fee), _level_cap(rule, months))
    charged = liquidated = ZERO
    for month in months:
        liquidated += month.principal
        cap = rule.month_cap(
            month.creditors, month.disbursed, liquidated=liquidated, fees_to_date=charged
        )
        fee = min(requested, cap)
        charged += fee
        fees.append(fee)
        caps.append(cap)
    if not months:
        return ChargedFees(ZERO, (), ())
    setup_cap = rule.setup_cap(fees[0], months[0].disbursed)
    setup = schedule.setup_fee if setup_cap is None else min(schedule.setup_fee, setup_cap)
    return ChargedFees(floor_cents(setup), tuple(fees), tuple(caps))
