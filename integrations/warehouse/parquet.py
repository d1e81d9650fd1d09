"""The Parquet layout of the exported schema (schema.py): one file per shipped batch.

Partition columns (``agency``, ``date``) are in the object's path, not in the file, as
Redshift Spectrum and DuckDB's hive partitioning expect. Imported only where a file is
written (shipping), so web processes never load pyarrow and numpy.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import (
    INT_COLUMNS,
    MONEY_COLUMNS,
    PAYLOAD_COLUMNS,
    SMALL_INT_COLUMNS,
    STRING_COLUMNS,
)

MONEY = pa.decimal128(12, 2)
CONCESSION = pa.struct([("creditor", pa.string()), ("apr", pa.decimal128(5, 2))])
ARROW_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("event_type", pa.string(), nullable=False),
        pa.field("occurred_hour", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("schema_version", pa.int16(), nullable=False),
        *[pa.field(name, pa.int16()) for name in SMALL_INT_COLUMNS],
        *[pa.field(name, pa.string()) for name in STRING_COLUMNS],
        *[pa.field(name, pa.int32()) for name in INT_COLUMNS],
        *[pa.field(name, MONEY) for name in MONEY_COLUMNS],
        pa.field("concessions", pa.list_(CONCESSION)),
    ]
)


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _record(event: dict[str, Any]) -> dict[str, Any]:
    record = dict.fromkeys(PAYLOAD_COLUMNS)
    for name, value in event["payload"].items():
        if name in MONEY_COLUMNS and value is not None:
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
