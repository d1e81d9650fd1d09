"""Scripted sandbox personas, chosen by the Link username (``override_username``).

Deterministic: dates count back from a fixed day, so tests assert exact values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

TODAY = date(2026, 6, 30)


@dataclass(frozen=True)
class Txn:
    account: str
    amount: str  # Plaid's sign: positive = money out, negative = money in
    day: date
    name: str
    category: str
    detailed: str
    channel: str = "online"


@dataclass(frozen=True)
class Card:
    account: str
    purchase_apr: str
    cash_apr: str
    minimum_payment: str
    statement_balance: str
    overdue: bool = False


@dataclass(frozen=True)
class Persona:
    username: str
    owner: str
    email: str
    phone: str
    city: str
    accounts: tuple[dict, ...]
    transactions: tuple[Txn, ...]
    cards: tuple[Card, ...] = ()
    # /identity/match answer shape: full, or Plaid's partial and minimal examples.
    match_shape: str = "full"


def _account(suffix: str, name: str, kind: str, subtype: str, current: str, **extra) -> dict:
    return {
        "suffix": suffix,
        "name": name,
        "type": kind,
        "subtype": subtype,
        "mask": suffix,
        "current": current,
        "available": extra.get("available", current),
        "limit": extra.get("limit"),
    }


def _every(days: int, count: int, start: int = 0) -> list[date]:
    return [TODAY - timedelta(days=start + days * i) for i in range(count)]


def _monthly(count: int, day: int) -> list[date]:
    months = [(TODAY.year, TODAY.month - i) for i in range(count)]
    return [date(y + (m - 1) // 12, (m - 1) % 12 + 1, day) for y, m in months]


def _living(account: str) -> list[Txn]:
    rent = [
        Txn(
            account,
            "1400.00",
            d,
            "Oak Street Apartments",
            "RENT_AND_UTILITIES",
            "RENT_AND_UTILITIES_RENT",
        )
        for d in _monthly(6, 1)
    ]
    power = [
        Txn(
            account,
            "120.00",
            d,
            "City Power",
            "RENT_AND_UTILITIES",
            "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY",
        )
        for d in _monthly(6, 12)
    ]
    food = [
        Txn(
            account,
            "96.50",
            d,
            "Fresh Market",
            "FOOD_AND_DRINK",
            "FOOD_AND_DRINK_GROCERIES",
            "in store",
        )
        for d in _every(7, 26, 2)
    ]
    fuel = [
        Txn(account, "45.00", d, "Shell", "TRANSPORTATION", "TRANSPORTATION_GAS", "in store")
        for d in _every(14, 13, 5)
    ]
    return rent + power + food + fuel


def _steady() -> Persona:
    pay = [
        Txn("chk", "-2150.00", d, "ACME CORP PAYROLL", "INCOME", "INCOME_WAGES", "other")
        for d in _every(14, 13, 4)
    ]
    return Persona(
        "user_good",
        "Alberta Bobbeth Charleson",
        "accountholder0@example.com",
        "1112223333",
        "Malakoff",
        (
            _account(
                "0000", "Plaid Checking", "depository", "checking", "1250.40", available="1200.40"
            ),
            _account("1111", "Plaid Saving", "depository", "savings", "2310.00"),
        ),
        tuple(pay + _living("chk")),
    )


GIG_AMOUNTS = ("412.35", "287.90", "655.10", "198.45", "530.00", "344.75", "721.20", "260.05")


def _gig() -> Persona:
    pay = [
        Txn(
            "chk",
            f"-{GIG_AMOUNTS[i % len(GIG_AMOUNTS)]}",
            d,
            "UBER DRIVER PAYMENT" if i % 2 else "DOORDASH DASHER",
            "INCOME",
            "INCOME_OTHER_INCOME",
            "other",
        )
        for i, d in enumerate(_every(9, 20, 1))
    ]
    return Persona(
        "user_gig",
        "Gina Ignacia Garcia",
        "gig@example.com",
        "5553334444",
        "Austin",
        (_account("2222", "Gig Checking", "depository", "checking", "640.12"),),
        tuple(pay + _living("chk")),
    )


def _overdrafts() -> Persona:
    pay = [
        Txn("chk", "-1600.00", d, "CITY SCHOOLS PAYROLL", "INCOME", "INCOME_WAGES", "other")
        for d in _monthly(6, 28)
    ]
    fees = [
        Txn("chk", "35.00", d, "OVERDRAFT FEE", "BANK_FEES", "BANK_FEES_OVERDRAFT_FEES", "other")
        for d in _every(30, 3, 3)
    ]
    return Persona(
        "user_overdraft",
        "Oscar Dale Rivers",
        "od@example.com",
        "5557778888",
        "Tulsa",
        (
            _account(
                "4444", "Everyday Checking", "depository", "checking", "-85.20", available="-85.20"
            ),
        ),
        tuple(pay + fees + _living("chk")),
    )


def _card() -> Persona:
    pay = [
        Txn("chk", "-1850.00", d, "STATE HOSPITAL PAYROLL", "INCOME", "INCOME_WAGES", "other")
        for d in _every(14, 13, 6)
    ]
    card = [
        Txn(
            "cc",
            "64.99",
            d,
            "Amazon",
            "GENERAL_MERCHANDISE",
            "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES",
        )
        for d in _every(10, 18, 3)
    ]
    return Persona(
        "user_card",
        "Carla Dee Cardholder",
        "card@example.com",
        "5551112222",
        "Denver",
        (
            _account("0000", "Plaid Checking", "depository", "checking", "410.00"),
            _account(
                "3333",
                "Plaid Credit Card",
                "credit",
                "credit card",
                "4820.00",
                available="1180.00",
                limit="6000.00",
            ),
        ),
        tuple(pay + card + _living("chk")),
        cards=(Card("cc", "29.99", "29.99", "145.00", "4820.00"),),
    )


def _raw_bytes() -> Persona:
    """Names and figures found nowhere else, for the raw-database scans
    (tests/security/raw_seed.py): an account name, merchants and amounts with cents."""
    pay = [
        Txn("chk", "-2876.54", d, "HOLLOWAY FOUNDRY PAYROLL", "INCOME", "INCOME_WAGES", "other")
        for d in _every(14, 13, 2)
    ]
    shop = [
        Txn(
            "chk",
            "318.27",
            d,
            "Pemberton Provisions",
            "FOOD_AND_DRINK",
            "FOOD_AND_DRINK_GROCERIES",
            "in store",
        )
        for d in _every(7, 26, 1)
    ]
    card = [
        Txn(
            "cc",
            "91.63",
            d,
            "Larkspur Outfitters",
            "GENERAL_MERCHANDISE",
            "GENERAL_MERCHANDISE_OTHER",
        )
        for d in _every(10, 18, 4)
    ]
    return Persona(
        "user_raw_bytes",
        "Ottoline Quarry Vance",
        "raw.bytes@example.com",
        "5559081726",
        "Savannah",
        (
            _account(
                "8642",
                "Wrenfield Thrift Checking",
                "depository",
                "checking",
                "2468.13",
                available="2411.13",
            ),
            _account(
                "9753",
                "Wrenfield Cashback Card",
                "credit",
                "credit card",
                "3187.46",
                available="4343.54",
                limit="7531.00",
            ),
        ),
        tuple(pay + shop + card),
        cards=(Card("cc", "23.71", "26.71", "187.29", "3187.46"),),
    )


def _match(shape: str) -> Persona:
    """The steady earner whose bank answers /identity/match in Plaid's ``shape``."""
    return replace(_steady(), username=f"user_match_{shape}", match_shape=shape)


PERSONAS = {
    p.username: p
    for p in (
        _steady(),
        _gig(),
        _overdrafts(),
        _card(),
        _match("partial"),
        _match("minimal"),
        _raw_bytes(),
    )
}
