"""Answer shapes of the Plaid sandbox that follow Plaid's OpenAPI description field by
field: transactions (``location`` and ``payment_meta`` are required there), identity
match scores (full, and the partial and minimal shapes of Plaid's own examples), card
liabilities. The contract test checks them against plaid-python's models."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from .personas import TODAY, Card, Persona, Txn

NO_LOCATION = {
    "address": None,
    "city": None,
    "region": None,
    "postal_code": None,
    "country": None,
    "lat": None,
    "lon": None,
    "store_number": None,
}
NO_PAYMENT_META = {
    "by_order_of": None,
    "payee": None,
    "payer": None,
    "payment_method": None,
    "payment_processor": None,
    "ppd_id": None,
    "reason": None,
    "reference_number": None,
}


def json_number(value: Decimal | str | None) -> float | None:
    """Plaid's wire format writes amounts as JSON numbers, so the sandbox does too; this is
    the sandbox's one place for it. Our client reads them back through str() into Decimal."""
    return None if value is None else float(value)


def transaction(item_id: str, txn: Txn, index: int) -> dict:
    """One /transactions/sync transaction; an in-store purchase carries its city."""
    in_store = txn.channel == "in store"
    location = NO_LOCATION | ({"city": "Malakoff", "region": "TX"} if in_store else {})
    return {
        "transaction_id": f"{item_id[:8]}-t{index:04d}",
        "account_id": f"{item_id[:8]}-{txn.account}",
        "amount": json_number(txn.amount),
        "iso_currency_code": "USD",
        "unofficial_currency_code": None,
        "date": txn.day.isoformat(),
        "authorized_date": txn.day.isoformat(),
        "authorized_datetime": None,
        "datetime": None,
        "pending": False,
        "name": txn.name,
        "merchant_name": txn.name,
        "payment_channel": txn.channel,
        "transaction_code": None,
        "pending_transaction_id": None,
        "account_owner": None,
        "category": None,
        "category_id": None,
        "location": location,
        "payment_meta": NO_PAYMENT_META,
        "personal_finance_category": {
            "primary": txn.category,
            "detailed": txn.detailed,
            "confidence_level": "VERY_HIGH",
        },
    }


def _name_score(given: str, owner: str) -> int:
    given_parts, owner_parts = given.lower().split(), owner.lower().split()
    if given_parts and given_parts == owner_parts:
        return 100
    if given_parts and given_parts[-1:] == owner_parts[-1:]:
        return 70
    return 0


def _exact(given: Any, known: str) -> int | None:
    return None if not given else 100 if str(given).lower() == known.lower() else 0


def match_scores(persona: Persona, user: dict) -> dict:
    """/identity/match scores of one account. ``full``: every field plaid-python's models
    require; ``partial``: Plaid's documented example (NameMatchScore without
    is_nickname_match and is_business_name_detected); ``minimal``: only the name score,
    the other parts absent (Plaid leaves out what it could not compare)."""
    name = _name_score(str(user.get("legal_name", "")), persona.owner)
    if persona.match_shape == "minimal":
        return {"legal_name": {"score": name}}
    phone = {"score": _exact(user.get("phone_number"), persona.phone)}
    email = {"score": _exact(user.get("email_address"), persona.email)}
    legal_name = {"score": name, "is_first_name_or_last_name_match": name >= 70}
    if persona.match_shape == "partial":
        address = {"score": None, "is_postal_code_match": None}
        return {"legal_name": legal_name, "phone_number": phone, "email_address": email} | {
            "address": address
        }
    legal_name |= {"is_nickname_match": False, "is_business_name_detected": False}
    return {
        "legal_name": legal_name,
        "phone_number": phone,
        "email_address": email,
        "address": {"score": None, "is_postal_code_match": None},
    }


def card_liability(item_id: str, card: Card) -> dict:
    due = (TODAY + timedelta(days=18)).isoformat()
    return {
        "account_id": f"{item_id[:8]}-{card.account}",
        "is_overdue": card.overdue,
        "aprs": [
            {
                "apr_percentage": json_number(card.purchase_apr),
                "apr_type": "purchase_apr",
                "balance_subject_to_apr": json_number(card.statement_balance),
                "interest_charge_amount": 118.71,
            },
            {
                "apr_percentage": json_number(card.cash_apr),
                "apr_type": "cash_apr",
                "balance_subject_to_apr": 0.0,
                "interest_charge_amount": 0.0,
            },
        ],
        "last_payment_amount": 150.0,
        "last_payment_date": "2026-06-10",
        "last_statement_issue_date": "2026-06-12",
        "last_statement_balance": json_number(card.statement_balance),
        "minimum_payment_amount": json_number(card.minimum_payment),
        "next_payment_due_date": due,
    }
