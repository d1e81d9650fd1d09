"""Proposal inputs and results as JSON snapshots (Decimals as strings), and the words
for what changed between two input snapshots. No Django.

Inputs::

    {"state": "PA", "start": "2026-02-01", "language": "en", "fee_waiver": "",
     "household": {"size": 2, "members_65_and_over": 0, "vehicles": 1, "county": null,
                   "incomes": [{"kind": "wages", "gross": "4200.00", "net": "3400.00",
                                "frequency": "monthly"}],
                   "expenses": [{"category": "rent", "amount": "1200.00",
                                 "frequency": "monthly"}]},
     "debts": [{"id": "d1", "creditor": "CHASE CARD", "balance": "5000.00", "apr": "24.99",
                "min_payment": "150.00", "secured": false, "is_housing": false}],
     "exclusions": ["d3"],
     "overrides": [{"creditor": "CHASE CARD", "concession_apr": "8.00",
                    "min_payment_pct": null, "max_term_months": null, "reason": "..."}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from counselor.engine.builder import HouseholdBudget, ProposalResult, TermsOverride
from counselor.engine.dmp import Debt
from intake.engine.budget import Expense, Income

Json = dict[str, Any]


@dataclass(frozen=True)
class BuilderInputs:
    """A snapshot's inputs as the engine's types."""

    debts: tuple[Debt, ...]
    debt_ids: tuple[str, ...]
    household_budget: HouseholdBudget
    state: str | None
    start: date
    language: str
    overrides: tuple[TermsOverride, ...]
    exclusions: frozenset[int]
    fee_waiver: str


def _dec(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def inputs_parse(data: Json) -> BuilderInputs:
    """JSON inputs -> engine types. Raises ``DomainError``/``KeyError`` on a bad snapshot."""
    home = data["household"]
    budget = HouseholdBudget(
        incomes=tuple(
            Income(i["kind"], i["gross"], i.get("net"), i.get("frequency", "monthly"))
            for i in home["incomes"]
        ),
        expenses=tuple(
            Expense(e["category"], e["amount"], e.get("frequency", "monthly"))
            for e in home["expenses"]
        ),
        household_size=home.get("size", 1),
        members_65_and_over=home.get("members_65_and_over", 0),
        vehicles=home.get("vehicles"),
        county=home.get("county"),
    )
    rows = data["debts"]
    debts = tuple(
        Debt(
            d["creditor"],
            d["balance"],
            d["apr"],
            d["min_payment"],
            secured=bool(d.get("secured")),
            is_housing=bool(d.get("is_housing")),
        )
        for d in rows
    )
    ids = tuple(str(d["id"]) for d in rows)
    excluded = set(data.get("exclusions", ()))
    return BuilderInputs(
        debts=debts,
        debt_ids=ids,
        household_budget=budget,
        state=data.get("state") or None,
        start=date.fromisoformat(data["start"]),
        language=data.get("language", "en"),
        overrides=tuple(_override(o) for o in data.get("overrides", ())),
        exclusions=frozenset(i for i, debt_id in enumerate(ids) if debt_id in excluded),
        fee_waiver=data.get("fee_waiver", ""),
    )


def _override(o: Json) -> TermsOverride:
    term = o.get("max_term_months")
    return TermsOverride(
        creditor=o["creditor"],
        reason=o.get("reason", ""),
        concession_apr=_dec(o.get("concession_apr")),
        min_payment_pct=_dec(o.get("min_payment_pct")),
        max_term_months=None if term in (None, "") else int(term),
    )


def override_json(override: TermsOverride) -> Json:
    """One override as stored in the inputs snapshot."""
    return {
        "creditor": override.creditor,
        "concession_apr": _text(override.concession_apr),
        "min_payment_pct": _text(override.min_payment_pct),
        "max_term_months": override.max_term_months,
        "reason": override.reason.strip(),
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def results_json(result: ProposalResult) -> Json:
    """The figures a version froze, for history and for comparing versions."""
    plan, comparison, fees = result.plan, result.comparison, result.fees
    return {
        "lines": [
            {
                "creditor": ln.debt.creditor,
                "balance": str(ln.debt.balance),
                "apr": str(ln.debt.apr),
                "plan_apr": str(ln.apr),
                "payment": str(ln.payment),
                "months": ln.months,
                "total_interest": str(ln.total_interest),
                "payoff_month": ln.payoff_month.isoformat() if ln.payoff_month else None,
                "fair_share": str(ln.fair_share),
            }
            for ln in plan.lines
        ],
        "monthly_to_creditors": str(plan.monthly_to_creditors),
        "monthly_deposit": str(plan.monthly_deposit),
        "months": plan.months,
        "debt_free_month": plan.debt_free_month.isoformat(),
        "total_interest": str(plan.total_interest),
        "setup_fee": str(fees.setup_fee),
        "monthly_fee": str(fees.monthly_fee),
        "fees_clipped": fees.clipped,
        "fees_waived": fees.waived,
        "total_fees": str(plan.total_fees),
        "fee_basis": plan.fee_basis,
        "fee_steps": [
            {
                "amount": str(step.amount),
                "first_month": step.first_month.isoformat(),
                "last_month": step.last_month.isoformat(),
                "months": step.months,
            }
            for step in plan.fee_steps
        ],
        "total_enrolled": str(plan.total_enrolled),
        "total_disclosed": str(result.total_disclosed),
        "interest_saved": _money(comparison.interest_saved),
        "months_saved": comparison.months_saved,
        "baseline_pays_off": comparison.baseline_pays_off,
        "outcome": str(result.assessment.outcome),
        "surplus": str(result.budget.surplus),
    }


def _debt_label(debt: Json) -> str:
    return f"{debt['creditor']} ({debt['id']})"


def _override_text(o: Json) -> str:
    parts = [f"{name} {o[name]}" for name in ("concession_apr", "min_payment_pct") if o.get(name)]
    if o.get("max_term_months"):
        parts.append(f"max_term_months {o['max_term_months']}")
    return ", ".join(parts) + f" because {o.get('reason', '')}"


def _override_changes(old: Json, new: Json) -> list[str]:
    before = {o["creditor"]: o for o in old.get("overrides", ())}
    after = {o["creditor"]: o for o in new.get("overrides", ())}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        was, now = before.get(name), after.get(name)
        if was == now:
            continue
        if now is None:
            changes.append(f"override of {name}'s terms removed")
        elif was is None:
            changes.append(f"override of {name}'s terms added ({_override_text(now)})")
        else:
            changes.append(f"override of {name}'s terms changed to {_override_text(now)}")
    return changes


def inputs_diff(old: Json, new: Json) -> tuple[str, ...]:
    """What changed from ``old`` to ``new`` inputs, one phrase per change."""
    debts = {d["id"]: d for d in (*old.get("debts", ()), *new.get("debts", ()))}
    was, now = set(old.get("exclusions", ())), set(new.get("exclusions", ()))
    changes = [f"{_debt_label(debts[i])} excluded" for i in sorted(now - was)]
    changes += [f"{_debt_label(debts[i])} included again" for i in sorted(was - now)]
    changes += _override_changes(old, new)
    if old.get("fee_waiver", "") != new.get("fee_waiver", ""):
        changes.append("fee waiver " + ("removed" if not new.get("fee_waiver") else "set"))
    for key in ("debts", "household", "state", "start", "language"):
        if old.get(key) != new.get(key):
            changes.append(f"{key} changed")
    return tuple(changes)
