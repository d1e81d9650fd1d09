"""Reconciliation: what the consumer stated against what the bureau and the bank show.

Runs once per verification (``intake.verification_reconcile`` when every pull and sync it
waits for has finished). Tolerances:

- Income: stated take-home pay per month (net, or gross when no net was given) against
  bank deposits categorised INCOME over the last BANK_WINDOW_DAYS (per month = total / 6).
  Within INCOME_TOLERANCE (10 %) they agree;
  up to INCOME_CRITICAL (25 %) a warning; beyond it critical.
- Debts: open tradelines and collections with a balance, matched to stated debts by
  normalized creditor name (abbreviations like "SYNCB" and "JPMCB" expanded, filler words
  dropped; one shared word is a match). Matched, missing (on the report, not stated) and
  extra (stated, not on the report). A matched balance more than BALANCE_TOLERANCE (20 %)
  and $100 apart is noted.
- Cards: Plaid liabilities (balance, purchase APR, minimum payment) matched to stated
  credit cards by balance within 10 %; an APR more than one point apart is noted.
- Expenses: bank spending per counseling group (EXPENSE_GROUPS) per month against the
  stated worksheet; more than 25 % and $50 above what was stated is a warning.
- Identity: Plaid's name score below IDENTITY_MIN_SCORE (70) is a warning.

Each check degrades on its own: a check whose vendor call fails (any exception) is
recorded as not checked with its reason, and the others still run; the case never
fails as a whole.

When the consumer stated no debts, the report's tradelines become Debt rows with source
``bureau`` (editable like any other row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from intake.engine.budget import LINE_ITEMS, monthly_amount
from intake.engine.creditors import creditor_display, creditor_tokens
from integrations.errors import VendorError, failure_reason
from integrations.plaid.models import PlaidAccount, PlaidItem, PlaidTransaction
from integrations.plaid.services import plaid_identity_match
from integrations.transunion.models import BureauPull, CreditReport
from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_emit

from ..models import (
    Application,
    BankConnection,
    Consent,
    Debt,
    Household,
    VerificationFlag,
    VerificationRequest,
)
from ..selectors import consent_is_live

INCOME_TOLERANCE = Decimal("0.10")
INCOME_CRITICAL = Decimal("0.25")
BALANCE_TOLERANCE = Decimal("0.20")
CARD_BALANCE_TOLERANCE = Decimal("0.10")
EXPENSE_TOLERANCE = Decimal("0.25")
EXPENSE_MIN_GAP = Decimal("50")
IDENTITY_MIN_SCORE = 70
BANK_WINDOW_DAYS = 180
BANK_WINDOW_MONTHS = Decimal(6)
CENT = Decimal("0.01")

# Plaid personal-finance primary category -> counseling group; groups -> stated categories.
PLAID_GROUPS: dict[str, str] = {
    "RENT_AND_UTILITIES": "housing",
    "HOME_IMPROVEMENT": "housing",
    "FOOD_AND_DRINK": "food",
    "TRANSPORTATION": "transportation",
    "MEDICAL": "medical",
    "PERSONAL_CARE": "personal_care",
    "ENTERTAINMENT": "entertainment",
    "GENERAL_MERCHANDISE": "shopping",
    "GENERAL_SERVICES": "shopping",
}
EXPENSE_GROUPS: dict[str, tuple[str, ...]] = {
    "housing": ("housing", "utilities"),
    "food": ("food",),
    "transportation": ("transportation",),
    "medical": ("medical",),
    "personal_care": ("personal_care",),
    "entertainment": ("entertainment",),
    "shopping": ("clothing", "other"),
}

# Bureau account types -> the debt step's kinds.
ACCOUNT_KINDS = {
    "CC": "credit_card",
    "CH": "credit_card",
    "AU": "auto",
    "MT": "mortgage",
    "ST": "student_loan",
    "MD": "medical",
}


def _money(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


@dataclass
class Finding:
    source: str
    code: str
    severity: str
    detail: str
    consumer_visible: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reconciliation:
    findings: list[Finding] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    prefill: list[Debt] = field(default_factory=list)
    verified: set[str] = field(default_factory=set)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def flag(self, source: str, code: str, severity: str, detail: str, **kw: Any) -> None:
        self.findings.append(Finding(source, code, severity, detail, **kw))


# ---- income ---------------------------------------------------------------------------


def stated_monthly_income(application: Application) -> Decimal:
    """Take-home pay per month as stated (net, gross when no net)."""
    total = Decimal("0")
    for income in application.incomes.all():
        amount = income.net if income.net is not None else income.gross
        if amount is not None and income.frequency:
            total += monthly_amount(amount, income.frequency)
    return total


def _window(transactions: list[PlaidTransaction]) -> list[PlaidTransaction]:
    if not transactions:
        return []
    start = max(t.date for t in transactions) - timedelta(days=BANK_WINDOW_DAYS - 1)
    return [t for t in transactions if t.date >= start and not t.pending]


def bank_monthly_income(transactions: list[PlaidTransaction]) -> Decimal:
    """Bank income per month: the INCOME deposits of the window."""
    deposits = sum((-t.amount for t in transactions if t.category == "INCOME"), Decimal(0))
    return (deposits / BANK_WINDOW_MONTHS).quantize(CENT)


def _income(run: Reconciliation, stated: Decimal, bank: Decimal) -> None:
    base = max(stated, bank)
    gap = abs(stated - bank) / base if base else Decimal(0)
    run.result["income"] = {
        "stated_monthly": _text(stated),
        "bank_monthly": _text(bank),
        "difference": _text(bank - stated),
        "ratio": str(gap.quantize(Decimal("0.0001"))),
        "tolerance": str(INCOME_TOLERANCE),
    }
    run.verified.add("income")
    if gap <= INCOME_TOLERANCE:
        return
    severity = "critical" if gap > INCOME_CRITICAL else "warning"
    run.flag(
        "income",
        "income_differs",
        severity,
        f"Stated take-home pay {_text(stated)}/month; bank deposits {_text(bank)}/month.",
        consumer_visible=True,
        data={"stated": _text(stated), "bank": _text(bank)},
    )


# ---- expenses -------------------------------------------------------------------------


def _stated_groups(application: Application) -> dict[str, Decimal]:
    group_of = {c: g for g, cats in EXPENSE_GROUPS.items() for c in cats}
    totals = dict.fromkeys(EXPENSE_GROUPS, Decimal(0))
    for expense in application.expenses.all():
        category = LINE_ITEMS.get(expense.category, expense.category)
        if expense.amount is not None and category in group_of:
            totals[group_of[category]] += monthly_amount(expense.amount, expense.frequency)
    return totals


def _expenses(run: Reconciliation, application: Application, txns: list[PlaidTransaction]) -> None:
    bank = dict.fromkeys(EXPENSE_GROUPS, Decimal(0))
    fees = 0
    for txn in txns:
        if txn.category == "BANK_FEES" and txn.amount > 0:
            fees += 1
        group = PLAID_GROUPS.get(txn.category)
        if group and txn.amount > 0:
            bank[group] += txn.amount
    stated = _stated_groups(application)
    rows = {}
    for group in EXPENSE_GROUPS:
        monthly = (bank[group] / BANK_WINDOW_MONTHS).quantize(CENT)
        rows[group] = {"stated": _text(stated[group]), "bank": _text(monthly)}
        gap = monthly - stated[group]
        if gap >= EXPENSE_MIN_GAP and gap > stated[group] * EXPENSE_TOLERANCE:
            run.flag(
                "bank",
                "expense_understated",
                "warning",
                f"Bank spending on {group} is {_text(monthly)}/month; "
                f"stated {_text(stated[group])}/month.",
                data={"group": group, **rows[group]},
            )
    run.result["expenses"] = rows
    if fees:
        run.flag(
            "bank",
            "overdraft_fees",
            "warning",
            f"{fees} bank fee charges in the last {BANK_WINDOW_DAYS} days.",
            data={"count": fees},
        )


# ---- bank accounts and card liabilities ---------------------------------------------


def _accounts(run: Reconciliation, application: Application, accounts: list[PlaidAccount]) -> None:
    for account in accounts:
        if account.type == "depository" and account.current is not None and account.current < 0:
            run.flag(
                "bank",
                "negative_balance",
                "warning",
                f"A {account.subtype or 'bank'} account is overdrawn ({account.current}).",
                data={"balance": _text(account.current)},
            )
    cards = [a for a in accounts if a.type == "credit" and a.current]
    stated = [d for d in application.debts.all() if d.kind == Debt.Kind.CREDIT_CARD and d.balance]
    rows = []
    for card in cards:
        match = next(
            (
                d
                for d in stated
                if abs(d.balance - card.current) <= card.current * CARD_BALANCE_TOLERANCE
            ),
            None,
        )
        row = {
            "mask": card.mask,
            "balance": _text(card.current),
            "apr": _text(card.purchase_apr),
            "minimum_payment": _text(card.minimum_payment),
            "stated_debt": str(match.public_id) if match else None,
        }
        rows.append(row)
        if match is None:
            run.flag(
                "bank",
                "card_not_listed",
                "info",
                f"A card ending {card.mask} with balance {_text(card.current)} was not "
                "matched to a stated debt.",
                data=row,
            )
            continue
        stated.remove(match)
        if card.purchase_apr is not None and (
            match.apr is None or abs(match.apr - card.purchase_apr) > 1
        ):
            run.flag(
                "bank",
                "apr_differs",
                "info",
                f"Card ending {card.mask}: APR {card.purchase_apr}% at the bank, "
                f"{match.apr if match.apr is not None else 'none'} stated.",
                data=row,
            )
    run.result["cards"] = rows


# ---- credit report --------------------------------------------------------------------


def _open_debts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Open tradelines and collections with a balance, as comparable rows."""
    rows = []
    for line in summary.get("tradelines", []):
        balance = _money(line.get("balance"))
        if line.get("closed") or line.get("paid_out") or not balance:
            continue
        rows.append(
            {
                "creditor": line["creditor"],
                "balance": balance,
                "payment": _money(line.get("scheduled_payment")),
                "past_due": _money(line.get("past_due")),
                "account_type": line.get("account_type", ""),
                "portfolio": line.get("portfolio_type", ""),
                "collection": False,
            }
        )
    for item in summary.get("collections", []):
        balance = _money(item.get("balance"))
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


