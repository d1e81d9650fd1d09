"""Vendor attempts: one row per outside call, written before the call and updated after.

The row written first (outcome ``pending``) is what makes a call that never returned
visible: a worker killed mid-call or a read timeout leaves ``pending``/``unknown``, and
the next run reconciles before calling again (SECURITY.md, reliability promises).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, models
from django.utils import timezone

from .errors import VendorError, VendorTimeout


class Vendor(models.TextChoices):
    PLAID = "plaid", "Plaid"
    TRANSUNION = "transunion", "TransUnion"


class VendorAttempt(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        OK = "ok", "OK"
        TRANSIENT = "transient", "Transient error"
        PERMANENT = "permanent", "Permanent error"
        UNKNOWN = "unknown", "Unknown (no answer)"

    vendor = models.CharField(max_length=16, choices=Vendor.choices)
    operation = models.CharField(max_length=64)
    # What the call was about: a Plaid item id or a bureau pull reference. Never PII.
    subject = models.CharField(max_length=64, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    error_code = models.CharField(max_length=64, blank=True)

    class Meta:
        app_label = "integrations"
        indexes = [models.Index(fields=["vendor", "operation", "outcome"])]

    def __str__(self) -> str:
        return f"{self.vendor} {self.operation} {self.outcome}"


def claim_lease() -> timedelta:
    """How long a pull, a sync or a call may stay claimed before it counts as abandoned."""
    return timedelta(seconds=settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS)


def _outcome_of(error: VendorError) -> str:
    if isinstance(error, VendorTimeout):
        return VendorAttempt.Outcome.UNKNOWN
    return VendorAttempt.Outcome.PERMANENT if error.permanent else VendorAttempt.Outcome.TRANSIENT


def attempt_finish(
    attempt: VendorAttempt, *, outcome: str, request_id: str = "", error_code: str = ""
) -> None:
    """Records how one call ended. Side effects: one UPDATE of the attempt row."""
    attempt.finished_at = timezone.now()
    attempt.duration_ms = int((attempt.finished_at - attempt.started_at).total_seconds() * 1000)
    attempt.outcome, attempt.request_id, attempt.error_code = outcome, request_id, error_code[:64]
    attempt.save(
        update_fields=["finished_at", "duration_ms", "outcome", "request_id", "error_code"]
    )


@contextmanager
def vendor_call(*, vendor: str, operation: str, subject: str) -> Iterator[VendorAttempt]:
    """Writes a pending attempt (committed on its own unless the caller holds a
    transaction), yields it, then records ok or the VendorError's outcome and re-raises.
    Any other exception (a bug, a parser surprise) ends the attempt as permanent
    ``UNEXPECTED`` and is raised as a permanent VendorError naming the operation, so no
    row stays pending; a database error is raised as it is (the row cannot be written:
    the sweeper ends it after its timeout).

    The caller may set ``attempt.request_id`` from the vendor's answer before leaving.
    """
    attempt = VendorAttempt.objects.create(vendor=vendor, operation=operation, subject=subject[:64])
    try:
        yield attempt
    except VendorError as error:
        attempt_finish(
            attempt, outcome=_outcome_of(error), request_id=error.request_id, error_code=error.code
        )
        raise
    except DatabaseError:
        raise
    except Exception as error:
        attempt_finish(attempt, outcome=VendorAttempt.Outcome.PERMANENT, error_code="UNEXPECTED")
        message = f"{vendor} {operation}: unexpected {type(error).__name__}"
        raise VendorError(message, True, code="UNEXPECTED") from error
    attempt_finish(attempt, outcome=VendorAttempt.Outcome.OK, request_id=attempt.request_id)


def attempts_sweep(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Ends attempts left pending longer than ``older_than`` (the worker died, the
    connection dropped): outcome ``unknown`` with code TIMED_OUT, since the call may
    have reached the vendor (a bureau pull reconciles it by reference before calling
    again). Side effects: UPDATE of those rows. Returns how many."""
    now = now or timezone.now()
    stale = VendorAttempt.objects.filter(
        outcome=VendorAttempt.Outcome.PENDING, started_at__lt=now - older_than
    )
    return stale.update(
        outcome=VendorAttempt.Outcome.UNKNOWN, error_code="TIMED_OUT", finished_at=now
    )
