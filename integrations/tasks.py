"""Celery tasks of the integrations: thin, named, keyword ids, idempotent by claiming.

Each task fetches its own record by id, claims it with a conditional UPDATE (the claim
is the Celery task id, which a redelivered message keeps), calls one service and
returns. One rule for every exception: a transient vendor error or a dropped database
connection is retried (``TransientVendorError``, exponential backoff with jitter); a
permanent vendor error, anything unexpected, or the last retry is recorded on the
record with its code ("failed — re-run"). Nothing is left pending or running: what a
killed worker leaves claimed, ``verification_sweep`` ends after the claim lease.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.db import DatabaseError, close_old_connections

from .attempts import attempts_sweep, claim_lease
from .errors import TransientVendorError, VendorError
from .plaid import services as plaid
from .transunion import services as bureau
from .transunion.models import BureauPull

logger = logging.getLogger("creditgenie.integrations")
RETRY = {
    "autoretry_for": (TransientVendorError,),
    "retry_backoff": 1,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}
BUSY_COUNTDOWN = 5


def _transient(task: Task, error: VendorError) -> TransientVendorError | None:
    """The error to raise for a retry, or None when the retries are used up."""
    if task.request.retries >= task.max_retries:
        return None
    return TransientVendorError(str(error), False, code=error.code, request_id=error.request_id)


def vendor_error_of(error: Exception) -> VendorError:
    """Any exception as a VendorError: a dropped database connection is transient (the
    next try gets a new one), anything else unexpected is permanent."""
    if isinstance(error, VendorError):
        return error
    if isinstance(error, DatabaseError):
        close_old_connections()
        return VendorError(f"database error ({type(error).__name__})", False, code="DATABASE")
    logger.exception("unexpected error in a verification task")
    return VendorError(f"unexpected {type(error).__name__}", True, code="UNEXPECTED")


@shared_task(bind=True, name="integrations.plaid_item_sync", **RETRY)
def plaid_item_sync(self: Task, *, item_public_id: str) -> str:
    """Refreshes one Plaid item: balances, transactions, liabilities."""
    item = plaid.plaid_item_sync_claim(item_public_id=item_public_id, claim=self.request.id)
    if item is None:
        if not plaid.PlaidItem.objects.filter(
            public_id=item_public_id, status__in=plaid.SYNCABLE
        ).exists():
            logger.info("could not find a syncable plaid item", extra={"item": item_public_id})
            return "skipped"
        raise self.retry(countdown=BUSY_COUNTDOWN)  # another worker is syncing it
    try:
        plaid.plaid_item_refresh(item=item)
    except Exception as raised:  # one rule for every exception (module docstring)
        error = vendor_error_of(raised)
        retry = None if error.permanent else _transient(self, error)
        if retry is None:
            plaid.plaid_item_sync_release(item=item, claim=self.request.id, synced=False)
            return plaid.plaid_item_error_record(item=item, error=error)
        raise retry from None
    plaid.plaid_item_sync_release(item=item, claim=self.request.id, synced=True)
    return "synced"


@shared_task(bind=True, name="integrations.bureau_pull", **RETRY)
def bureau_pull(self: Task, *, pull_id: int) -> str:
    """Gets the credit report of one BureauPull, reconciling a lost answer first."""
    pull = bureau.bureau_pull_claim(pull_id=pull_id, claim=self.request.id)
    if pull is None:
        logger.info("bureau pull not claimable", extra={"pull_id": pull_id})
        return "skipped"
    try:
        return bureau.bureau_pull_run(pull=pull)
    except Exception as raised:  # one rule for every exception (module docstring)
        error = vendor_error_of(raised)
        retry = None if error.permanent else _transient(self, error)
        if retry is None:
            bureau.bureau_pull_fail(pull=pull, error=error)
            return BureauPull.Status.FAILED
        raise retry from None


@shared_task(name="integrations.credit_reports_purge")
def credit_reports_purge() -> int:
    """Drops raw credit reports past their retention limit (scheduled daily)."""
    return bureau.credit_reports_purge()


@shared_task(name="integrations.verification_sweep")
def verification_sweep() -> dict[str, int]:
    """Ends what a killed worker or a dropped connection left claimed past the lease:
    vendor attempts (unknown, TIMED_OUT), bureau pulls and bank syncs (failed, TIMED_OUT,
    "re-run" offered). Scheduled every VERIFICATION_SWEEP_SECONDS."""
    return {
        "attempts": attempts_sweep(older_than=claim_lease()),
        "pulls": bureau.bureau_pulls_sweep(),
        "syncs": plaid.plaid_items_sweep(),
    }
