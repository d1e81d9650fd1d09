"""The contract: every Plaid call the product makes, through plaid-python's strict models,
against the sandbox process; and each error code the product handles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from integrations.errors import VendorError, VendorTimeout
from integrations.plaid import client
from tests.integrations.plaid.sandboxes import calls, faults, linked

pytestmark = pytest.mark.processes


def test_client_always_names_its_host_and_defaults_to_plaid_sandbox(plaid, settings):
    assert client._api().api_client.configuration.host == plaid
    settings.PLAID_HOST = "https://sandbox.plaid.com"
    assert client._api().api_client.configuration.host == "https://sandbox.plaid.com"


def test_link_and_token_exchange_round_trip(plaid):
    link = client.link_token_create(client_user_id="opaque-1")
    assert link.link_token.startswith("link-sandbox-")
    public = client.sandbox_public_token_create(institution_id="ins_109508")
    exchange = client.item_public_token_exchange(public_token=public)
    assert exchange.access_token.startswith("access-sandbox-")
    assert len(exchange.item_id) == 32


def test_balances_identity_and_match_of_the_card_persona(plaid):
    access_token, _ = linked("user_card")
    checking, card = client.accounts_balance_get(access_token=access_token)
    assert (card.type, card.subtype, card.mask) == ("credit", "credit card", "3333")
    assert (card.current, card.available, card.limit) == (
        Decimal("4820.00"),
        Decimal("1180.00"),
        Decimal("6000.00"),
    )
    assert checking.current == Decimal("410.00")
    owners = client.identity_get(access_token=access_token)[0]
    assert owners.names == ("Carla Dee Cardholder",)
    scores = client.identity_match(
        access_token=access_token, legal_name="Carla Dee Cardholder", email="other@example.com"
    )[0]
    assert (scores.name, scores.email, scores.phone) == (100, 0, None)


def test_liabilities_give_the_card_apr_and_minimum_payment(plaid):
    access_token, item_id = linked("user_card")
    (card,) = client.liabilities_get(access_token=access_token)
    assert card.account_id == f"{item_id[:8]}-cc"
    assert card.purchase_apr == Decimal("29.99")
    assert card.minimum_payment == Decimal("145.00")
    assert card.next_payment_due == date(2026, 7, 18)
    assert client.liabilities_get(access_token=linked("user_good")[0]) == ()


def test_transactions_sync_pages_through_every_transaction(plaid):
    access_token, _ = linked("user_good")
    first = client.transactions_sync(access_token=access_token, count=25)
    assert (len(first.added), first.has_more) == (25, True)
    result = client.transactions_sync_all(access_token=access_token, count=25)
    assert (len(result.added), result.pages, result.modified, result.removed) == (64, 3, (), ())
    assert len({t.transaction_id for t in result.added}) == 64
    pay = [t for t in result.added if t.category == "INCOME"]
    assert (len(pay), pay[0].amount, pay[0].date) == (13, Decimal("-2150.00"), date(2026, 6, 26))
    assert calls(plaid)["/transactions/sync"] == 4


def test_transactions_sync_from_a_cursor_returns_modified_and_removed(plaid):
    access_token, _ = linked("user_gig")
    done = client.transactions_sync_all(access_token=access_token, count=500)
    again = client.transactions_sync_all(access_token=access_token, cursor=done.cursor)
    assert (again.added, again.modified, again.removed) == ((), (), ())
    client.sandbox_item_fire_webhook(
        access_token=access_token, webhook_code="SYNC_UPDATES_AVAILABLE"
    )
    changes = client.transactions_sync_all(access_token=access_token, cursor=done.cursor, count=2)
    assert (len(changes.added), len(changes.modified), len(changes.removed)) == (1, 1, 1)
    assert changes.pages == 2
    assert changes.modified[0].amount == done.added[0].amount + Decimal("1.00")
    assert changes.removed == (done.added[1].transaction_id,)


def test_reset_login_then_every_call_needs_update_mode(plaid):
    access_token, _ = linked()
    client.sandbox_item_reset_login(access_token=access_token)
    with pytest.raises(VendorError) as caught:
        client.transactions_sync(access_token=access_token)
    assert (caught.value.code, caught.value.permanent) == ("ITEM_LOGIN_REQUIRED", True)
    update = client.link_token_create(client_user_id="opaque-3", access_token=access_token)
    assert update.link_token.startswith("link-sandbox-")


def test_webhook_key_and_item_remove(plaid):
    access_token, _ = linked()
    signed = requests_sign(plaid)
    key = client.webhook_verification_key_get(key_id=signed)
    assert (key.jwk["alg"], key.jwk["crv"], key.expired_at) == ("ES256", "P-256", None)
    client.item_remove(access_token=access_token)
    with pytest.raises(VendorError) as caught:
        client.accounts_balance_get(access_token=access_token)
    assert (caught.value.code, caught.value.permanent) == ("ITEM_NOT_FOUND", True)


def requests_sign(url: str) -> str:
    import jwt
    import requests

    token = requests.post(f"{url}/sandbox/admin/sign", json={"body": "{}"}, timeout=5).json()["jwt"]
    return jwt.get_unverified_header(token)["kid"]


@pytest.mark.parametrize(
    ("fault", "code", "permanent"),
    [
        ("500", "INTERNAL_SERVER_ERROR", False),
        ("429", "RATE_LIMIT_EXCEEDED", False),
        ("PRODUCT_NOT_READY", "PRODUCT_NOT_READY", False),
        ("ITEM_LOGIN_REQUIRED", "ITEM_LOGIN_REQUIRED", True),
        ("ADDITIONAL_CONSENT_REQUIRED", "ADDITIONAL_CONSENT_REQUIRED", True),
        ("USER_PERMISSION_REVOKED", "USER_PERMISSION_REVOKED", True),
    ],
)
def test_each_handled_error_code_maps_to_permanent_or_transient(plaid, fault, code, permanent):
    access_token, _ = linked()
    faults(plaid, "/accounts/balance/get", fault)
    with pytest.raises(VendorError) as caught:
        client.accounts_balance_get(access_token=access_token)
    assert (caught.value.code, caught.value.permanent) == (code, permanent)
    assert len(caught.value.request_id) == 15


def test_wrong_keys_are_permanent_and_a_slow_answer_is_a_timeout(plaid, settings):
    access_token, _ = linked()
    settings.PLAID_TIMEOUT = (1, 1)
    faults(plaid, "/accounts/balance/get", "slow:2")
    with pytest.raises(VendorTimeout):
        client.accounts_balance_get(access_token=access_token)
    settings.PLAID_SECRET = "wrong"
    with pytest.raises(VendorError) as caught:
        client.accounts_balance_get(access_token=access_token)
    assert (caught.value.code, caught.value.permanent) == ("INVALID_API_KEYS", True)
