"""Typed answers of the Plaid client: raw vendor dicts and SDK models never leave it.

Money is ``Decimal`` built from the SDK's value as a string, rounded to cents once here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def money(value: float | None) -> Decimal | None:
    """A Plaid amount (a JSON number) as Decimal cents; None stays None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LinkToken:
    link_token: str
    expiration: datetime


@dataclass(frozen=True)
class TokenExchange:
    access_token: str
    item_id: str
    request_id: str


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    mask: str
    type: str
    subtype: str
    current: Decimal | None
    available: Decimal | None
    limit: Decimal | None
    currency: str


@dataclass(frozen=True)
class AccountOwners:
    account_id: str
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    cities: tuple[str, ...]


@dataclass(frozen=True)
class IdentityScores:
    """Plaid's 0-100 match scores of one account's owners against what the consumer said."""

    account_id: str
    name: int | None
    phone: int | None
    email: int | None
    address: int | None


@dataclass(frozen=True)
class Transaction:
    transaction_id: str
    account_id: str
    amount: Decimal  # positive = money out, as Plaid signs it
    date: date
    pending: bool
    category: str  # personal_finance_category.primary, e.g. FOOD_AND_DRINK
    merchant: str


@dataclass(frozen=True)
class SyncPage:
    added: tuple[Transaction, ...]
    modified: tuple[Transaction, ...]
    removed: tuple[str, ...]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class SyncResult:
    """All pages of one /transactions/sync loop, in order."""

    added: tuple[Transaction, ...]
    modified: tuple[Transaction, ...]
    removed: tuple[str, ...]
    cursor: str
    pages: int


@dataclass(frozen=True)
class CardLiability:
    account_id: str
    purchase_apr: Decimal | None
    aprs: tuple[tuple[str, Decimal], ...]
    minimum_payment: Decimal | None
    last_statement_balance: Decimal | None
    is_overdue: bool | None
    next_payment_due: date | None


@dataclass(frozen=True)
class WebhookKey:
    """A JSON Web Key of Plaid's webhook signer; ``expired_at`` set means do not trust."""

    kid: str
    jwk: dict[str, str]
    expired_at: int | None
