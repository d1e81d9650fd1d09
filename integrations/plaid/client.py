"""Plaid API client over plaid-python: one function per endpoint, typed answers.

Host: always explicit (``PLAID_HOST``, from ``PLAID_ENV``): with no host plaid-python
talks to production. Timeouts: ``PLAID_TIMEOUT`` (connect, read) on every call; the
SDK's own retries are off so that every retry is ours (an attempt row each). Errors:
Plaid's envelope (``error_type``, ``error_code``, ``request_id``; HTTP 400 and others)
becomes ``VendorError(permanent=...)``. Nothing here logs tokens, names or amounts.

Reference: https://plaid.com/docs/api/ (link, items, accounts, identity, transactions,
liabilities, income, webhooks); plaid-python 46 (API version 2020-09-14).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import urllib3
from django.conf import settings

from ..errors import VendorError, VendorTimeout
from .types import (
    Account,
    AccountOwners,
    BankIncome,
    CardLiability,
    IdentityScores,
    IncomeSource,
    LinkToken,
    PlaidUser,
    SyncPage,
    SyncResult,
    TokenExchange,
    Transaction,
    WebhookKey,
    money,
)

# plaid-python (34 MB, 900 modules) loads with the first Plaid call, not at startup: each
# function imports the request models it sends.
if TYPE_CHECKING:
    import plaid
    from plaid.api import plaid_api

# Permanent: the consumer must act (reconnect in update-mode Link, grant consent) or our
# request is wrong; retrying the same call cannot succeed.
PERMANENT_CODES = frozenset(
    {
        "ITEM_LOGIN_REQUIRED",
        "ACCESS_NOT_GRANTED",
        "USER_PERMISSION_REVOKED",
        "ADDITIONAL_CONSENT_REQUIRED",
        "INVALID_ACCESS_TOKEN",
        "INVALID_PUBLIC_TOKEN",
        "ITEM_NOT_FOUND",
        "INVALID_API_KEYS",
        "NO_ACCOUNTS",
        "PRODUCTS_NOT_SUPPORTED",
    }
)
TRANSIENT_CODES = frozenset(
    {
        "RATE_LIMIT_EXCEEDED",
        "INTERNAL_SERVER_ERROR",
        "PLANNED_MAINTENANCE",
        "PRODUCT_NOT_READY",
        "INSTITUTION_DOWN",
        "INSTITUTION_NOT_RESPONDING",
        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
    }
)
TRANSIENT_TYPES = frozenset({"RATE_LIMIT_EXCEEDED", "API_ERROR", "INSTITUTION_ERROR"})

_api_lock = threading.Lock()
_api_cache: dict[tuple[str, str, str], plaid_api.PlaidApi] = {}


def _api() -> plaid_api.PlaidApi:
    """The SDK client for the configured host and keys, one per process."""
    import plaid
    from plaid.api import plaid_api

    key = (settings.PLAID_HOST, settings.PLAID_CLIENT_ID, settings.PLAID_SECRET)
    with _api_lock:
        if key not in _api_cache:
            configuration = plaid.Configuration(
                host=settings.PLAID_HOST,
                api_key={
                    "clientId": settings.PLAID_CLIENT_ID,
                    "secret": settings.PLAID_SECRET,
                    "plaidVersion": settings.PLAID_VERSION,
                },
            )
            configuration.retries = False  # our tasks retry, each with an attempt row
            _api_cache[key] = plaid_api.PlaidApi(plaid.ApiClient(configuration))
        return _api_cache[key]


def error_from_api(error: plaid.ApiException) -> VendorError:
    """Plaid's error envelope as a VendorError: permanent unless retrying can help."""
    try:
        body = json.loads(error.body or "{}")
    except (TypeError, ValueError):
        body = {}
    code = str(body.get("error_code") or f"HTTP_{error.status}")
    kind = str(body.get("error_type") or "")
    transient = (error.status or 0) >= 500 or code in TRANSIENT_CODES or kind in TRANSIENT_TYPES
    permanent = not transient or code in PERMANENT_CODES
    message = f"Plaid {kind or 'error'} {code} (HTTP {error.status})"
    return VendorError(message, permanent, code=code, request_id=str(body.get("request_id", "")))


