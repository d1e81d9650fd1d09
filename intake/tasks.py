"""Celery tasks of the consumer side: thin interfaces that call one service."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import DatabaseError
from django.utils import timezone

from integrations.errors import TransientVendorError, VendorError

from .services import verification_request_record
from .services.bank import bank_connections_remove
from .services.offer_expiry import offers_remind_and_expire
from .services.reconciliation import verification_reconcile
from .services.retention import retention_purge
from .services.verification import verification_ready, verification_start, verification_sweep

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}
POLL_SECONDS = 0.25
FAST_POLLS = 120  # 30 s of quick polls
SLOW_POLL_SECONDS = 5


@shared_task(name="intake.retention_purge")
def retention_purge_task() -> dict[str, object]:
    """The daily retention sweep (CELERY_BEAT_SCHEDULE "retention-purge")."""
    run = retention_purge(now=timezone.now())
    return {"purged": run.purged, "held": run.held, "deferred": run.deferred, "files": run.files}


@shared_task(name="intake.verification_requested", **RELIABLE)
def verification_requested(*, application_id: int) -> bool:
    """Queued once after a submit commits (again by the sweeper when the broker was down):
    records that it is under way (the `verifying` timeline row), starts the bureau pull and
    the bank syncs (verification_start, once) and queues the reconciliation. A
    redelivered message changes nothing."""
    created = verification_request_record(application_id=application_id)
    verification_start(application_id=application_id)
    verification_reconcile_task.apply_async(
        kwargs={"application_id": application_id}, countdown=POLL_SECONDS
    )
    return created


@shared_task(
    bind=True,
    name="intake.verification_reconcile",
    max_retries=None,
    autoretry_for=(DatabaseError,),  # a dropped connection: the next try gets a new one
    retry_backoff=1,
    retry_backoff_max=60,
    **RELIABLE,
)
def verification_reconcile_task(self: Task, *, application_id: int) -> bool:
    """Waits (short countdowns) until the pull and syncs have finished, then reconciles
    once (verification_ready bounds the wait by VERIFICATION_WAIT). A vendor failure
    inside degrades one check (the reconciliation's rule), never the task."""
    if not verification_ready(application_id=application_id):
        # Quick polls for the usual few seconds, then slower while a vendor is down.
        slow = self.request.retries >= FAST_POLLS
        raise self.retry(countdown=SLOW_POLL_SECONDS if slow else POLL_SECONDS)
    return verification_reconcile(application_id=application_id)


@shared_task(
    bind=True,
    name="intake.bank_connections_remove",
    autoretry_for=(TransientVendorError,),
    retry_backoff=1,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    **RELIABLE,
)
def bank_connections_remove_task(self: Task, *, application_id: int) -> int:
    """The bank-data consent was withdrawn: removes the application's items at Plaid."""
    try:
        return bank_connections_remove(application_id=application_id)
    except VendorError as error:
        if error.permanent:
            raise
        raise TransientVendorError(str(error), False, code=error.code) from None


@shared_task(name="intake.verification_sweep")
def verification_sweep_task() -> dict[str, int]:
    """Queues again verifications never started (the broker was down at submit) and
    reconciliations left undone past VERIFICATION_WAIT (beat, with
    ``integrations.verification_sweep``)."""
    return verification_sweep()


@shared_task(name="intake.offers_remind_and_expire")
def offers_remind_and_expire_task() -> dict[str, int]:
    """Beat (hourly): the reminder and the expiry of unanswered plan offers."""
    sweep = offers_remind_and_expire(now=timezone.now())
    return {"reminded": sweep.reminded, "expired": sweep.expired}