def _score(words: frozenset[str], balance: Decimal, row: dict[str, Any]) -> tuple[int, Decimal]:
    names = creditor_tokens(row["creditor"]) | creditor_tokens(row.get("agency", ""))
    return (len(words & names), -abs(balance - row["balance"]))


def debts_match(
    stated: Iterable[Debt], report: list[dict[str, Any]]
) -> tuple[list[tuple[Debt, dict[str, Any]]], list[dict[str, Any]], list[Debt]]:
    """(matched pairs, missing = on the report only, extra = stated only). Greedy: each
    stated debt takes the unmatched report row sharing the most name words, then the
    closest balance."""
    left = list(report)
    matched, extra = [], []
    for debt in stated:
        words = creditor_tokens(debt.creditor)
        balance = debt.balance or Decimal(0)
        scored = [(_score(words, balance, row), n) for n, row in enumerate(left)]
        best = left[max(scored)[1]] if scored else None
        if best is not None and _score(words, balance, best)[0] > 0:
            matched.append((debt, best))
            left.remove(best)
        else:
            extra.append(debt)
    return matched, left, extra


def _bureau(run: Reconciliation, application: Application, pull: BureauPull | None) -> None:
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
                    "balance": _text(r["balance"]),
                    "stated_balance": _text(d.balance),
                }
                for d, r in matched
            ],
            "missing": [
                {"creditor": r["creditor"], "balance": _text(r["balance"])} for r in missing
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
                    f"{row['creditor']}: report balance {_text(row['balance'])}, stated "
                    f"{_text(debt.balance)}.",
                    data={"debt": str(debt.public_id)},
                )
        for row in missing:
            shown = {"creditor": row["creditor"], "balance": _text(row["balance"])}
            run.flag(
                "bureau",
                "debt_not_listed",
                "warning",
                f"{row['creditor']} ({_text(row['balance'])}) is on the credit report but "
                "was not listed.",
                consumer_visible=True,
                data=shown,
            )
        for debt in extra:
            run.flag(
                "bureau",
                "debt_not_on_report",
                "info",
                f"A stated {debt.kind} debt is not on the credit report.",
                data={"debt": str(debt.public_id)},
            )
    for row in rows:
        if row["collection"]:
            run.flag(
                "bureau",
                "collection_account",
                "warning",
                f"Collection by {row['agency']} ({_text(row['balance'])}).",
            )
        elif row["past_due"]:
            run.flag(
                "bureau",
                "past_due",
                "warning",
                f"{row['creditor']} is {_text(row['past_due'])} past due.",
            )
    for record in summary.get("public_records", []):
        what = f"Public record: {record.get('type', '')} filed {record.get('filed', '')}."
        run.flag("bureau", "public_record", "critical", what)


