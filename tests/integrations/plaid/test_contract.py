"""The contract test: every answer of the Plaid sandbox checked against plaid-python's
models (the OpenAPI description they are generated from), so the sandbox cannot drift
from Plaid again; and the shapes Plaid documents but plaid-python refuses are read."""

from __future__ import annotations

import pytest
import requests
from plaid.model.accounts_get_response import AccountsGetResponse
from plaid.model.identity_get_response import IdentityGetResponse
from plaid.model.identity_match_response import IdentityMatchResponse
from plaid.model.item_public_token_exchange_response import ItemPublicTokenExchangeResponse
from plaid.model.item_remove_response import ItemRemoveResponse
from plaid.model.liabilities_get_response import LiabilitiesGetResponse
from plaid.model.link_token_create_response import LinkTokenCreateResponse
from plaid.model.sandbox_item_fire_webhook_response import SandboxItemFireWebhookResponse
from plaid.model.sandbox_item_reset_login_response import SandboxItemResetLoginResponse
from plaid.model.sandbox_public_token_create_response import SandboxPublicTokenCreateResponse
from plaid.model.transactions_sync_response import TransactionsSyncResponse
from plaid.model.webhook_verification_key_get_response import (
    WebhookVerificationKeyGetResponse,
)

from integrations.errors import ContractMismatch
from integrations.plaid import client
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET, faults
from tests.integrations.plaid.schemas import problems

pytestmark = pytest.mark.processes
HEADERS = {"PLAID-CLIENT-ID": PLAID_ID, "PLAID-SECRET": PLAID_SECRET, "Plaid-Version": "2020-09-14"}
USER = {"legal_name": "Alberta Bobbeth Charleson", "phone_number": "1112223333"}


def _post(url: str, path: str, body: dict) -> dict:
    answer = requests.post(f"{url}{path}", json=body, headers=HEADERS, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _item(url: str, username: str) -> str:
    public = _post(
        url,
        "/sandbox/public_token/create",
        {"institution_id": "ins_109508", "initial_products": ["transactions"]}
        | {"options": {"override_username": username}},
    )
    assert problems(SandboxPublicTokenCreateResponse, public) == []
    exchange = _post(url, "/item/public_token/exchange", {"public_token": public["public_token"]})
    assert problems(ItemPublicTokenExchangeResponse, exchange) == []
    return exchange["access_token"]


@pytest.mark.parametrize("username", ["user_good", "user_gig", "user_overdraft", "user_card"])
def test_every_sandbox_answer_fits_plaid_pythons_models(plaid, username):
    link = {"client_name": "CG", "language": "en", "country_codes": ["US"]}
    link |= {"user": {"client_user_id": "opaque"}, "products": ["transactions"]}
    assert problems(LinkTokenCreateResponse, _post(plaid, "/link/token/create", link)) == []
    token = {"access_token": _item(plaid, username)}
    checks = [
        ("/accounts/balance/get", token, AccountsGetResponse),
        ("/accounts/get", token, AccountsGetResponse),
        ("/identity/get", token, IdentityGetResponse),
        ("/identity/match", token | {"user": USER}, IdentityMatchResponse),
        ("/transactions/sync", token | {"count": 500}, TransactionsSyncResponse),
        ("/liabilities/get", token, LiabilitiesGetResponse),
        ("/sandbox/item/fire_webhook", token, SandboxItemFireWebhookResponse),
        ("/sandbox/item/reset_login", token, SandboxItemResetLoginResponse),
    ]
    for path, body, model in checks:
        assert problems(model, _post(plaid, path, body)) == [], path
    removed = _post(plaid, "/item/remove", token)
    assert problems(ItemRemoveResponse, removed) == []


def test_transactions_carry_location_and_payment_meta(plaid):
    sync = _post(plaid, "/transactions/sync", {"access_token": _item(plaid, "user_good")})
    first = sync["added"][0]
    assert set(first["location"]) >= {"city", "region", "postal_code", "lat", "lon"}
    assert set(first["payment_meta"]) >= {"payee", "payer", "reference_number"}


def test_webhook_key_answer_fits_the_model(plaid):
    kid = requests.get(f"{plaid}/sandbox/admin/calls", timeout=5)  # the sandbox is up
    assert kid.status_code == 200
    sign = requests.post(f"{plaid}/sandbox/admin/sign", json={"body": "{}"}, timeout=5).json()
    import jwt

    key_id = jwt.get_unverified_header(sign["jwt"])["kid"]
    answer = _post(plaid, "/webhook_verification_key/get", {"key_id": key_id})
    assert problems(WebhookVerificationKeyGetResponse, answer) == []


@pytest.mark.parametrize(
    ("username", "refused"),
    [
        (
            "user_match_partial",
            [
                "$.accounts[0].legal_name.is_nickname_match: required",
                "$.accounts[0].legal_name.is_business_name_detected: required",
            ],
        ),
        ("user_match_minimal", ["$.accounts[0].legal_name.is_first_name_or_last_name_match"]),
    ],
)
def test_plaids_partial_match_shapes_are_read_though_the_sdk_refuses_them(plaid, username, refused):
    access_token = _item(plaid, username)
    answer = _post(plaid, "/identity/match", {"access_token": access_token, "user": USER})
    found = problems(IdentityMatchResponse, answer)
    assert all(any(p.startswith(r) for p in found) for r in refused)
    scores = client.identity_match(access_token=access_token, legal_name=USER["legal_name"])
    if username == "user_match_partial":
        assert [(s.name, s.phone, s.email, s.address) for s in scores] == [
            (100, None, None, None)
        ] * 2
    else:
        assert [(s.name, s.phone, s.email, s.address) for s in scores] == [
            (100, None, None, None)
        ] * 2


def test_an_answer_the_sdk_model_refuses_is_a_permanent_error_naming_the_endpoint(plaid):
    access_token = _item(plaid, "user_good")
    faults(plaid, "/accounts/balance/get", "malformed")
    with pytest.raises(ContractMismatch) as raised:
        client.accounts_balance_get(access_token=access_token)
    assert raised.value.permanent is True
    assert raised.value.code == "CONTRACT_MISMATCH"
    assert "/accounts/balance/get" in str(raised.value)


def test_the_check_refuses_a_transaction_without_location_or_payment_meta():
    from plaid.model.transaction import Transaction

    from integrations.sandbox.plaid.personas import PERSONAS
    from integrations.sandbox.plaid.shapes import transaction

    shape = transaction("abcdefgh12", PERSONAS["user_good"].transactions[0], 0)
    assert problems(Transaction, shape) == []
    del shape["location"], shape["payment_meta"]
    assert problems(Transaction, shape) == ["$.location: required", "$.payment_meta: required"]
