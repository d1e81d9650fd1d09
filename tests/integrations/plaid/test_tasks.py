"""Faults with a real worker on Redis: backoff on 500s, no retry on ITEM_LOGIN_REQUIRED,
token exchange and consent withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.attempts import VendorAttempt
from integrations.plaid import services
from integrations.plaid.models import PlaidAccount, PlaidItem, PlaidTransaction
from integrations.tasks import plaid_item_sync
from tests.integrations.plaid.sandboxes import calls, faults, wait_until, worker

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def celery_worker():
    with worker() as w:
        yield w


def _item(username: str = "user_card") -> PlaidItem:
    from integrations.plaid import client

    public = client.sandbox_public_token_create(institution_id="ins_109508", username=username)
    exchange = client.item_public_token_exchange(public_token=public)
    return PlaidItem.objects.create(item_id=exchange.item_id, access_token=exchange.access_token)


def _outcomes(operation: str) -> list[str]:
    rows = VendorAttempt.objects.filter(operation=operation).order_by("pk")
    return list(rows.values_list("outcome", flat=True))


def test_500_500_200_succeeds_after_backoff(plaid, celery_worker):
    item = _item()
    faults(plaid, "/accounts/balance/get", "500", "500", "200")
    result = plaid_item_sync.delay(item_public_id=str(item.public_id))
    assert result.get(timeout=60) == "synced"
    assert _outcomes("accounts_balance_get") == ["transient", "transient", "ok"]
    assert calls(plaid)["/accounts/balance/get"] == 3
    item.refresh_from_db()
    assert (item.status, item.sync_claimed_by, item.synced_at is not None) == ("ok", "", True)
    assert PlaidTransaction.objects.filter(item=item).count() == 82
    # The mask is encrypted: found in Python, not by a query.
    (card,) = [a for a in PlaidAccount.objects.filter(item=item) if a.mask == "3333"]
    assert (card.current, card.purchase_apr, card.minimum_payment) == (
        Decimal("4820.00"),
        Decimal("29.99"),
        Decimal("145.00"),
    )


def test_item_login_required_is_not_retried_and_asks_to_reconnect(plaid, celery_worker):
    item = _item("user_good")
    faults(plaid, "/accounts/balance/get", "ITEM_LOGIN_REQUIRED")
    result = plaid_item_sync.delay(item_public_id=str(item.public_id))
    assert result.get(timeout=30) == "login_required"
    assert calls(plaid)["/accounts/balance/get"] == 1
    assert _outcomes("accounts_balance_get") == ["permanent"]
    item.refresh_from_db()
    assert (item.status, item.error_code, item.sync_claimed_by) == (
        "login_required",
        "ITEM_LOGIN_REQUIRED",
        "",
    )
    assert plaid_item_sync.delay(item_public_id=str(item.public_id)).get(timeout=30) == "skipped"


def test_exchange_keeps_one_encrypted_item_and_syncs_it(plaid, celery_worker):
    from django.db import connection

    from integrations.plaid import client

    public = client.sandbox_public_token_create(institution_id="ins_109508", username="user_good")
    public_id = services.plaid_public_token_exchange(
        public_token=public, institution_id="ins_109508"
    )
    item = PlaidItem.objects.get(public_id=public_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM integrations_plaiditem WHERE id = %s", [item.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and "access-sandbox" not in stored
    synced = wait_until(
        lambda: PlaidItem.objects.filter(pk=item.pk, synced_at__isnull=False).exists()
    )
    assert synced
    assert PlaidTransaction.objects.filter(item=item).count() == 64
    assert _outcomes("public_token_exchange") == ["ok"]


def test_consent_withdrawn_removes_the_item_and_its_data(plaid, celery_worker):
    item = _item()
    plaid_item_sync.delay(item_public_id=str(item.public_id)).get(timeout=30)
    services.plaid_item_remove(item_public_id=item.public_id)
    item.refresh_from_db()
    assert (item.status, item.access_token, item.cursor) == ("removed", "", "")
    assert PlaidTransaction.objects.filter(item=item).count() == 0
    assert PlaidAccount.objects.filter(item=item).count() == 0
    assert calls(plaid)["/item/remove"] == 1
    services.plaid_item_remove(item_public_id=item.public_id)  # again: nothing more to do
    assert calls(plaid)["/item/remove"] == 1
