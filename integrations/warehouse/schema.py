"""The exported schema: which columns each event type may carry, and their types.

docs/analytics.md is the data dictionary; bump SCHEMA_VERSION (and the DDL there) when a
column is added. The Parquet layout of these columns is in parquet.py, which only the
process that writes a file imports (pyarrow is large).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .deidentify import PROFILE_COLUMNS
from .errors import FactsError
from .facts import EventType

SCHEMA_VERSION = 2  # 2: the generalised profile (profile_level, state, region)

SUBJECT = ("consumer_pid", "case_pid")
PROFILE = PROFILE_COLUMNS
PLAN = (
    "monthly_payment",
    "term_months",
    "enrolled_debt",
    "interest_saved",
    "creditor_count",
    "concessions",
)
EVENT_COLUMNS: dict[EventType, tuple[str, ...]] = {
    EventType.APPLICATION_STARTED: (*SUBJECT, "language"),
    EventType.STEP_COMPLETED: (*SUBJECT, "step"),
    EventType.SUBMITTED: (*SUBJECT, *PROFILE),
    EventType.VERIFICATION_COMPLETED: (*SUBJECT, "verification_source", "verification_flags"),
    EventType.VERIFICATION_FAILED: (*SUBJECT, "verification_source", "failure_reason"),
    EventType.PLAN_OFFERED: (*SUBJECT, *PLAN),
    EventType.ACCEPTED: (*SUBJECT, *PLAN),
    EventType.DECLINED: (*SUBJECT, "decline_reason"),
    EventType.ENROLLED: (*SUBJECT, *PLAN),
    EventType.CLOSED: (*SUBJECT, "close_reason", "months_enrolled"),
    EventType.COUNSELING_REQUESTED: (*SUBJECT, "counseling_topic"),
}

STRING_COLUMNS = (
    "consumer_pid",
    "case_pid",
    "language",
    "step",
    *PROFILE[1:],
    "verification_source",
    "failure_reason",
    "decline_reason",
    "close_reason",
    "counseling_topic",
)
INT_COLUMNS = ("verification_flags", "term_months", "creditor_count", "months_enrolled")
SMALL_INT_COLUMNS = ("profile_level",)
MONEY_COLUMNS = ("monthly_payment", "enrolled_debt", "interest_saved")

PAYLOAD_COLUMNS = frozenset(
    STRING_COLUMNS + SMALL_INT_COLUMNS + INT_COLUMNS + MONEY_COLUMNS + ("concessions",)
)


def payload_check(event_type: EventType, payload: dict[str, Any]) -> None:
    """Refuses a payload that is not exactly the event type's columns with their types."""
    expected = EVENT_COLUMNS[event_type]
    if set(payload) != set(expected):
        extra = sorted(set(payload) - set(expected)) or sorted(set(expected) - set(payload))
        raise FactsError(f"{event_type.value}: column {extra[0]!r} does not fit the allowlist")
    for name, value in payload.items():
        if value is not None and not _fits(name, value):
            raise FactsError(f"{event_type.value}: column {name!r} has the wrong type")


def _fits(name: str, value: Any) -> bool:
    if name in STRING_COLUMNS:
        return type(value) is str
    if name in INT_COLUMNS or name in SMALL_INT_COLUMNS:
        return type(value) is int
    if name in MONEY_COLUMNS:
        return type(value) is str and Decimal(value).is_finite()
    return type(value) is list and all(set(item) == {"creditor", "apr"} for item in value)
