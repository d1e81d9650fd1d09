"""The bank checks: income, spending by group, cards, identity (Plaid)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from intake.engine.budget import LINE_ITEMS, monthly_amount
from integrations.errors import VendorError, failure_reason
from integrations.plaid.models import PlaidAccount, PlaidItem, PlaidTransaction
from integrations.plaid.services import plaid_identity_match

from ...models import (
    Application,
    BankConnection,
    Consent,
    Debt,
    Household,
)
from ...selectors import consent_is_live
from .common import (
    BANK_WINDOW_DAYS,
    BANK_WINDOW_MONTHS,
    CARD_BALANCE_TOLERANCE,
    CENT,
    EXPENSE_GROUPS,
    EXPENSE_MIN_GAP,
    EXPENSE_TOLERANCE,
    IDENTITY_MIN_SCORE,
    INCOME_CRITICAL,
    INCOME_TOLERANCE,
    PLAID_GROUPS,
    Reconciliation,
    cents_text,
)


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
        "stated_monthly": cents_text(stated),
        "bank_monthly": cents_text(bank),
        "difference": cents_text(bank - stated),
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
        f"Stated take-home pay {cents_text(stated)}/month; bank deposits {cents_text(bank)}/month.",
        consumer_visible=True,
        data={"stated": cents_text(stated), "bank": cents_text(bank)},
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
        rows[group] = {"stated": cents_text(stated[group]), "bank": cents_text(monthly)}
        gap = monthly - stated[group]
        if gap >= EXPENSE_MIN_GAP and gap > stated[group] * EXPENSE_TOLERANCE:
            run.flag(
                "bank",
                "expense_understated",
                "warning",
                f"Bank spending on {group} is {cents_text(monthly)}/month; "
                f"stated {cents_text(stated[group])}/month.",
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
                data={"balance": cents_text(account.current)},
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
            "balance": cents_text(card.current),
            "apr": cents_text(card.purchase_apr),
            "minimum_payment": cents_text(card.minimum_payment),
            "stated_debt": str(match.public_id) if match else None,
        }
        rows.append(row)
        if match is None:
            run.flag(
                "bank",
                "card_not_listed",
                "info",
                f"A card ending {card.mask} with balance {cents_text(card.current)} was not "
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


# ---- identity -------------------------------------------------------------------------


def check_identity(
    run: Reconciliation, household: Household | None, items: list[PlaidItem]
) -> None:
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


def check_bank(run: Reconciliation, application: Application) -> list[PlaidItem]:
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
