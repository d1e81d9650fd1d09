"""Shipping the outbox to the warehouse: one Parquet file per batch, exactly once per file.

A batch row is created (``writing``, with a lease) and events are claimed for it by a
conditional UPDATE (``WHERE shipped_batch IS NULL``), so two workers never claim the same
event. The file is named after the batch id; after the write the batch is marked
``shipped``. A crash between write and mark leaves the batch ``writing``: once its lease
expires the next run writes the same events under the same name (replacing the file with
identical content) and marks it. A failing destination puts the batch back to ``pending``
and the next run tries it first. Each run first releases the held ``submitted`` events
whose generalised profile keeps their consumer among at least five (release.py).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .destinations import Destination, destination_from_settings
from .errors import DestinationUnavailable
from .models import OutboxEvent, ShipBatch
from .parquet import parquet_bytes
from .release import profiles_release

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShipResult:
    batches: int = 0
    events: int = 0
    failed: bool = False
    held: int = 0  # submitted events waiting for enough peers (release.py)


def warehouse_ship_pending(*, destination: Destination | None = None) -> ShipResult:
    """Ships every queued batch and released event, up to CREDITGENIE_WAREHOUSE_MAX_BATCHES
    batches, after releasing the held profiles that can be released (release.py).

    Side effects: profiles released, ShipBatch rows created and updated, OutboxEvent rows
    claimed, Parquet files written to the warehouse location. Stops at the first
    unavailable destination (that batch goes back to ``pending``; its events stay queued)
    and reports it.
    """
    target = destination or destination_from_settings()
    held = profiles_release().held
    shipped = events = 0
    for _ in range(settings.CREDITGENIE_WAREHOUSE_MAX_BATCHES):
        batch = batch_reclaim() or batch_claim()
        if batch is None:
            break
        try:
            batch_ship(batch, target)
        except DestinationUnavailable as exc:
            batch_release(batch, code=exc.code)
            logger.warning("warehouse destination unavailable (%s); events stay queued", exc.code)
            return ShipResult(batches=shipped, events=events, failed=True, held=held)
        shipped, events = shipped + 1, events + batch.event_count
    return ShipResult(batches=shipped, events=events, held=held)


def _lease_until() -> datetime:
    return timezone.now() + timedelta(seconds=settings.CREDITGENIE_WAREHOUSE_LEASE_SECONDS)


def batch_reclaim() -> ShipBatch | None:
    """Takes the oldest batch left ``pending`` or ``writing`` past its lease, if any.

    Side effect: a conditional UPDATE gives it a new lease token (one taker wins)."""
    stale = Q(status=ShipBatch.Status.PENDING) | Q(
        status=ShipBatch.Status.WRITING, lease_expires_at__lt=timezone.now()
    )
    for candidate in ShipBatch.objects.filter(stale).order_by("created_at")[:5]:
        token = uuid.uuid4()
        taken = ShipBatch.objects.filter(
            pk=candidate.pk, status=candidate.status, lease_token=candidate.lease_token
        ).update(
            status=ShipBatch.Status.WRITING,
            lease_token=token,
            lease_expires_at=_lease_until(),
            attempts=F("attempts") + 1,
        )
        if taken:
            return ShipBatch.objects.get(pk=candidate.pk)
    return None


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


@transaction.atomic
def batch_claim() -> ShipBatch | None:
    """A new batch of up to CREDITGENIE_WAREHOUSE_BATCH_SIZE unshipped released events of the
    oldest day (UTC) that has any, or None when there are none.

    Side effects: the batch row is created (``writing``, leased), then the events are
    claimed by ``UPDATE ... WHERE shipped_batch IS NULL``; both commit together."""
    unshipped = OutboxEvent.objects.filter(shipped_batch__isnull=True, released=True)
    first = unshipped.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    if first is None:
        return None
    day = first.astimezone(UTC).date()
    start, end = _day_bounds(day)
    batch = ShipBatch.objects.create(
        agency=settings.CREDITGENIE_TENANT, partition_date=day, lease_expires_at=_lease_until()
    )
    ids = unshipped.filter(occurred_at__gte=start, occurred_at__lt=end).order_by("pk")
    ids = ids.values("pk")[: settings.CREDITGENIE_WAREHOUSE_BATCH_SIZE]
    claimed = unshipped.filter(pk__in=ids).update(shipped_batch=batch)
    if not claimed:  # another worker took them between our read and our update
        batch.delete()
        return None
    batch.event_count = claimed
    batch.save(update_fields=["event_count"])
    return batch


def batch_object_key(batch: ShipBatch) -> str:
    """``agency=<slug>/date=<yyyy-mm-dd>/batch-<batch uuid>.parquet``: fixed by the batch."""
    return f"agency={batch.agency}/date={batch.partition_date:%Y-%m-%d}/batch-{batch.pk}.parquet"


def batch_ship(batch: ShipBatch, destination: Destination) -> None:
    """Writes the batch's file, then marks the batch shipped (only under our lease token).

    Side effects: one object written or replaced at the destination; one UPDATE. Raises
    DestinationUnavailable from the destination."""
    rows = batch.events.order_by("occurred_at", "event_id").values(
        "event_id", "event_type", "occurred_at", "schema_version", "payload"
    )
    key = batch_object_key(batch)
    destination.put(key, parquet_bytes(list(rows)))
    ShipBatch.objects.filter(
        pk=batch.pk, status=ShipBatch.Status.WRITING, lease_token=batch.lease_token
    ).update(
        status=ShipBatch.Status.SHIPPED, shipped_at=timezone.now(), object_key=key, last_error=""
    )


def batch_release(batch: ShipBatch, *, code: str) -> None:
    """Back to ``pending`` (its events stay claimed by it, so they ship with it later).

    Side effect: one conditional UPDATE recording the error code."""
    ShipBatch.objects.filter(
        pk=batch.pk, status=ShipBatch.Status.WRITING, lease_token=batch.lease_token
    ).update(status=ShipBatch.Status.PENDING, last_error=code[:60])
