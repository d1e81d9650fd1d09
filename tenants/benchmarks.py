"""Cross-agency benchmarks for the front door, computed over the warehouse's Parquet files.

The front door installs no consumer app, so this reads the files the agencies ship
(docs/analytics.md), never their databases. One set of SQL statements runs on one of two
engines: DuckDB over local files (the embedded default) or Athena over the Glue table in
production (tenants/benchmarks_athena.py); the two differ only in the fragments of
DIALECTS. A scheduled run (``manage.py benchmarks_refresh``) stores the result; the page
reads the stored result and says when it was computed.

Every cell counts distinct pseudonymous consumers; a cell with fewer than
CREDITGENIE_BENCHMARKS_MIN_CONSUMERS is suppressed (its value is not even stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

FUNNEL = (
    "application_started",
    "submitted",
    "verification_completed",
    "plan_offered",
    "accepted",
    "enrolled",
)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class BenchmarksUnavailable(Exception):
    """The warehouse could not be read (or the engine could not run the SQL)."""


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


# --- The shared SQL --------------------------------------------------------------------------
# {events} is the table; the other fragments are where DuckDB and Athena (Trino) spell a thing
# differently. Medians are exact and portable: the middle one or two values of each group by
# row number (low and high come back, their mean is taken in Decimal here).
DIALECTS = {
    "duckdb": {
        "path": "filename",
        "unnest": "UNNEST(concessions) AS u(c)",
        "creditor": "u.c.creditor",
        "apr": "u.c.apr",
    },
    "athena": {
        "path": '"$path"',
        "unnest": "UNNEST(concessions) AS u(creditor, apr)",
        "creditor": "u.creditor",
        "apr": "u.apr",
    },
}
_ENROLLED = """
WITH enrolled AS (
  SELECT agency, case_pid, max_by(consumer_pid, occurred_hour) AS consumer_pid,
         max_by(interest_saved, occurred_hour) AS interest_saved,
         max_by(concessions, occurred_hour) AS concessions
  FROM {events} WHERE event_type = 'enrolled' GROUP BY agency, case_pid
)"""
_MEDIAN = """,
ranked AS (
  SELECT {key} AS k, consumer_pid, {value} AS v,
         row_number() OVER (PARTITION BY {key} ORDER BY {value}) AS n,
         count({value}) OVER (PARTITION BY {key}) AS total
  FROM {source}
)
SELECT k, min(CASE WHEN 2 * n BETWEEN total AND total + 2 THEN v END),
       max(CASE WHEN 2 * n BETWEEN total AND total + 2 THEN v END),
       count(DISTINCT consumer_pid)
FROM ranked GROUP BY k ORDER BY k"""
_CONCESSIONS = """,
concessions AS (
  SELECT consumer_pid, {creditor} AS creditor, CAST({apr} AS DECIMAL(12, 4)) AS apr
  FROM enrolled CROSS JOIN {unnest}
)"""
STATEMENTS = {
    "files": "SELECT count(DISTINCT {path}) FROM {events}",
    "funnel": (
        "SELECT agency, event_type, count(DISTINCT consumer_pid) FROM {events} "
        "GROUP BY agency, event_type ORDER BY agency, event_type"
    ),
    # The latest enrollment of each case counts once (max_by the hour).
    "interest": _ENROLLED + _MEDIAN.format(key="agency", value="interest_saved", source="enrolled"),
    "overall": _ENROLLED + _MEDIAN.format(key="'all'", value="interest_saved", source="enrolled"),
    "creditors": _ENROLLED
    + _CONCESSIONS
    + _MEDIAN.format(key="creditor", value="apr", source="concessions"),
}


def benchmarks_sql(dialect: str, events: str) -> dict[str, str]:
    """The statements, in the order they run, for one engine and table."""
    fragments = DIALECTS[dialect] | {"events": events}
    # The templates hold literal braces only as fragments, so a two-pass format is safe.
    return {name: sql.format(**fragments) for name, sql in STATEMENTS.items()}


# --- Engines -----------------------------------------------------------------------------------
def duckdb_run(url: str) -> dict[str, list[tuple]]:
    """The statements on DuckDB over the local files at file:// `url` (no files: {})."""
    import duckdb

    root = Path(urlsplit(url).path)
    paths = sorted(str(p) for p in root.glob("agency=*/date=*/batch-*.parquet"))
    if not paths:
        return {}
    con = duckdb.connect(":memory:")
    # By name: files of schema versions 1 and 2 differ in the profile columns.
    files = con.read_parquet(paths, hive_partitioning=True, filename=True, union_by_name=True)
    files.create_view("events")
    return {
        name: con.execute(sql).fetchall()
        for name, sql in benchmarks_sql("duckdb", "events").items()
    }