# ---- identity -------------------------------------------------------------------------


def _identity(run: Reconciliation, household: Household | None, items: list[PlaidItem]) -> None:
    if household is None or not items:
        return
    name = " ".join(p for p in (household.first_name, household.last_name) if p)
    best: int | None = None
    for item in items:
        try:
            scores = plaid_identity_match(
                item_public_id=item.public_id,
                legal_name=name,
                phone=household.phone or "",
                email=household.email or "",
            )
        except Exception as error:  # per-check degradation: identity unknown, the rest runs
            code = error.code if isinstance(error, VendorError) else "UNEXPECTED"
            run.flag(
                "identity",
                "identity_not_checked",
                "info",
                f"Identity not checked: {failure_reason(code)}.",
                data={"error_code": code},
            )
            run.result["identity"] = {"name_score": None, "error_code": code}
            run.failures.append(("identity", "vendor_unavailable"))
            continue
        names = [s.name for s in scores if s.name is not None]
        if names:
            best = max(names + ([best] if best is not None else []))
    if best is None:
        return
    run.result["identity"] = {"name_score": best, "minimum": IDENTITY_MIN_SCORE}
    run.verified.add("identity")
    if best < IDENTITY_MIN_SCORE:
        what = f"The bank account owner's name scores {best} against the stated name."
        run.flag("identity", "identity_mismatch", "warning", what)
        run.failures.append(("identity", "identity_mismatch"))


