"""A case's first DMP proposal inputs, from what the consumer stated (no Django).

``inputs_from_case`` turns the intake's ``PlanFacts`` (budget figures and debts, stated or
prefilled from the credit report) into the builder's inputs snapshot
(``counselor.engine.snapshots``), and records which entry of the agency's creditor terms table
matched each debt (``terms_matched``, by the rules of ``counselor.engine.terms_match``).

Gaps in what was stated, and what the snapshot holds instead (each listed in the debt's
``assumed``, so the counselor sees it in the builder):

- no balance, or a zero balance: the debt is left out (nothing to enroll or disclose);
- no creditor name: "Unnamed creditor N";
- no APR (credit reports carry none): 0.00%, which never overstates the interest saved;
- no minimum payment: 0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from counselor.engine.snapshots import Json
from counselor.engine.terms_match import TermsTable
from intake.engine.money import ZERO, money_text

CENTS = Decimal("0.01")


def first_of_next_month(today: date) -> date:
    """A new plan's start: the first day of the month after ``today``."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _text(value: Decimal | None) -> str:
    return str((value if value is not None else ZERO).quantize(CENTS))


def _debt_row(n: int, debt: Any) -> Json:
    assumed = [name for name in ("apr", "minimum_payment") if getattr(debt, name) is None]
    creditor = debt.creditor.strip()
    if not creditor:
        creditor, assumed = f"Unnamed creditor {n}", [*assumed, "creditor"]
    return {
        "id": f"d{n}",
        "creditor": creditor,
        "balance": _text(debt.balance),
        "apr": _text(debt.apr),
        "min_payment": _text(debt.minimum_payment),
        "secured": bool(debt.secured),
        "is_housing": bool(debt.is_housing),
        "source": debt.source,
        "assumed": assumed,
    }


def inputs_from_case(*, facts: Any, table: TermsTable, start: date) -> Json:
    """The inputs snapshot of a case's first proposal: every debt with a balance (ids d1,
    d2, ... in the application's order), the household's budget figures, no exclusions
    or overrides, and the terms entry each unsecured debt matched."""
    debts = [
        _debt_row(n, debt) for n, debt in enumerate((d for d in facts.debts if d.balance), start=1)
    ]
    # Secured debts are never enrolled: no terms entry.
    matched = [terms_entry(row, table) for row in debts if not row["secured"]]
    return {
        "state": facts.state or None,
        "start": start.isoformat(),
        "language": facts.language or "en",
        "fee_waiver": "",
        "household": {
            "size": facts.household_size,
            "members_65_and_over": 0,
            "vehicles": None,
            "county": None,
            "incomes": [
                {"kind": i.kind, "gross": str(i.gross), "net": str(i.net), "frequency": i.frequency}
                for i in facts.incomes
            ],
            "expenses": [
                {"category": e.category, "amount": str(e.amount), "frequency": e.frequency}
                for e in facts.expenses
            ],
        },
        "debts": debts,
        "exclusions": [],
        "overrides": [],
        "terms_matched": matched,
    }


def terms_entry(row: Json, table: TermsTable) -> Json:
    """The creditor terms entry a debt row matched (``terms_matched`` of the inputs)."""
    match = table.match(row["creditor"])
    return {
        "debt": row["id"],
        "creditor": row["creditor"],
        "entry": match.label,
        "rule": match.rule,
        "entry_id": match.row.public_id if match.row else None,
        "entry_version": match.row.version if match.row else None,
        "concession_apr": _optional(match.terms.concession_apr),
    }


def inputs_with_report_debt(inputs: Json, debt: Any, table: TermsTable) -> Json:
    """``inputs`` with one more debt taken from the credit report (``debt``: an intake
    ``ReportDebt``): the report's balance, the bank's APR where a card matched it (else
    0.00%, assumed), the bank's or the report's minimum (else 0.00, assumed), and what
    tells it apart (``report``: key, last 4, opened date, where APR and minimum came from).
    The id is the next free ``dN``; an unsecured debt gets its terms entry."""
    numbers = [int(d["id"][1:]) for d in inputs["debts"] if d["id"][1:].isdigit()]
    assumed = ["apr"] if debt.apr is None else []
    assumed += ["minimum_payment"] if debt.minimum is None else []
    row = {
        "id": f"d{max(numbers, default=0) + 1}",
        "creditor": debt.creditor,
        "balance": _text(debt.balance),
        "apr": _text(debt.apr),
        "min_payment": _text(debt.minimum),
        "secured": debt.secured,
        "is_housing": debt.kind == "mortgage",
        "source": "bureau",
        "assumed": assumed,
        "report": {
            "key": debt.key,
            "last4": debt.last4,
            "opened": debt.opened.isoformat() if debt.opened else None,
            "apr_source": "bank" if debt.apr is not None else "",
            "minimum_source": debt.minimum_source,
        },
    }
    matched = list(inputs.get("terms_matched", []))
    if not debt.secured:
        matched.append(terms_entry(row, table))
    return {**inputs, "debts": [*inputs["debts"], row], "terms_matched": matched}


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _money_or_none(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value)


def offer_figures(result: Any) -> Json:
    """What the consumer's offer page shows of a priced proposal (``ProposalResult``), as
    the display strings the portal prints (``intake`` templates read these keys of the
    offer's snapshot): deposit, payoff month, interest saved, fees, payment per creditor."""
    plan, saved = result.plan, result.comparison.interest_saved
    return {
        "monthly_deposit": money_text(plan.monthly_deposit),
        "payoff_date": plan.debt_free_month.strftime("%m/%Y"),
        "interest_saved": money_text(saved) if saved is not None else None,
        "interest_more": _money_or_none(result.comparison.interest_more),
        "setup_fee": money_text(result.fees.setup_fee),
        "monthly_fee": money_text(result.fees.monthly_fee),
        "monthly_fee_as_it_changes": {"en": plan.fee_phrase("en"), "es": plan.fee_phrase("es")},
        "fee_rule_applied": {"en": plan.fee_rule_phrase("en"), "es": plan.fee_rule_phrase("es")},
        "creditors": [
            {"creditor": line.debt.creditor, "payment": money_text(line.payment)}
            for line in plan.lines
        ],
    }


def offer_concessions(result: Any, table: TermsTable) -> list[Json]:
    """The concession APRs of the plan, named by the agency's creditor-terms entry each
    debt matched (never by the credit report's line, which may carry a person's name):
    ``[{"creditor": "Synchrony Bank", "apr": "5.00"}]``. A debt priced on default terms or
    without a concession is left out; the APR is the one the plan applies (a counselor's
    override included)."""
    found: list[Json] = []
    for line in result.plan.lines:
        match = table.match(line.debt.creditor)
        if match.row is None or match.row.is_default or line.apr >= line.debt.apr:
            continue
        found.append({"creditor": match.row.creditor, "apr": str(line.apr)})
    return found
