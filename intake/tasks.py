"""Celery tasks of the consumer side: thin interfaces that call one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .retention import retention_purge
from .services import verification_request_record


@shared_task(name="intake.retention_purge")
def retention_purge_task() -> dict[str, object]:
    """The daily retention sweep (CELERY_BEAT_SCHEDULE "retention-purge")."""
    run = retention_purge(now=timezone.now())
    return {"purged": run.purged, "held": run.held, "files": run.files}


@shared_task(name="intake.verification_requested")
def verification_requested(*, application_id: int) -> bool:
    """Queued once after a submit commits; records the verification request (idempotent:
    a redelivered message changes nothing). The verification issue adds the work."""
    return verification_request_record(application_id=application_id)
