"""Facts to exported fields: keyed pseudonyms, bands, ZIP3, rounded amounts.

Pure Python, no Django: the key, the agency slug and the reference date are passed in.
docs/analytics.md is the data dictionary of every field produced here.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .facts import Concession, PlanTerms, Profile, Subject

PROFILE_COLUMNS = (
    "profile_level",
    "age_band",
    "zip3",
    "state",
    "region",
    "household_band",
    "income_band",
    "debt_band",
)

# Every band table: (lower bound of the next band, label), then the top-coded label. The
# finest tables are what the outbox keeps; generalise.py coarsens them at shipping time.
# The coarse bands nest the fine ones, so a fine label's lower bound finds its coarse band.
AGE_BANDS = (  # years at the event; 5-year bands ("18-24" also takes any age under 18)
    (25, "18-24"),
    *((bound + 5, f"{bound}-{bound + 4}") for bound in range(25, 85, 5)),
)
AGE_TOP = "85+"
AGE_BANDS_10 = (
    (25, "18-24"),
    *((bound + 10, f"{bound}-{bound + 9}") for bound in range(25, 75, 10)),
)
AGE_TOP_10 = "75+"
HOUSEHOLD_EXACT = tuple((size + 1, str(size)) for size in range(1, 7))  # people
HOUSEHOLD_EXACT_TOP = "7+"
HOUSEHOLD_BANDS = ((2, "1"), (3, "2"), (5, "3-4"))
HOUSEHOLD_TOP = "5+"
INCOME_BANDS = (  # monthly net income, dollars
    (1000, "0-999"),
    (2000, "1000-1999"),
    (3000, "2000-2999"),
    (4000, "3000-3999"),
    (6000, "4000-5999"),
    (8000, "6000-7999"),
)
INCOME_TOP = "8000+"
INCOME_COARSE = ((2000, "0-1999"), (4000, "2000-3999"))
INCOME_COARSE_TOP = "4000+"
DEBT_BANDS = (  # total unsecured debt, dollars
    (5000, "0-4999"),
    (10000, "5000-9999"),
    (20000, "10000-19999"),
    (35000, "20000-34999"),
    (50000, "35000-49999"),
    (75000, "50000-74999"),
)
DEBT_TOP = "75000+"
DEBT_COARSE = ((10000, "0-9999"), (35000, "10000-34999"))
DEBT_COARSE_TOP = "35000+"
TEN = Decimal("10")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


def pseudonym(*, key: bytes, kind: str, agency: str, ref: str) -> str:
    """HMAC-SHA256 of ``kind \\0 agency \\0 ref`` under the platform's analytics key, hex.

    Stable for one consumer (or case) in one agency, so the warehouse can count them once;
    without the key it cannot be reversed or linked to anything outside the warehouse.
    """
    message = "\0".join((kind, agency, ref)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def age_band(birth: date | None, *, on: date) -> str | None:
    if birth is None:
        return None
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return band(age, AGE_BANDS, AGE_TOP)


def household_band(size: int | None) -> str | None:
    return None if size is None else band(size, HOUSEHOLD_EXACT, HOUSEHOLD_EXACT_TOP)


def income_band(monthly: Decimal | None) -> str | None:
    return None if monthly is None else band(monthly, INCOME_BANDS, INCOME_TOP)


def debt_band(total: Decimal | None) -> str | None:
    return None if total is None else band(total, DEBT_BANDS, DEBT_TOP)


def band(value: Decimal | int, bands: tuple[tuple[int, str], ...], top: str) -> str:
    return next((label for bound, label in bands if value < bound), top)


def round_to(amount: Decimal, step: Decimal) -> Decimal:
    """`amount` rounded half-up to a multiple of `step` (whole dollars as the result)."""
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(
        Decimal(1)
    )


def subject_fields(subject: Subject, *, key: bytes, agency: str) -> dict[str, str]:
    return {
        "consumer_pid": pseudonym(
            key=key, kind="consumer", agency=agency, ref=subject.consumer_ref
        ),
        "case_pid": pseudonym(key=key, kind="case", agency=agency, ref=subject.case_ref),
    }


def profile_fields(profile: Profile, *, on: date) -> dict[str, str | None]:
    """The finest generalisation of a profile, as the outbox keeps it until shipping:
    ZIP3, 5-year age band, household size (7+ top-coded), the fine money bands."""
    return {
        "zip3": None if profile.zip_code is None else profile.zip_code[:3],
        "age": age_band(profile.birth_date, on=on),
        "household": household_band(profile.household_size),
        "income": income_band(profile.monthly_income),
        "debt": debt_band(profile.unsecured_debt),
    }


def plan_fields(plan: PlanTerms) -> dict[str, Any]:
    """Payment to $10, debt and interest saved to $100; concession APRs to 0.01 point."""
    return {
        "monthly_payment": str(round_to(plan.monthly_payment, TEN)),
        "term_months": plan.term_months,
        "enrolled_debt": str(round_to(plan.enrolled_debt, HUNDRED)),
        "interest_saved": str(round_to(plan.interest_saved, HUNDRED)),
        "creditor_count": len(plan.concessions),
        "concessions": [_concession(c) for c in plan.concessions],
    }


def _concession(concession: Concession) -> dict[str, str]:
    name = " ".join(concession.creditor.split()).lower()
    apr = concession.apr.quantize(CENT, rounding=ROUND_HALF_UP)
    return {"creditor": name, "apr": str(apr)}


# Field of a facts dataclass -> exported column, for the plain (choice and count) fields.
_RENAMED = {"source": "verification_source", "flag_count": "verification_flags"}
_REASON_COLUMN = {
    "VerificationFailed": "failure_reason",
    "Declined": "decline_reason",
    "Closed": "close_reason",
}


def facts_fields(facts: Any) -> dict[str, Any]:
    """The exported columns of one event's facts (the subject's pseudonyms excluded); a
    profile's columns are left empty here and filled when the event is released."""
    out: dict[str, Any] = {}
    for declared in fields(facts):
        value = getattr(facts, declared.name)
        if declared.name == "profile":
            out |= dict.fromkeys(PROFILE_COLUMNS)  # filled at shipping (generalise.py)
        elif declared.name == "plan":
            out |= plan_fields(value)
        elif declared.name == "reason":
            out[_REASON_COLUMN[type(facts).__name__]] = value
        elif declared.name == "topic":
            out["counseling_topic"] = value
        else:
            out[_RENAMED.get(declared.name, declared.name)] = value
    return out
