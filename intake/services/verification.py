"""What the submit-time task starts: the bureau pull (only with a live FCRA consent) and a
sync of each connected bank; then whether everything it waits for has finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.errors import ConsentMissing, failure_reason
from integrations.plaid.models import PlaidItem
from integrations.plaid.services import SYNCABLE, plaid_item_sync_queue, plaid_item_sync_rerun
from integrations.transunion.client import BureauSubject
from integrations.transunion.models import BureauPull
from integrations.transunion.services import bureau_pull_request, bureau_pull_rerun

from ..models import Application, BankConnection, Consent, Household, VerificationRequest
from ..selectors.consents import consent_is_live
from .submission import verification_dispatch

# After this long the reconciliation runs with what arrived (and flags what did not):
# longer than the vendor tasks' retry budget (8 backed-off retries, timeouts included).
VERIFICATION_WAIT = timedelta(minutes=30)
PULL_FINISHED = (BureauPull.Status.DONE, BureauPull.Status.FAILED)
_EMPTY = BureauSubject("", "", "", "", "", "", "", "")  # never sent: the pull is refused


def _subject(household: Household | None) -> BureauSubject | None:
    """Who to pull, from the "About you" answers; None when something needed is missing."""
    if household is None:
        return None
    parts = (
        household.first_name,
        household.last_name,
        household.ssn,
        household.birth_date,
        household.street,
        household.city,
        household.state,
        household.zip_code,
    )
    if not all(parts):
        return None
    return BureauSubject(
        first_name=household.first_name,
        last_name=household.last_name,
        ssn=household.ssn,
        birth_date=household.birth_date.isoformat(),
        street=household.street,
        city=household.city,
        state=household.state,
        zip_code=household.zip_code[:5],
    )


def pull_key(application: Application) -> str:
    """The bureau pull's idempotency key: one pull per application, however often asked."""
    return f"application:{application.public_id}"


@transaction.atomic
def verification_start(*, application_id: int) -> bool:
    """Starts the verification of a submitted application once: the soft pull through
    ``bureau_pull_request`` with the live FCRA consent's reference (without one the pull is
    refused there and the refusal audited), and a sync of every connected bank while the
    bank-data consent is live. True the first time; a redelivered task changes nothing
    (the row is locked and stamped; the pull's key makes a second request the same pull).

    Side effects: locks the VerificationRequest; in integrations a BureauPull (or a denied
    audit event) and queued tasks after commit; stamps ``started_at``, ``bureau_pull_id``
    and ``bureau_outcome``."""
    request = (
        VerificationRequest.objects.select_for_update()
        .select_related("application")
        .filter(application_id=application_id)
        .first()
    )
    if request is None or request.started_at is not None:
        return False
    application = request.application
    consent = application.consents.filter(
        kind=Consent.Kind.CREDIT_PULL, withdrawn_at__isnull=True
    ).first()
    subject = _subject(Household.objects.filter(application=application).first())
    if consent_is_live(application, Consent.Kind.BANK_DATA):
        for connection in _connections(application):
            plaid_item_sync_queue(item_public_id=connection.item_public_id)
    # The pull request last: its audit append locks the chain head until commit.
    if consent is None:
        try:
            bureau_pull_request(
                idempotency_key=pull_key(application),
                subject=subject or _EMPTY,
                consent_given=False,
                consent_reference="",
                actor=None,
            )
        except ConsentMissing:
            request.bureau_outcome = "no_consent"
    elif subject is None:
        request.bureau_outcome = "no_subject"
    else:
        pull = bureau_pull_request(
            idempotency_key=pull_key(application),
            subject=subject,
            consent_given=True,
            consent_reference=f"consent:{consent.public_id}",
            actor=None,
        )
        request.bureau_pull_id, request.bureau_outcome = pull.public_id, "requested"
    request.started_at = timezone.now()
    request.save(update_fields=["bureau_pull_id", "bureau_outcome", "started_at"])
    return True


def _connections(application: Application) -> list[BankConnection]:
    return list(application.bank_connections.filter(removed_at__isnull=True))


