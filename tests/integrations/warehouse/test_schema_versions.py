"""Files of schema 1 (before the generalised profile) and schema 2 side by side: the front
door's benchmarks read both, matching columns by name."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from integrations.warehouse import facts as f
from integrations.warehouse.parquet import ARROW_SCHEMA
from integrations.warehouse.shipping import warehouse_ship_pending
from tenants.benchmarks import FUNNEL, benchmarks_compute
from tests.integrations.warehouse.conftest import AT, peers_emit, shipped_files

pytestmark = pytest.mark.django_db

ADDED_IN_2 = ("profile_level", "state", "region")


def test_benchmarks_read_files_of_both_schema_versions(warehouse):
    peers_emit(f.Profile(zip_code="30318"), 5)
    assert warehouse_ship_pending().events == 5
    (new,) = shipped_files(warehouse)
    old_schema = pa.schema([field for field in ARROW_SCHEMA if field.name not in ADDED_IN_2])
    row = dict.fromkeys(old_schema.names) | {
        "event_id": "00000000-0000-4000-8000-000000000001",
        "event_type": "submitted",
        "occurred_hour": AT.replace(minute=0, second=0),
        "schema_version": 1,
        "consumer_pid": "0" * 64,
        "case_pid": "1" * 64,
        "zip3": "303",
    }
    old = new.rsplit("/", 1)[0] + "/batch-zzzz-schema-1.parquet"  # read after the new one
    pq.write_table(pa.Table.from_pylist([row], schema=old_schema), old)
    assert pq.read_schema(new).names[4] == "profile_level"

    result = benchmarks_compute(url=f"file://{warehouse}")

    (agency,) = result.agencies
    assert agency.funnel[FUNNEL.index("submitted")].consumers == 6
    assert result.files == 2
    assert dt.date(2026, 3, 14).isoformat() in new
