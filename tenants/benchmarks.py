"""Cross-agency benchmarks for the front door, read from the warehouse's Parquet files.

The front door installs no consumer app, so this reads the files the agencies ship
(docs/analytics.md) with DuckDB, never their databases. Every cell counts distinct
pseudonymous consumers; a cell with fewer than CREDITGENIE_BENCHMARKS_MIN_CONSUMERS is
suppressed (its value is not even returned to the template).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

FUNNEL = (
    "application_started",
    "submitted",
    "verification_completed",
    "plan_offered",
    "accepted",
    "enrolled",
)
_PARTITION = re.compile(r"agency=([a-z0-9-]+)/date=(\d{4}-\d{2}-\d{2})/batch-[0-9a-f-]+\.parquet$")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class BenchmarksUnavailable(Exception):
    """The warehouse location could not be read."""


@dataclass(frozen=True)
class Cell:
    """A figure and how many distinct consumers it rests on; None when suppressed."""

    value: Decimal | int | None
    consumers: int

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    funnel: tuple[Cell, ...]  # in the order of FUNNEL
    enrollment_rate: Cell  # percent of submitting consumers who enrolled
    median_interest_saved: Cell


@dataclass(frozen=True)
class CreditorRow:
    creditor: str
    median_apr: Cell


@dataclass(frozen=True)
class Benchmarks:
    agencies: tuple[AgencyRow, ...]
    overall_median_interest_saved: Cell
    creditors: tuple[CreditorRow, ...]
    files: int
    min_consumers: int


def _cell(value: Decimal | int | None, consumers: int, minimum: int) -> Cell:
    return Cell(value if consumers >= minimum else None, consumers)


def benchmarks_compute(*, url: str | None = None) -> Benchmarks:
    """The benchmarks over every file at `url` (default CREDITGENIE_WAREHOUSE_URL).

    Reads only; no side effects. Raises BenchmarksUnavailable when S3 cannot be read."""
    minimum = settings.CREDITGENIE_BENCHMARKS_MIN_CONSUMERS
    con = duckdb.connect(":memory:")
    files = _events_view(con, url or settings.CREDITGENIE_WAREHOUSE_URL)
    if not files:
        return Benchmarks((), Cell(None, 0), (), 0, minimum)
    return Benchmarks(
        agencies=_agency_rows(con, minimum),
        overall_median_interest_saved=_overall_interest(con, minimum),
        creditors=_creditor_rows(con, minimum),
        files=files,
        min_consumers=minimum,
    )


def _events_view(con: duckdb.DuckDBPyConnection, url: str) -> int:
    """Creates the view ``events`` over all shipped files; returns how many there are."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        table, count = _s3_table(parts.netloc, parts.path.strip("/"))
        if count:
            con.register("events_arrow", table)
            con.execute("CREATE VIEW events AS SELECT * FROM events_arrow")
        return count
    paths = sorted(str(p) for p in Path(parts.path).glob("agency=*/date=*/batch-*.parquet"))
    if paths:
        con.read_parquet(paths, hive_partitioning=True).create_view("events")
    return len(paths)


def _s3_client() -> Any:
    config = Config(
        connect_timeout=settings.AWS_WAREHOUSE_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_WAREHOUSE_READ_TIMEOUT,
        retries={"max_attempts": settings.AWS_WAREHOUSE_MAX_ATTEMPTS, "mode": "standard"},
    )
    return boto3.client(
        "s3",
        region_name=settings.AWS_WAREHOUSE_REGION,
        endpoint_url=settings.AWS_WAREHOUSE_ENDPOINT_URL,
        config=config,
    )


def _s3_table(bucket: str, prefix: str) -> tuple[pa.Table | None, int]:
    """Every batch file under the prefix, with its partition columns from the key."""
    client, tables = _s3_client(), []
    try:
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""
        )
        for item in (obj for page in pages for obj in page.get("Contents", [])):
            match = _PARTITION.search(item["Key"])
            if match:
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                tables.append(_with_partition(pq.read_table(io.BytesIO(body)), *match.groups()))
    except (BotoCoreError, ClientError) as exc:
        raise BenchmarksUnavailable("the warehouse bucket could not be read") from exc
    return (pa.concat_tables(tables) if tables else None), len(tables)