def _call(method: Callable[..., Any], request: Any) -> Any:
    """Calls one SDK method with the configured timeouts, mapping every failure."""
    import plaid

    try:
        return method(request, _request_timeout=settings.PLAID_TIMEOUT)
    except plaid.ApiException as error:
        raise error_from_api(error) from None
    except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ProtocolError) as error:
        raise VendorTimeout(f"Plaid did not answer in time ({type(error).__name__})") from None
    except urllib3.exceptions.HTTPError as error:
        message = f"Plaid unreachable ({type(error).__name__})"
        raise VendorError(message, False, code="CONNECTION") from None


def user_create(*, client_user_id: str) -> PlaidUser:
    """POST /user/create: a Plaid user for bank income. Side effects: creates it at Plaid."""
    from plaid.model.user_create_request import UserCreateRequest

    answer = _call(_api().user_create, UserCreateRequest(client_user_id=client_user_id))
    return PlaidUser(user_id=answer.user_id, user_token=answer.get("user_token", ""))


def link_token_create(
    *,
    client_user_id: str,
    language: str = "en",
    products: tuple[str, ...] = ("transactions", "liabilities", "identity"),
    access_token: str = "",
    user_token: str = "",
    redirect_uri: str = "",
) -> LinkToken:
    """POST /link/token/create: a token for Plaid Link; with ``access_token`` it opens
    update mode (reconnect a broken item, no products). Side effects: none at our end."""
    from plaid.model.country_code import CountryCode
    from plaid.model.link_token_create_request import LinkTokenCreateRequest
    from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
    from plaid.model.products import Products

    extra: dict[str, Any] = (
        {"webhook": settings.PLAID_WEBHOOK_URL} if settings.PLAID_WEBHOOK_URL else {}
    )
    if access_token:
        extra["access_token"] = access_token
    else:
        extra["products"] = [Products(p) for p in products]
    if user_token:
        extra["user_token"] = user_token
    if redirect_uri:
        extra["redirect_uri"] = redirect_uri
    request = LinkTokenCreateRequest(
        client_name=settings.PLAID_CLIENT_NAME,
        language=language,
        country_codes=[CountryCode("US")],
        user=LinkTokenCreateRequestUser(client_user_id=client_user_id),
        **extra,
    )
    answer = _call(_api().link_token_create, request)
    return LinkToken(link_token=answer.link_token, expiration=answer.expiration)


def sandbox_public_token_create(
    *, institution_id: str, username: str = "user_good", user_token: str = ""
) -> str:
    """POST /sandbox/public_token/create (sandbox only): what Link would return.
    ``username`` picks the sandbox persona (``override_username``)."""
    from plaid.model.products import Products
    from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest
    from plaid.model.sandbox_public_token_create_request_options import (
        SandboxPublicTokenCreateRequestOptions,
    )

    options = SandboxPublicTokenCreateRequestOptions(override_username=username)
    if settings.PLAID_WEBHOOK_URL:
        options.webhook = settings.PLAID_WEBHOOK_URL
    extra = {"user_token": user_token} if user_token else {}
    request = SandboxPublicTokenCreateRequest(
        institution_id=institution_id,
        initial_products=[Products("transactions"), Products("liabilities")],
        options=options,
        **extra,
    )
    return _call(_api().sandbox_public_token_create, request).public_token


def sandbox_item_fire_webhook(*, access_token: str, webhook_code: str) -> None:
    """POST /sandbox/item/fire_webhook (sandbox only): Plaid sends the item's webhook;
    SYNC_UPDATES_AVAILABLE also brings new, modified and removed transactions."""
    from plaid.model.sandbox_item_fire_webhook_request import SandboxItemFireWebhookRequest

    request = SandboxItemFireWebhookRequest(access_token=access_token, webhook_code=webhook_code)
    _call(_api().sandbox_item_fire_webhook, request)


