"""The debts a plan can take from the credit report: every open revolving or installment
tradeline with a balance, with what the verified sources say of it (the report's balance
and scheduled payment; the bank's APR and minimum where a Plaid card matches it), and which
of them a plan's debts do not already hold (the verification panel's matcher,
``debts_match``). Read only: three queries (verification request, pull, report)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from integrations.transunion.models import BureauPull, CreditReport

from ..models import Application, Debt, VerificationRequest
from ..services.reconciliation import creditor_display, debts_match
from ..services.reconciliation.common import ACCOUNT_KINDS, to_money

PLAN_PORTFOLIOS = ("revolving", "installment")
SECURED_KINDS = (Debt.Kind.AUTO, Debt.Kind.MORTGAGE)
# Home equity lines and auto leases are secured too.
PLAN_KINDS = {**ACCOUNT_KINDS, "HE": Debt.Kind.MORTGAGE, "AL": Debt.Kind.AUTO}
CARD_BALANCE_TOLERANCE = Decimal("0.10")


@dataclass(frozen=True)
class ReportDebt:
    """One open tradeline as a plan would take it. ``key`` names it across requests (the
    report's own fields, hashed); ``apr``/``minimum`` are None where no source gives one."""

    key: str
    creditor: str
    report_creditor: str
    kind: str
    balance: Decimal
    minimum: Decimal | None
    minimum_source: str  # "bank", "report" or ""
    apr: Decimal | None  # from the bank's card (Plaid liabilities); reports carry none
    last4: str
    opened: date | None
    secured: bool

    @property
    def label(self) -> str:
        """What tells two accounts at one creditor apart: "ending 1234, opened Mar 2017"."""
        parts = [f"ending {self.last4}"] if self.last4 else []
        if self.opened:
            parts.append(f"opened {self.opened:%b %Y}")
        return ", ".join(parts)


def _key(line: dict[str, Any]) -> str:
    fields = (line.get(k) or "" for k in ("creditor", "account_last4", "opened", "account_type"))
    return hashlib.sha256("|".join(fields).encode()).hexdigest()[:16]


def _card(cards: list[dict[str, Any]], last4: str, balance: Decimal) -> dict[str, Any] | None:
    """The bank's card for this tradeline: the same mask, else a balance within 10 % (the
    cards the verification already gave to a stated debt are not candidates)."""
    free = [c for c in cards if not c.get("stated_debt")]
    for card in free:
        if last4 and card.get("mask") == last4:
            return card
    for card in free:
        card_balance = to_money(card.get("balance"))
        if card_balance and abs(card_balance - balance) <= balance * CARD_BALANCE_TOLERANCE:
            return card
    return None


def _debt(line: dict[str, Any], cards: list[dict[str, Any]]) -> ReportDebt:
    balance = to_money(line["balance"]) or Decimal(0)
    last4 = line.get("account_last4", "")
    card = _card(cards, last4, balance) if line.get("portfolio_type") == "revolving" else None
    if card is not None:
        cards.remove(card)
    bank_minimum = to_money(card.get("minimum_payment")) if card else None
    report_minimum = to_money(line.get("scheduled_payment"))
    minimum = bank_minimum if bank_minimum is not None else report_minimum
    kind = PLAN_KINDS.get(line.get("account_type", ""), "")
    if not kind:
        kind = Debt.Kind.PERSONAL_LOAN if line["portfolio_type"] == "installment" else "other"
    return ReportDebt(
        key=_key(line),
        creditor=creditor_display(line["creditor"]),
        report_creditor=line["creditor"],
        kind=kind,
        balance=balance,
        minimum=minimum,
        minimum_source="bank" if bank_minimum is not None else ("report" if minimum else ""),
        apr=to_money(card.get("apr")) if card else None,
        last4=last4,
        opened=date.fromisoformat(line["opened"]) if line.get("opened") else None,
        secured=kind in SECURED_KINDS,
    )


def report_debts_of(application: Application) -> list[ReportDebt]:
    """Every open revolving or installment tradeline with a balance on the case's credit
    report, in the report's order ([] without a report)."""
    request = VerificationRequest.objects.filter(application=application).first()
    if request is None or not request.bureau_pull_id:
        return []
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    report = CreditReport.objects.filter(pull=pull).first() if pull else None
    if report is None:
        return []
    cards = list((request.result or {}).get("cards", []))
    return [
        _debt(line, cards)
        for line in report.summary.get("tradelines", [])
        if line.get("portfolio_type") in PLAN_PORTFOLIOS
        and not line.get("closed")
        and not line.get("paid_out")
        and to_money(line.get("balance"))
    ]


def report_only_debts(
    found: list[ReportDebt], plan_debts: Iterable[dict[str, Any]]
) -> list[ReportDebt]:
    """The tradelines ``plan_debts`` (a plan's debt rows) do not hold: those added from the
    report by their key, the others by the verification panel's matcher (name words,
    then the closest balance)."""
    plan_debts = list(plan_debts)
    taken = {(d.get("report") or {}).get("key") for d in plan_debts}
    left = [d for d in found if d.key not in taken]
    stated = [
        SimpleNamespace(creditor=d["creditor"], balance=to_money(d.get("balance")))
        for d in plan_debts
        if not d.get("report")
    ]
    rows = [{"creditor": d.report_creditor, "balance": d.balance, "debt": d} for d in left]
    _matched, missing, _extra = debts_match(stated, rows)
    return [row["debt"] for row in missing]
