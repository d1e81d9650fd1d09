"""Purging shipped outbox rows: only events of batches shipped more than
CREDITGENIE_WAREHOUSE_PURGE_DAYS ago go, in chunks; nothing unshipped is touched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from creditgenie.celery import app
from integrations.warehouse.models import OutboxEvent, ShipBatch
from integrations.warehouse.purge import outbox_purge_shipped
from integrations.warehouse.shipping import warehouse_ship_pending
from integrations.warehouse.tasks import warehouse_purge
from tests.integrations.warehouse.conftest import emit_many

pytestmark = pytest.mark.django_db


def _ship_three_batches(settings) -> list[ShipBatch]:
    settings.CREDITGENIE_WAREHOUSE_BATCH_SIZE = 10
    emit_many(25)
    assert warehouse_ship_pending().events == 25
    return list(ShipBatch.objects.order_by("created_at", "pk"))


def _shipped_days_ago(batch: ShipBatch, days: float) -> None:
    ShipBatch.objects.filter(pk=batch.pk).update(
        shipped_at=timezone.now() - dt.timedelta(days=days)
    )


def test_events_of_batches_shipped_more_than_purge_days_ago_are_deleted(warehouse, settings):
    settings.CREDITGENIE_WAREHOUSE_PURGE_DAYS = 30
    old, recent, last = _ship_three_batches(settings)
    assert [b.event_count for b in (old, recent, last)] == [10, 10, 5]
    _shipped_days_ago(old, 30.5)
    _shipped_days_ago(recent, 29.5)
    emit_many(4, agency_offset=100)  # queued, not shipped yet

    assert warehouse_purge.apply().get() == {"deleted": 10}

    assert OutboxEvent.objects.filter(shipped_batch=old).count() == 0
    assert OutboxEvent.objects.filter(shipped_batch=recent).count() == 10
    assert OutboxEvent.objects.filter(shipped_batch=last).count() == 5
    assert OutboxEvent.objects.filter(shipped_batch__isnull=True).count() == 4
    assert ShipBatch.objects.count() == 3  # the record of the files stays
    assert warehouse_purge.apply().get() == {"deleted": 0}


def test_the_purge_deletes_in_chunks_and_stops_at_its_limit(warehouse, settings):
    settings.CREDITGENIE_WAREHOUSE_PURGE_DAYS = 7
    batches = _ship_three_batches(settings)
    for batch in batches:
        _shipped_days_ago(batch, 8)

    with CaptureQueriesContext(connection) as queries:
        assert outbox_purge_shipped(chunk=4, max_chunks=2) == 8
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 2
    assert OutboxEvent.objects.count() == 17

    assert outbox_purge_shipped(chunk=4) == 17
    assert OutboxEvent.objects.count() == 0


def test_a_batch_not_marked_shipped_keeps_its_events_whatever_its_age(warehouse, settings):
    settings.CREDITGENIE_WAREHOUSE_PURGE_DAYS = 1
    batches = _ship_three_batches(settings)
    ShipBatch.objects.filter(pk=batches[0].pk).update(
        status=ShipBatch.Status.PENDING,
        shipped_at=None,
        created_at=timezone.now() - dt.timedelta(days=90),
    )
    ShipBatch.objects.filter(pk=batches[1].pk).update(
        status=ShipBatch.Status.WRITING, shipped_at=None
    )
    _shipped_days_ago(batches[2], 2)

    assert outbox_purge_shipped(now=timezone.now()) == 5
    assert OutboxEvent.objects.count() == 20
    assert set(OutboxEvent.objects.values_list("shipped_batch", flat=True)) == {
        batches[0].pk,
        batches[1].pk,
    }


def test_beat_runs_the_purge_daily_and_the_worker_knows_the_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["warehouse-purge"] == {
        "task": "integrations.warehouse_purge",
        "schedule": 24 * 3600,
    }
    assert settings.CREDITGENIE_WAREHOUSE_PURGE_DAYS == 30
    assert app.tasks["integrations.warehouse_purge"].name == "integrations.warehouse_purge"
