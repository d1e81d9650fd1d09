"""Submitting an application, and the verification request it queues."""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

from celery import current_app
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_emit
from notifications.kinds import Kind
from tenants.audit.models import AuditAction

from ..errors import ApplicationIncomplete
from ..models import Application, Household, StatusChange, VerificationRequest
from ..selectors.applications import budget_for
from ..wizard.validation import first_incomplete_step
from .common import consumer_audit
from .notices import consumer_notice

VERIFICATION_TASK = "intake.verification_requested"
ZIP = re.compile(r"\d{5}(-\d{4})?")
# A broker that does not answer: two quick retries, then the sweeper queues it later.
DISPATCH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
logger = logging.getLogger("creditgenie.intake")


@transaction.atomic
def application_submit(
    *, application: Application, actor: Any, request: HttpRequest | None = None
) -> bool:
    """Sends the draft to the agency: True if this call submitted it, False if it already
    was (a double click or a retry), so it is submitted once and verified once.

    Re-validates every step from the saved data first (like django-formtools), so nothing
    posted around the wizard reaches a counselor unchecked.
    Side effects: locks the application; conditional UPDATE draft -> submitted; a
    `submitted` timeline row; one audit `update`; one `submitted` outbox event (banded
    profile); the VerificationRequest (in the same transaction, so a submission never
    exists without it: the pending-dispatch marker); after commit, one
    `intake.verification_requested` task (``verification_dispatch``); the consumer's
    "application received" notice (outbox). Raises
    ApplicationIncomplete naming the first incomplete step.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Application.Status.DRAFT:
        return False
    step = first_incomplete_step(locked)
    if step is not None:
        raise ApplicationIncomplete(_("Some answers are missing or need a look."), step)
    now = timezone.now()
    changed = Application.objects.filter(pk=locked.pk, status=Application.Status.DRAFT).update(
        status=Application.Status.SUBMITTED, submitted_at=now
    )
    if not changed:
        return False
    StatusChange.objects.create(application=locked, stage=StatusChange.Stage.SUBMITTED, at=now)
    _submitted_emit(locked)
    consumer_notice(application=locked, kind=Kind.APPLICATION_RECEIVED)
    VerificationRequest.objects.get_or_create(application=locked)  # pending-dispatch marker
    # Last: the audit append locks the chain head until commit, so concurrent
    # submissions wait on each other for as short a time as possible.
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="application",
        object_id=str(locked.public_id),
        application=locked,
        request=request,
        purpose="application submitted",
    )
    application_id = locked.pk
    transaction.on_commit(lambda: verification_dispatch(application_id=application_id))
    return True


def verification_dispatch(*, application_id: int) -> bool:
    """Queues ``intake.verification_requested``; True when the broker took it. A broker
    that cannot be reached is logged, not raised: the submission is saved and answered
    normally, and its VerificationRequest (not started) is the pending-dispatch marker
    ``verification_sweep`` queues again once the broker is back."""
    try:
        current_app.send_task(
            VERIFICATION_TASK,
            kwargs={"application_id": application_id},
            retry_policy=DISPATCH_RETRY,
        )
    except OperationalError as error:
        logger.warning(
            "verification not queued: broker unavailable, the sweeper queues it later",
            extra={"application_id": application_id, "error": type(error).__name__},
        )
        return False
    return True


def _submitted_emit(application: Application) -> None:
    """The analytics `submitted` event: the household's profile, banded by the outbox."""
    household = Household.objects.filter(application=application).first()
    analysis = budget_for(application).analysis
    unsecured = sum(
        (d.balance for d in application.debts.all() if d.balance is not None and not d.secured),
        Decimal(0),
    )
    size = household.household_size if household else None
    zip_code = household.zip_code if household else None
    profile = wf.Profile(
        birth_date=household.birth_date if household else None,
        zip_code=zip_code if zip_code and ZIP.fullmatch(zip_code) else None,
        household_size=size if size and 1 <= size <= 30 else None,
        monthly_income=analysis.gross_monthly_income if analysis else None,
        unsecured_debt=unsecured,
    )
    outbox_emit(
        event_type=wf.EventType.SUBMITTED,
        subject=wf.Subject(
            consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
        ),
        facts=wf.Submitted(profile=profile),
    )


@transaction.atomic
def verification_request_record(*, application_id: int) -> bool:
    """Records that the verification of a submitted application is under way (the task's
    first step): the VerificationRequest (written by the submit already) and the
    `verifying` timeline row; True the first time. Idempotent: a redelivered task finds
    both and changes nothing.
    """
    application = Application.objects.filter(pk=application_id).first()
    if application is None or application.status == Application.Status.DRAFT:
        return False
    VerificationRequest.objects.get_or_create(application=application)
    _change, created = StatusChange.objects.get_or_create(
        application=application, stage=StatusChange.Stage.VERIFYING
    )
    return created