# ---- the run --------------------------------------------------------------------------


def _bank(run: Reconciliation, application: Application) -> list[PlaidItem]:
    """Bank checks; returns the items with data (synced, not broken)."""
    if not consent_is_live(application, Consent.Kind.BANK_DATA):
        return []
    ids = list(
        BankConnection.objects.filter(application=application, removed_at__isnull=True).values_list(
            "item_public_id", flat=True
        )
    )
    items = list(PlaidItem.objects.filter(public_id__in=ids))
    for item in items:
        if item.status in (PlaidItem.Status.LOGIN_REQUIRED, PlaidItem.Status.REVOKED):
            run.flag(
                "bank",
                "bank_reconnect",
                "warning",
                f"A bank connection needs the consumer to reconnect ({item.status}).",
                consumer_visible=True,
            )
            run.failures.append(("bank", "login_required"))
        elif item.status == PlaidItem.Status.FAILED:
            run.flag(
                "bank",
                "bank_sync_failed",
                "critical",
                f"Bank data failed: {failure_reason(item.error_code)}. Re-run is available.",
                data={"error_code": item.error_code},
            )
            run.failures.append(("bank", "vendor_unavailable"))
    usable = [i for i in items if i.synced_at is not None and i.status != PlaidItem.Status.REMOVED]
    if not usable:
        return []
    accounts = list(PlaidAccount.objects.filter(item__in=usable).order_by("pk"))
    txns = _window(list(PlaidTransaction.objects.filter(item__in=usable)))
    _accounts(run, application, accounts)
    _income(run, stated_monthly_income(application), bank_monthly_income(txns))
    _expenses(run, application, txns)
    run.verified.add("bank")
    return usable


def _emit(application: Application, run: Reconciliation) -> None:
    subject = wf.Subject(
        consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
    )
    for source in sorted(run.verified):
        count = sum(1 for f in run.findings if f.source == source)
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_COMPLETED,
            subject=subject,
            facts=wf.VerificationCompleted(source=source, flag_count=count),
        )
    for source, reason in sorted(set(run.failures)):
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_FAILED,
            subject=subject,
            facts=wf.VerificationFailed(source=source, reason=reason),
        )


def verification_reconcile(*, application_id: int) -> bool:
    """Compares the stated answers with the credit report and the bank data and stores the
    flags; True when it ran, False when there was nothing (left) to do. Runs once per
    verification: the completion stamp is claimed with a conditional UPDATE, so a
    redelivered task writes nothing twice.

    Side effects: one identity-match call per usable bank (attempt rows); then in one
    transaction: VerificationRequest.completed_at and result, VerificationFlag rows
    replaced, Debt rows with source ``bureau`` when none were stated, outbox events
    ``verification_completed`` / ``verification_failed``."""
    request = (
        VerificationRequest.objects.select_related("application")
        .filter(application_id=application_id, completed_at__isnull=True)
        .first()
    )
    if request is None or request.started_at is None:
        return False
    application = request.application
    household = Household.objects.filter(application=application).first()
    run = Reconciliation()
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    _bureau(run, application, pull)
    items = _bank(run, application)
    _identity(run, household, items)
    with transaction.atomic():
        claimed = VerificationRequest.objects.filter(
            pk=request.pk, completed_at__isnull=True
        ).update(completed_at=timezone.now(), result=run.result)
        if not claimed:
            return False
        application.verification_flags.all().delete()
        VerificationFlag.objects.bulk_create(
            VerificationFlag(
                application=application,
                source=f.source,
                code=f.code,
                severity=f.severity,
                consumer_visible=f.consumer_visible,
                detail=f.detail[:300],
                data=f.data,
            )
            for f in run.findings
        )
        if run.prefill and not application.debts.exists():
            Debt.objects.bulk_create(run.prefill)
        _emit(application, run)
    return True
