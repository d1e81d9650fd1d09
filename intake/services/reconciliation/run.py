"""One reconciliation run: every check, then the flags, the prefilled debts and the events."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from integrations.transunion.models import BureauPull
from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_emit

from ...models import (
    Application,
    Debt,
    Household,
    VerificationFlag,
    VerificationRequest,
)
from .bank import check_bank, check_identity
from .bureau import check_bureau
from .common import Reconciliation


def _emit(application: Application, run: Reconciliation) -> None:
    subject = wf.Subject(
        consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
    )
    for source in sorted(run.verified):
        count = sum(1 for f in run.findings if f.source == source)
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_COMPLETED,
            subject=subject,
            facts=wf.VerificationCompleted(source=source, flag_count=count),
        )
    for source, reason in sorted(set(run.failures)):
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_FAILED,
            subject=subject,
            facts=wf.VerificationFailed(source=source, reason=reason),
        )


def verification_reconcile(*, application_id: int) -> bool:
    """Compares the stated answers with the credit report and the bank data and stores the
    flags; True when it ran, False when there was nothing (left) to do. Runs once per
    verification: the completion stamp is claimed with a conditional UPDATE, so a
    redelivered task writes nothing twice.

    Side effects: one identity-match call per usable bank (attempt rows); then in one
    transaction: VerificationRequest.completed_at and result, VerificationFlag rows
    replaced, Debt rows with source ``bureau`` when none were stated, outbox events
    ``verification_completed`` / ``verification_failed``."""
    request = (
        VerificationRequest.objects.select_related("application")
        .filter(application_id=application_id, completed_at__isnull=True)
        .first()
    )
    if request is None or request.started_at is None:
        return False
    application = request.application
    household = Household.objects.filter(application=application).first()
    run = Reconciliation()
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    check_bureau(run, application, pull)
    items = check_bank(run, application)
    check_identity(run, household, items)
    with transaction.atomic():
        claimed = VerificationRequest.objects.filter(
            pk=request.pk, completed_at__isnull=True
        ).update(completed_at=timezone.now())
        if not claimed:
            return False
        request.result = run.result  # encrypted: written through save(), not update()
        request.save(update_fields=["result"])
        application.verification_flags.all().delete()
        VerificationFlag.objects.bulk_create(
            VerificationFlag(
                application=application,
                source=f.source,
                code=f.code,
                severity=f.severity,
                consumer_visible=f.consumer_visible,
                detail=f.detail[:300],
                data=f.data,
            )
            for f in run.findings
        )
        if run.prefill and not application.debts.exists():
            Debt.objects.bulk_create(run.prefill)
        _emit(application, run)
    return True
