"""Deleting outbox rows whose batch was shipped long enough ago (beat: ``warehouse-purge``).

Once its batch's file is in the warehouse an event is only kept so a re-written file would
hold the same rows; after CREDITGENIE_WAREHOUSE_PURGE_DAYS it goes. The ShipBatch rows stay
(small: one per file) as the record of what was written where.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxEvent, ShipBatch

PURGE_CHUNK = 5_000
PURGE_MAX_CHUNKS = 200  # 1,000,000 rows per run at most; the next run takes the rest


def outbox_purge_shipped(
    *, now: datetime | None = None, chunk: int = PURGE_CHUNK, max_chunks: int = PURGE_MAX_CHUNKS
) -> int:
    """Deletes the outbox events of batches shipped more than PURGE_DAYS ago; the count.

    Side effects: DELETEs of at most `chunk` rows each, one transaction per chunk (short
    locks, and a crash keeps what was done). Events not yet shipped, and events of a batch
    still ``writing`` or ``pending``, are never touched.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.CREDITGENIE_WAREHOUSE_PURGE_DAYS)
    old_batches = ShipBatch.objects.filter(
        status=ShipBatch.Status.SHIPPED, shipped_at__lt=cutoff
    ).values("pk")
    deleted = 0
    for _ in range(max_chunks):
        with transaction.atomic():
            ids = list(
                OutboxEvent.objects.filter(shipped_batch__in=old_batches)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk]
            )
            if not ids:
                break
            count, _by_model = OutboxEvent.objects.filter(pk__in=ids).delete()
        deleted += count
    return deleted