def verification_ready(*, application_id: int, now: Any = None) -> bool:
    """Whether the reconciliation can run: the pull (if any) is done or failed, and every
    connected item has finished a sync or stopped with an error (or was removed). After
    VERIFICATION_WAIT it runs anyway with what arrived."""
    request = VerificationRequest.objects.filter(application_id=application_id).first()
    if request is None or request.started_at is None:
        return True  # nothing to wait for: the reconciliation finds nothing to do
    if (now or timezone.now()) - request.started_at > VERIFICATION_WAIT:
        return True
    if request.bureau_pull_id is not None:
        status = BureauPull.objects.filter(public_id=request.bureau_pull_id).values_list(
            "status", flat=True
        )
        if status.first() not in PULL_FINISHED:
            return False
    application = request.application
    if not consent_is_live(application, Consent.Kind.BANK_DATA):
        return True
    ids = [c.item_public_id for c in _connections(application)]
    waiting = PlaidItem.objects.filter(
        public_id__in=ids, status__in=SYNCABLE, synced_at__isnull=True
    )
    return not waiting.exists()


RECONCILE_TASK = "intake.verification_reconcile"


@dataclass(frozen=True)
class FailedCheck:
    """One check that ended without data, for the counselor's case page."""

    check: str  # "Credit report", "Bank data", "Identity"
    reason: str  # plain words: "timed out", "the vendor was unavailable", ...
    rerun_available: bool  # verification_rerun would queue it again


def verification_failed_checks(*, application: Application) -> list[FailedCheck]:
    """Each failed check with its plain reason and whether "re-run" is offered: the
    bureau pull (failed), each connected bank whose sync failed, and the identity
    match when the reconciliation could not run it. Reads only."""
    request = VerificationRequest.objects.filter(application=application).first()
    if request is None:
        return []
    checks = []
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    if pull is not None and pull.status == BureauPull.Status.FAILED:
        checks.append(FailedCheck("Credit report", failure_reason(pull.error_code), True))
    ids = [c.item_public_id for c in _connections(application)]
    for item in PlaidItem.objects.filter(public_id__in=ids, status=PlaidItem.Status.FAILED):
        checks.append(FailedCheck("Bank data", failure_reason(item.error_code), True))
    identity = (request.result or {}).get("identity") or {}
    if identity.get("error_code"):
        checks.append(FailedCheck("Identity", failure_reason(identity["error_code"]), True))
    return checks


@transaction.atomic
def verification_rerun(*, application: Application, actor: Any = None) -> bool:
    """The counselor's "re-run": the failed bureau pull is queued again (same reference:
    a pull the bureau did make is found, not repeated), each failed bank sync is queued
    again, and the reconciliation runs again when they finish (which retries a failed
    identity match). False when nothing had failed.
    Side effects: pull status pending and item status ok, their tasks queued; completed_at
    cleared; the reconciliation task queued after commit."""
    request = (
        VerificationRequest.objects.select_for_update().filter(application=application).first()
    )
    if request is None or not verification_failed_checks(application=application):
        return False
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    if pull is not None and pull.status == BureauPull.Status.FAILED:
        bureau_pull_rerun(pull_public_id=pull.public_id)
    for connection in _connections(application):
        plaid_item_sync_rerun(item_public_id=connection.item_public_id)
    request.completed_at, request.started_at = None, timezone.now()
    request.save(update_fields=["completed_at", "started_at"])
    verification_reconcile_queue(application_id=application.pk)
    return True


def verification_reconcile_queue(*, application_id: int) -> None:
    """Queues the reconciliation (which waits for the pull and syncs) after commit."""
    transaction.on_commit(
        lambda: current_app.send_task(
            RECONCILE_TASK, kwargs={"application_id": application_id}, countdown=0.25
        )
    )


def verification_sweep(*, now: Any = None) -> dict[str, int]:
    """What a lost message left undone. Requested and never started past the claim lease
    (``VERIFICATION_CLAIM_TIMEOUT_SECONDS``: the broker was down at submit, or the web
    process died before it published): ``intake.verification_requested`` queued again.
    Started longer ago than VERIFICATION_WAIT and never reconciled (the reconciliation's
    message was lost with its worker or broker): the reconciliation queued again; it runs
    with what arrived. Both tasks are idempotent, so a message that was only slow costs
    one extra run. Returns how many of each."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.VERIFICATION_CLAIM_TIMEOUT_SECONDS)
    undispatched = list(
        VerificationRequest.objects.filter(
            started_at__isnull=True, created_at__lt=now - lease
        ).values_list("application_id", flat=True)
    )
    dispatched = sum(verification_dispatch(application_id=a) for a in undispatched)
    stuck = VerificationRequest.objects.filter(
        started_at__lt=now - VERIFICATION_WAIT, completed_at__isnull=True
    ).values_list("application_id", flat=True)
    for application_id in stuck:
        verification_reconcile_queue(application_id=application_id)
    return {"dispatched": dispatched, "reconciliations": len(stuck)}
