"""Plaid accounts and transactions and credit reports stored before their figures were
encrypted are sealed by the migration, row by row, and read back as they were."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from integrations.plaid.models import PlaidAccount, PlaidTransaction
from integrations.transunion.models import CreditReport

BEFORE = [("integrations", "0006_warehouse_profile_release")]
AFTER = [("integrations", "0007_encrypted_bank_and_bureau_figures")]
SUMMARY = {"tradelines": [{"creditor": "HALVORSEN MUTUAL", "balance": "7731"}]}


def _raw(table: str, columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - fixed names
        return cursor.fetchone()


def _plain_rows(apps) -> None:
    item = apps.get_model("integrations", "PlaidItem").objects.create(
        item_id="item-migration", access_token="access-sandbox-migration"
    )
    apps.get_model("integrations", "PlaidAccount").objects.create(
        item=item,
        account_id="acc-migration",
        name="Halvorsen Everyday Checking",
        mask="4471",
        type="depository",
        subtype="checking",
        current=Decimal("2718.28"),
        available=None,
        purchase_apr=Decimal("24.99"),
    )
    apps.get_model("integrations", "PlaidTransaction").objects.create(
        item=item,
        transaction_id="txn-migration",
        account_id="acc-migration",
        amount=Decimal("-1414.21"),
        date=timezone.localdate(),
        category="INCOME",
        merchant="HALVORSEN PAYROLL",
    )
    pull = apps.get_model("integrations", "BureauPull").objects.create(
        idempotency_key="migration", reference="ref-migration", subject="{}"
    )
    apps.get_model("integrations", "CreditReport").objects.create(
        pull=pull, retain_until=timezone.now(), hit=True, frozen=False, score=641, summary=SUMMARY
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_plain_bank_and_bureau_figures_for_their_rows():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    _plain_rows(executor.loader.project_state(BEFORE).apps)

    MigrationExecutor(connection).migrate(AFTER)

    account = PlaidAccount.objects.get(account_id="acc-migration")
    assert (account.name, account.mask, account.current, account.available) == (
        "Halvorsen Everyday Checking",
        "4471",
        Decimal("2718.28"),
        None,
    )
    assert account.purchase_apr == Decimal("24.99") and account.public_id is not None
    txn = PlaidTransaction.objects.get(transaction_id="txn-migration")
    assert (txn.amount, txn.category, txn.merchant) == (
        Decimal("-1414.21"),
        "INCOME",
        "HALVORSEN PAYROLL",
    )
    report = CreditReport.objects.get()
    assert (report.score, report.summary) == (641, SUMMARY)
    raw = (
        *_raw("integrations_plaidaccount", "name, mask, current, purchase_apr"),
        *_raw("integrations_plaidtransaction", "amount, category, merchant"),
        *_raw("integrations_creditreport", "score, summary"),
    )
    assert all(value.startswith("v1:") for value in raw), raw
    assert _raw("integrations_plaidaccount", "available") == (None,)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