def sandbox_item_reset_login(*, access_token: str) -> None:
    """POST /sandbox/item/reset_login (sandbox only): the item needs update-mode Link."""
    from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest

    _call(_api().sandbox_item_reset_login, SandboxItemResetLoginRequest(access_token=access_token))


def item_public_token_exchange(*, public_token: str) -> TokenExchange:
    """POST /item/public_token/exchange. Side effects: Plaid issues the access token."""
    from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest

    request = ItemPublicTokenExchangeRequest(public_token=public_token)
    answer = _call(_api().item_public_token_exchange, request)
    return TokenExchange(answer.access_token, answer.item_id, answer.request_id)


def _account(raw: Any) -> Account:
    balances = raw.balances
    return Account(
        account_id=raw.account_id,
        name=raw.name,
        mask=raw.mask or "",
        type=str(raw.type),
        subtype=str(raw.subtype or ""),
        current=money(balances.current),
        available=money(balances.available),
        limit=money(balances.limit),
        currency=balances.iso_currency_code or "USD",
    )


def accounts_balance_get(*, access_token: str) -> tuple[Account, ...]:
    """POST /accounts/balance/get: real-time balances of every account of the item."""
    from plaid.model.accounts_balance_get_request import AccountsBalanceGetRequest

    answer = _call(
        _api().accounts_balance_get, AccountsBalanceGetRequest(access_token=access_token)
    )
    return tuple(_account(raw) for raw in answer.accounts)


def identity_get(*, access_token: str) -> tuple[AccountOwners, ...]:
    """POST /identity/get: owners as the bank knows them (PII: never log the answer)."""
    from plaid.model.identity_get_request import IdentityGetRequest

    answer = _call(_api().identity_get, IdentityGetRequest(access_token=access_token))
    return tuple(
        AccountOwners(
            account_id=raw.account_id,
            names=tuple(n for o in raw.owners for n in o.names),
            emails=tuple(e.data for o in raw.owners for e in o.emails),
            phones=tuple(p.data for o in raw.owners for p in o.phone_numbers),
            cities=tuple(a.data.city or "" for o in raw.owners for a in o.addresses),
        )
        for raw in answer.accounts
    )


def _score(part: Any) -> int | None:
    return None if part is None else part.get("score")


def identity_match(
    *, access_token: str, legal_name: str, phone: str = "", email: str = ""
) -> tuple[IdentityScores, ...]:
    """POST /identity/match: Plaid scores the bank's owner data against the consumer's."""
    from plaid.model.identity_match_request import IdentityMatchRequest
    from plaid.model.identity_match_user import IdentityMatchUser

    user = {"legal_name": legal_name} | ({"phone_number": phone} if phone else {})
    user |= {"email_address": email} if email else {}
    request = IdentityMatchRequest(access_token=access_token, user=IdentityMatchUser(**user))
    answer = _call(_api().identity_match, request)
    return tuple(
        IdentityScores(
            account_id=raw.account_id,
            name=_score(raw.legal_name),
            phone=_score(raw.phone_number),
            email=_score(raw.email_address),
            address=_score(raw.address),
        )
        for raw in answer.accounts
    )


def _transaction(raw: Any) -> Transaction:
    category = raw.get("personal_finance_category")
    return Transaction(
        transaction_id=raw.transaction_id,
        account_id=raw.account_id,
        amount=money(raw.amount),
        date=raw.date,
        pending=bool(raw.pending),
        category=category.primary if category else "OTHER",
        merchant=(raw.get("merchant_name") or "")[:100],
    )


def transactions_sync(*, access_token: str, cursor: str = "", count: int = 100) -> SyncPage:
    """POST /transactions/sync: one page of changes after ``cursor``."""
    from plaid.model.transactions_sync_request import TransactionsSyncRequest
    from plaid.model.transactions_sync_request_options import TransactionsSyncRequestOptions

    extra = {"cursor": cursor} if cursor else {}
    request = TransactionsSyncRequest(
        access_token=access_token,
        count=count,
        options=TransactionsSyncRequestOptions(include_personal_finance_category=True),
        **extra,
    )
    answer = _call(_api().transactions_sync, request)
    return SyncPage(
        added=tuple(_transaction(t) for t in answer.added),
        modified=tuple(_transaction(t) for t in answer.modified),
        removed=tuple(r.transaction_id for r in answer.removed),
        next_cursor=answer.next_cursor,
        has_more=bool(answer.has_more),
    )


