"""The credit report checks: the pull's outcome, open debts against stated debts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from intake.engine.creditors import creditor_display, creditor_tokens
from integrations.errors import failure_reason
from integrations.transunion.models import BureauPull, CreditReport

from ...models import (
    Application,
    Debt,
)
from .common import (
    ACCOUNT_KINDS,
    BALANCE_TOLERANCE,
    Reconciliation,
    cents_text,
    to_money,
)

# ---- credit report --------------------------------------------------------------------


def _open_debts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Open tradelines and collections with a balance, as comparable rows."""
    rows = []
    for line in summary.get("tradelines", []):
        balance = to_money(line.get("balance"))
        if line.get("closed") or line.get("paid_out") or not balance:
            continue
        rows.append(
            {
                "creditor": line["creditor"],
                "balance": balance,
                "payment": to_money(line.get("scheduled_payment")),
                "past_due": to_money(line.get("past_due")),
                "account_type": line.get("account_type", ""),
                "portfolio": line.get("portfolio_type", ""),
                "collection": False,
            }
        )
    for item in summary.get("collections", []):
        balance = to_money(item.get("balance"))
        if balance:
            rows.append(
                {
                    "creditor": item.get("original_creditor") or item["agency"],
                    "agency": item["agency"],
                    "balance": balance,
                    "payment": None,
                    "past_due": balance,
                    "account_type": "",
                    "portfolio": "",
                    "collection": True,
                }
            )
    return rows


def _kind(row: dict[str, Any]) -> str:
    if row["collection"]:
        return Debt.Kind.OTHER
    kind = ACCOUNT_KINDS.get(row["account_type"])
    if kind:
        return kind
    return Debt.Kind.PERSONAL_LOAN if row["portfolio"] == "installment" else Debt.Kind.OTHER


def _score(debt: Debt, row: dict[str, Any]) -> tuple[int, bool, Decimal]:
    """Name words shared, then the same kind of debt (a stated card goes to the bank's
    card, not to its home loan), then the closest balance."""
    words = creditor_tokens(debt.creditor)
    names = creditor_tokens(row["creditor"]) | creditor_tokens(row.get("agency", ""))
    same_kind = "account_type" in row and _kind(row) == debt.kind
    return (len(words & names), same_kind, -abs((debt.balance or Decimal(0)) - row["balance"]))


def debts_match(
    stated: Iterable[Debt], report: list[dict[str, Any]]
) -> tuple[list[tuple[Debt, dict[str, Any]]], list[dict[str, Any]], list[Debt]]:
    """(matched pairs, missing = on the report only, extra = stated only). Greedy: each
    stated debt takes the unmatched report row sharing the most name words, then of the
    same kind, then the closest balance."""
    left = list(report)
    matched, extra = [], []
    for debt in stated:
        scored = [(_score(debt, row), n) for n, row in enumerate(left)]
        best = left[max(scored)[1]] if scored else None
        if best is not None and _score(debt, best)[0] > 0:
            matched.append((debt, best))
            left.remove(best)
        else:
            extra.append(debt)
    return matched, left, extra


def check_bureau(run: Reconciliation, application: Application, pull: BureauPull | None) -> None:
    request = application.verification_request
    if pull is None:
        if request.bureau_outcome == "no_consent":
            run.flag(
                "bureau",
                "no_credit_consent",
                "info",
                "No credit report: the consumer gave no soft-pull consent.",
            )
            run.failures.append(("bureau", "consent_missing"))
        elif request.bureau_outcome == "no_subject":
            run.flag(
                "bureau",
                "no_credit_subject",
                "warning",
                "No credit report: identity answers were incomplete.",
            )
            run.failures.append(("bureau", "other"))
        return
    run.result["bureau"] = {"pull": str(pull.public_id), "status": pull.status}
    if pull.status != BureauPull.Status.DONE:
        run.flag(
            "bureau",
            "bureau_failed",
            "critical",
            f"Credit report failed: {failure_reason(pull.error_code)}. Re-run is available.",
            data={"pull": str(pull.public_id), "error_code": pull.error_code},
        )
        run.failures.append(("bureau", "vendor_unavailable"))
        return
    report = CreditReport.objects.filter(pull=pull).first()
    if report is None or report.frozen:
        run.flag(
            "bureau", "file_frozen", "warning", "The credit file is frozen.", consumer_visible=True
        )
        run.failures.append(("bureau", "file_frozen"))
        return
    if not report.hit:
        run.flag("bureau", "no_credit_file", "info", "The bureau found no credit file.")
        run.failures.append(("bureau", "no_hit"))
        return
    run.verified.add("bureau")
    run.result["bureau"] |= {"score": report.score}
    if report.summary.get("score_only"):
        _score_only(run, report.summary)
        return
    _report(run, application, report.summary)


