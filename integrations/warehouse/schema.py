"""The exported schema: which columns each event type may carry, and the Parquet layout.

docs/analytics.md is the data dictionary; bump SCHEMA_VERSION (and the DDL there) when a
column is added. Partition columns (``agency``, ``date``) are in the object's path, not in
the file, as Redshift Spectrum and DuckDB's hive partitioning expect.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

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

MONEY = pa.decimal128(12, 2)
CONCESSION = pa.struct([("creditor", pa.string()), ("apr", pa.decimal128(5, 2))])
_STRINGS = (
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
_INTS = ("verification_flags", "term_months", "creditor_count", "months_enrolled")
_SMALL_INTS = ("profile_level",)
_MONEY = ("monthly_payment", "enrolled_debt", "interest_saved")

ARROW_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("event_type", pa.string(), nullable=False),
        pa.field("occurred_hour", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("schema_version", pa.int16(), nullable=False),
        *[pa.field(name, pa.int16()) for name in _SMALL_INTS],
        *[pa.field(name, pa.string()) for name in _STRINGS],
        *[pa.field(name, pa.int32()) for name in _INTS],
        *[pa.field(name, MONEY) for name in _MONEY],
        pa.field("concessions", pa.list_(CONCESSION)),
    ]
)
PAYLOAD_COLUMNS = frozenset(_STRINGS + _SMALL_INTS + _INTS + _MONEY + ("concessions",))


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
    if name in _STRINGS:
        return type(value) is str
    if name in _INTS or name in _SMALL_INTS:
        return type(value) is int
    if name in _MONEY:
        return type(value) is str and Decimal(value).is_finite()
    return type(value) is list and all(set(item) == {"creditor", "apr"} for item in value)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _record(event: dict[str, Any]) -> dict[str, Any]:
    record = dict.fromkeys(PAYLOAD_COLUMNS)
    for name, value in event["payload"].items():
        if name in _MONEY and value is not None:
            value = Decimal(value)
        elif name == "concessions":
            value = [{"creditor": c["creditor"], "apr": Decimal(c["apr"])} for c in value]
        record[name] = value
    return record | {
        "event_id": str(event["event_id"]),
        "event_type": event["event_type"],
        "occurred_hour": _hour(event["occurred_at"]),
        "schema_version": event["schema_version"],
    }


def parquet_bytes(events: list[dict[str, Any]]) -> bytes:
    """One Parquet file (snappy) of `events` (dicts with event_id, event_type, occurred_at,
    schema_version, payload), in the given order. The same events give the same bytes."""
    table = pa.Table.from_pylist([_record(e) for e in events], schema=ARROW_SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    return buffer.getvalue()
