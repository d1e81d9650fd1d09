"""Celery interface of the warehouse stream (scheduled by beat, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from .purge import outbox_purge_shipped


@shared_task(name="integrations.warehouse_ship")
def warehouse_ship() -> dict[str, int | bool]:
    """Ships queued analytics events as Parquet files (shipping.warehouse_ship_pending).

    Safe to run at any time and in parallel: batches are claimed by conditional updates and
    a batch's file name is its id. An unavailable destination is reported, not raised:
    the events stay queued and the next scheduled run ships them.
    """
    # Shipping brings pyarrow, numpy and boto3 (about 90 MB): loaded by the worker that runs
    # this task, not by every web process that imports the task list at startup.
    from .shipping import warehouse_ship_pending

    result = warehouse_ship_pending()
    return {"batches": result.batches, "events": result.events, "failed": result.failed}


@shared_task(name="integrations.warehouse_purge")
def warehouse_purge() -> dict[str, int]:
    """Deletes outbox events whose batch was shipped more than
    CREDITGENIE_WAREHOUSE_PURGE_DAYS ago, in chunks (purge.outbox_purge_shipped)."""
    return {"deleted": outbox_purge_shipped()}
