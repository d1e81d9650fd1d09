"""Celery tasks of the consumer side: thin interfaces that call one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .retention import retention_purge


@shared_task(name="intake.retention_purge")
def retention_purge_task() -> dict[str, object]:
    """The daily retention sweep (CELERY_BEAT_SCHEDULE "retention-purge")."""
    run = retention_purge(now=timezone.now())
    return {"purged": run.purged, "held": run.held, "files": run.files}