def benchmarks_compute(*, url: str | None = None, engine: str | None = None) -> Benchmarks:
    """The benchmarks, computed now by `engine` (default CREDITGENIE_BENCHMARKS_ENGINE) over
    `url` (default CREDITGENIE_WAREHOUSE_URL). Reads only; raises BenchmarksUnavailable."""
    engine = engine or settings.CREDITGENIE_BENCHMARKS_ENGINE
    if engine == "athena":
        from .benchmarks_athena import athena_run

        return benchmarks_from_rows(athena_run())
    url = url or settings.CREDITGENIE_WAREHOUSE_URL
    if not url.startswith("file://"):
        raise BenchmarksUnavailable("DuckDB reads local files; an s3:// warehouse uses Athena")
    return benchmarks_from_rows(duckdb_run(url))


# --- From rows to cells -------------------------------------------------------------------------
def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _median(low: Any, high: Any) -> Decimal | None:
    if low is None or high is None:
        return None
    return (_decimal(low) + _decimal(high)) / 2


def benchmarks_from_rows(rows: dict[str, list[tuple]]) -> Benchmarks:
    """Cells from the statements' rows (typed from DuckDB, strings from Athena)."""
    minimum = settings.CREDITGENIE_BENCHMARKS_MIN_CONSUMERS
    files = int(rows["files"][0][0]) if rows else 0
    if not files:
        return Benchmarks((), Cell(None, 0), (), 0, minimum)
    counts: dict[str, dict[str, int]] = {}
    for agency, event_type, consumers in rows["funnel"]:
        counts.setdefault(agency, {})[event_type] = int(consumers)
    interest = {a: (_median(lo, hi), int(n)) for a, lo, hi, n in rows["interest"]}
    agencies = tuple(
        _agency_row(agency, counts[agency], interest.get(agency, (None, 0)), minimum)
        for agency in sorted(counts)
    )
    overall = Cell(None, 0)
    for _, low, high, consumers in rows["overall"]:
        overall = _cell(_money(_median(low, high)), int(consumers), minimum)
    creditors = tuple(
        CreditorRow(name, _cell(_money(_median(low, high)), int(n), minimum))
        for name, low, high, n in rows["creditors"]
    )
    return Benchmarks(agencies, overall, creditors, files, minimum)


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


# --- The stored result ----------------------------------------------------------------------
def _cell_json(cell: Cell) -> list:
    return [None if cell.value is None else str(cell.value), cell.consumers]


def _cell_load(raw: list, kind: type) -> Cell:
    value, consumers = raw
    return Cell(None if value is None else kind(value), consumers)


def benchmarks_to_json(bench: Benchmarks) -> dict:
    return {
        "agencies": [
            {
                "agency": row.agency,
                "funnel": [_cell_json(c) for c in row.funnel],
                "enrollment_rate": _cell_json(row.enrollment_rate),
                "median_interest_saved": _cell_json(row.median_interest_saved),
            }
            for row in bench.agencies
        ],
        "overall_median_interest_saved": _cell_json(bench.overall_median_interest_saved),
        "creditors": [[row.creditor, _cell_json(row.median_apr)] for row in bench.creditors],
        "files": bench.files,
        "min_consumers": bench.min_consumers,
    }


def benchmarks_from_json(data: dict) -> Benchmarks:
    return Benchmarks(
        agencies=tuple(
            AgencyRow(
                row["agency"],
                tuple(_cell_load(c, int) for c in row["funnel"]),
                _cell_load(row["enrollment_rate"], Decimal),
                _cell_load(row["median_interest_saved"], Decimal),
            )
            for row in data["agencies"]
        ),
        overall_median_interest_saved=_cell_load(data["overall_median_interest_saved"], Decimal),
        creditors=tuple(CreditorRow(name, _cell_load(c, Decimal)) for name, c in data["creditors"]),
        files=data["files"],
        min_consumers=data["min_consumers"],
    )


def benchmarks_refresh(*, engine: str | None = None):
    """Computes the benchmarks now and stores them (the scheduled task); returns the run."""
    from .models import BenchmarkRun

    engine = engine or settings.CREDITGENIE_BENCHMARKS_ENGINE
    bench = benchmarks_compute(engine=engine)
    return BenchmarkRun.objects.create(
        engine=engine, files=bench.files, result=benchmarks_to_json(bench)
    )


def benchmarks_latest():
    """(benchmarks, when computed, engine) of the last stored run, or None before the first."""
    from .models import BenchmarkRun

    run = BenchmarkRun.objects.order_by("-computed_at", "-pk").first()
    if run is None:
        return None
    return benchmarks_from_json(run.result), run.computed_at, run.engine
