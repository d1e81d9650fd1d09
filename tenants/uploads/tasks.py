"""Celery tasks of document storage: thin interfaces that fetch by id and call a service."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

from .errors import ScannerError
from .models import StoredFile
from .scanning import stored_file_scan
from .selectors import stored_files_pending_ids

logger = logging.getLogger("creditgenie.uploads")
RESCAN_AFTER = timedelta(minutes=5)


@shared_task(
    name="uploads.stored_file_scan",
    autoretry_for=(ScannerError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=12,
)
def stored_file_scan_task(*, stored_file_id: int) -> str:
    """Scans one stored file; retried with backoff while clamd is unreachable."""
    stored_file = StoredFile.objects.filter(pk=stored_file_id).first()
    if stored_file is None:
        logger.info("could not find stored file to scan", extra={"stored_file_id": stored_file_id})
        return "missing"
    return stored_file_scan(stored_file=stored_file)


@shared_task(name="uploads.stored_files_rescan")
def stored_files_rescan_task() -> int:
    """Queues a scan for every file pending longer than RESCAN_AFTER (a lost message, a
    scanner that was down past the retries). Scheduled by CELERY_BEAT_SCHEDULE."""
    ids = stored_files_pending_ids(older_than=RESCAN_AFTER)
    for stored_file_id in ids:
        stored_file_scan_task.delay(stored_file_id=stored_file_id)
    return len(ids)