def transactions_sync_all(*, access_token: str, cursor: str = "", count: int = 100) -> SyncResult:
    """The cursor loop: pages of /transactions/sync while ``has_more``. Callers apply the
    result and store ``cursor`` together, so a failure half-way applies nothing."""
    added, modified, removed, pages = [], [], [], 0
    while True:
        page = transactions_sync(access_token=access_token, cursor=cursor, count=count)
        added += page.added
        modified += page.modified
        removed += page.removed
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            return SyncResult(tuple(added), tuple(modified), tuple(removed), cursor, pages)


def _card(raw: Any) -> CardLiability:
    aprs = tuple((str(a.apr_type), money(a.apr_percentage)) for a in raw.aprs)
    purchase = next((value for kind, value in aprs if kind == "purchase_apr"), None)
    return CardLiability(
        account_id=raw.account_id or "",
        purchase_apr=purchase,
        aprs=aprs,
        minimum_payment=money(raw.minimum_payment_amount),
        last_statement_balance=money(raw.last_statement_balance),
        is_overdue=raw.is_overdue,
        next_payment_due=raw.next_payment_due_date,
    )


def liabilities_get(*, access_token: str) -> tuple[CardLiability, ...]:
    """POST /liabilities/get: credit cards' APRs and minimum payments (the bureau has no
    APR). Mortgages and student loans are not used by counseling yet."""
    from plaid.model.liabilities_get_request import LiabilitiesGetRequest

    answer = _call(_api().liabilities_get, LiabilitiesGetRequest(access_token=access_token))
    return tuple(_card(raw) for raw in (answer.liabilities.credit or []))


def _source(raw: Any) -> IncomeSource:
    return IncomeSource(
        description=raw.get("income_description", ""),
        category=str(raw.get("income_category", "")),
        pay_frequency=str(raw.get("pay_frequency", "UNKNOWN")),
        total_amount=money(raw.get("total_amount", 0)),
        transaction_count=raw.get("transaction_count", 0),
        start_date=raw.get("start_date", date.min),
        end_date=raw.get("end_date", date.min),
    )


def credit_bank_income_get(*, user_token: str) -> BankIncome | None:
    """POST /credit/bank_income/get: income Plaid found in deposits; None when none yet."""
    from plaid.model.credit_bank_income_get_request import CreditBankIncomeGetRequest

    request = CreditBankIncomeGetRequest(user_token=user_token)
    reports = _call(_api().credit_bank_income_get, request).get("bank_income") or []
    if not reports:
        return None
    report = reports[0]
    sources = tuple(
        _source(s) for item in report.get("items", []) for s in item.bank_income_sources
    )
    summary = report.get("bank_income_summary")
    total = sum((s.total_amount for s in sources), Decimal("0.00"))
    return BankIncome(
        bank_income_id=report.get("bank_income_id", ""),
        days_requested=report.get("days_requested", 0),
        total_amount=money(summary.total_amount) if summary else total,
        sources=sources,
    )


def item_remove(*, access_token: str) -> None:
    """POST /item/remove: ends Plaid's access to the bank (consent withdrawn).
    Side effects: the access token stops working at Plaid."""
    from plaid.model.item_remove_request import ItemRemoveRequest

    _call(_api().item_remove, ItemRemoveRequest(access_token=access_token))


def webhook_verification_key_get(*, key_id: str) -> WebhookKey:
    """POST /webhook_verification_key/get: the public key that signed a webhook."""
    from plaid.model.webhook_verification_key_get_request import WebhookVerificationKeyGetRequest

    request = WebhookVerificationKeyGetRequest(key_id=key_id)
    key = _call(_api().webhook_verification_key_get, request).key
    jwk = {name: str(key[name]) for name in ("alg", "crv", "kid", "kty", "use", "x", "y")}
    return WebhookKey(kid=key.kid, jwk=jwk, expired_at=key.get("expired_at"))