def _with_partition(table: pa.Table, agency: str, day: str) -> pa.Table:
    table = table.append_column("agency", pa.array([agency] * table.num_rows, pa.string()))
    dates = pa.array([day] * table.num_rows, pa.string()).cast(pa.date32())
    return table.append_column("date", dates)


_FUNNEL_SQL = """
SELECT agency, event_type, count(DISTINCT consumer_pid)
FROM events GROUP BY agency, event_type
"""
# The latest enrollment of each case counts once (arg_max by hour).
_INTEREST_SQL = """
WITH enrolled AS (
  SELECT agency, case_pid, arg_max(consumer_pid, occurred_hour) AS consumer_pid,
         arg_max(interest_saved, occurred_hour) AS interest_saved
  FROM events WHERE event_type = 'enrolled' GROUP BY agency, case_pid
)
SELECT agency, median(interest_saved), count(DISTINCT consumer_pid) FROM enrolled
GROUP BY agency
"""
_OVERALL_SQL = """
WITH enrolled AS (
  SELECT agency, case_pid, arg_max(consumer_pid, occurred_hour) AS consumer_pid,
         arg_max(interest_saved, occurred_hour) AS interest_saved
  FROM events WHERE event_type = 'enrolled' GROUP BY agency, case_pid
)
SELECT median(interest_saved), count(DISTINCT consumer_pid) FROM enrolled
"""
_CREDITOR_SQL = """
WITH enrolled AS (
  SELECT agency, case_pid, arg_max(consumer_pid, occurred_hour) AS consumer_pid,
         arg_max(concessions, occurred_hour) AS concessions
  FROM events WHERE event_type = 'enrolled' GROUP BY agency, case_pid
)
SELECT c.creditor, median(CAST(c.apr AS DECIMAL(12, 4))), count(DISTINCT consumer_pid)
FROM (SELECT consumer_pid, unnest(concessions) AS c FROM enrolled)
GROUP BY c.creditor ORDER BY c.creditor
"""


def _agency_rows(con: duckdb.DuckDBPyConnection, minimum: int) -> tuple[AgencyRow, ...]:
    counts: dict[str, dict[str, int]] = {}
    for agency, event_type, consumers in con.execute(_FUNNEL_SQL).fetchall():
        counts.setdefault(agency, {})[event_type] = consumers
    interest = {a: (m, n) for a, m, n in con.execute(_INTEREST_SQL).fetchall()}
    return tuple(
        _agency_row(agency, counts[agency], interest.get(agency, (None, 0)), minimum)
        for agency in sorted(counts)
    )


def _agency_row(
    agency: str, counts: dict[str, int], interest: tuple[Any, int], minimum: int
) -> AgencyRow:
    funnel = tuple(_cell(counts.get(s, 0), counts.get(s, 0), minimum) for s in FUNNEL)
    submitted, enrolled = counts.get("submitted", 0), counts.get("enrolled", 0)
    rate = None
    if submitted:
        rate = (Decimal(100) * enrolled / submitted).quantize(TENTH, rounding=ROUND_HALF_UP)
    rate_cell = _cell(rate, min(submitted, enrolled), minimum)
    median, consumers = interest
    return AgencyRow(agency, funnel, rate_cell, _cell(_money(median), consumers, minimum))


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _overall_interest(con: duckdb.DuckDBPyConnection, minimum: int) -> Cell:
    median, consumers = con.execute(_OVERALL_SQL).fetchone() or (None, 0)
    return _cell(_money(median), consumers, minimum)


def _creditor_rows(con: duckdb.DuckDBPyConnection, minimum: int) -> tuple[CreditorRow, ...]:
    rows = con.execute(_CREDITOR_SQL).fetchall()
    return tuple(CreditorRow(name, _cell(_money(apr), n, minimum)) for name, apr, n in rows)
