"""Shipping exactly once per file: a crash between write and mark, then a re-run, ships no
event twice; an unavailable destination keeps events queued until it returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from creditgenie.celery import app
from integrations.warehouse.models import OutboxEvent, ShipBatch
from integrations.warehouse.shipping import warehouse_ship_pending
from integrations.warehouse.tasks import warehouse_ship
from tests.integrations.warehouse.conftest import emit_many, read_all, shipped_files

pytestmark = pytest.mark.django_db(transaction=True)

# The crash is the real database refusing the mark: a trigger that fails the UPDATE which
# would set a batch to shipped, after the worker has written the file.
CRASH_TRIGGER = """
CREATE FUNCTION warehouse_test_crash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'crash between write and mark'; END $$;
CREATE TRIGGER warehouse_test_crash BEFORE UPDATE ON integrations_warehouse_shipbatch
FOR EACH ROW WHEN (NEW.status = 'shipped') EXECUTE FUNCTION warehouse_test_crash();
"""
DROP_CRASH = "DROP FUNCTION IF EXISTS warehouse_test_crash() CASCADE"


@pytest.fixture
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield


def _event_counts(root: Path) -> tuple[int, int]:
    ((total, distinct),) = read_all(root).aggregate("count(*), count(DISTINCT event_id)").fetchall()
    return total, distinct


def test_crash_between_write_and_mark_then_rerun_ships_each_event_once(warehouse, settings, worker):
    settings.CREDITGENIE_WAREHOUSE_BATCH_SIZE = 40
    settings.CREDITGENIE_WAREHOUSE_LEASE_SECONDS = 1
    emit_many(100)
    with connection.cursor() as cursor:
        cursor.execute(CRASH_TRIGGER)
    try:
        with pytest.raises(Exception, match="crash between write and mark"):
            warehouse_ship.delay().get(timeout=60)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(DROP_CRASH)
    (crashed,) = ShipBatch.objects.all()
    assert (crashed.status, crashed.event_count) == ("writing", 40)
    (first_file,) = shipped_files(warehouse)
    written = Path(first_file).read_bytes()

    time.sleep(1.2)  # the dead run's lease runs out
    assert warehouse_ship.delay().get(timeout=60) == {"batches": 3, "events": 100, "failed": False}

    crashed.refresh_from_db()
    assert (crashed.status, crashed.attempts) == ("shipped", 2)
    assert len(shipped_files(warehouse)) == 3
    assert Path(first_file).read_bytes() == written  # the same file, the same bytes
    assert _event_counts(warehouse) == (100, 100)
    assert warehouse_ship.delay().get(timeout=60) == {"batches": 0, "events": 0, "failed": False}
    assert _event_counts(warehouse) == (100, 100)


def test_unavailable_destination_keeps_events_queued_until_it_returns(warehouse, settings):
    settings.CREDITGENIE_WAREHOUSE_BATCH_SIZE = 30
    emit_many(50)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    warehouse.write_text("not a folder")  # the mount is gone: nothing can be written

    result = warehouse_ship_pending()

    assert (result.batches, result.failed) == (0, True)
    (batch,) = ShipBatch.objects.all()
    assert (batch.status, batch.last_error) == ("pending", "local:NotADirectoryError")
    assert OutboxEvent.objects.filter(shipped_batch__status="shipped").count() == 0
    assert warehouse_ship_pending().failed  # still down: still queued, no new batch
    assert ShipBatch.objects.count() == 1

    warehouse.unlink()  # it is back
    result = warehouse_ship_pending()

    assert (result.batches, result.events, result.failed) == (2, 50, False)
    assert set(ShipBatch.objects.values_list("status", flat=True)) == {"shipped"}
    assert _event_counts(warehouse) == (50, 50)
    assert ShipBatch.objects.get(pk=batch.pk).attempts == 3