SCORE_ONLY = "The bureau returned a score-only report: tradelines were not included."


def _score_only(run: Reconciliation, summary: dict[str, Any]) -> None:
    """A model report: the bureau's counts stand in for the tradelines, which the
    counselor gets from the consumer (or a re-run of the full report)."""
    counts = summary.get("credit_summary") or {}
    run.result["bureau"] |= {"score_only": True, "credit_summary": counts}
    run.flag("bureau", "score_only_report", "warning", SCORE_ONLY, data=counts)


def _report(run: Reconciliation, application: Application, summary: dict[str, Any]) -> None:
    rows = _open_debts(summary)
    stated = list(application.debts.all())
    if not stated and rows:
        run.prefill = [
            Debt(
                application=application,
                position=n,
                creditor=creditor_display(row["creditor"]),
                kind=_kind(row),
                balance=row["balance"],
                minimum_payment=row["payment"],
                past_due=row["past_due"] or None,
                source=Debt.Source.BUREAU,
            )
            for n, row in enumerate(rows)
        ]
        run.flag(
            "bureau",
            "debts_prefilled",
            "info",
            f"{len(rows)} debts added from the credit report.",
            consumer_visible=True,
            data={"count": len(rows)},
        )
        run.result["tradelines"] = {"matched": [], "missing": [], "extra": []}
    else:
        matched, missing, extra = debts_match(stated, rows)
        run.result["tradelines"] = {
            "matched": [
                {
                    "debt": str(d.public_id),
                    "creditor": r["creditor"],
                    "balance": cents_text(r["balance"]),
                    "stated_balance": cents_text(d.balance),
                }
                for d, r in matched
            ],
            "missing": [
                {"creditor": r["creditor"], "balance": cents_text(r["balance"])} for r in missing
            ],
            "extra": [str(d.public_id) for d in extra],
        }
        for debt, row in matched:
            if debt.balance is None:
                continue
            gap = abs(debt.balance - row["balance"])
            if gap > 100 and gap > row["balance"] * BALANCE_TOLERANCE:
                run.flag(
                    "bureau",
                    "balance_differs",
                    "info",
                    f"{row['creditor']}: report balance {cents_text(row['balance'])}, stated "
                    f"{cents_text(debt.balance)}.",
                    data={"debt": str(debt.public_id)},
                )
        for row in missing:
            shown = {"creditor": row["creditor"], "balance": cents_text(row["balance"])}
            run.flag(
                "bureau",
                "debt_not_listed",
                "warning",
                f"{row['creditor']} ({cents_text(row['balance'])}) is on the credit report but "
                "was not listed.",
                consumer_visible=True,
                data=shown,
            )
        for debt in extra:
            run.flag(
                "bureau",
                "debt_not_on_report",
                "info",
                f"A stated {debt.get_kind_display().lower()} debt is not on the credit report.",
                data={"debt": str(debt.public_id)},
            )
    for row in rows:
        if row["collection"]:
            run.flag(
                "bureau",
                "collection_account",
                "warning",
                f"Collection by {row['agency']} ({cents_text(row['balance'])}).",
            )
        elif row["past_due"]:
            run.flag(
                "bureau",
                "past_due",
                "warning",
                f"{row['creditor']} is {cents_text(row['past_due'])} past due.",
            )
    for record in summary.get("public_records", []):
        what = f"Public record: {record.get('type', '')} filed {record.get('filed', '')}."
        run.flag("bureau", "public_record", "critical", what)
