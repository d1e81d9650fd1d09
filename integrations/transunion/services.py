"""Writes of the bureau integration: pull requests, runs with reconciliation, retention.

FCRA §604(a)(2): a pull needs the consumer's written instruction. The caller (intake)
passes whether a live consent exists and its reference; without one the pull is
refused and the refusal audited. Every pull request and every report is audited.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tenants.audit.models import AuditOutcome
from tenants.audit.services import audit_record

from ..attempts import VendorAttempt, attempt_finish, claim_lease, vendor_call
from ..errors import ConsentMissing, VendorError
from . import client
from .client import BureauSubject
from .models import BureauPull, CreditReport
from .parser import CreditReportData, ReportParseError, report_parse

PURPOSE = "FCRA 604(a)(2) soft pull on the consumer's written instruction"


def _audit(*, action: str, object_type: str, object_id: str, actor: Any = None, **extra: Any):
    audit_record(
        actor=actor,
        role="system" if actor is None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=PURPOSE,
        **extra,
    )


def bureau_pull_request(
    *,
    idempotency_key: str,
    subject: BureauSubject,
    consent_given: bool,
    consent_reference: str,
    actor: Any = None,
) -> BureauPull:
    """Asks for one soft pull; the same ``idempotency_key`` returns the same pull (double
    submit → one pull). Side effects: a BureauPull (subject encrypted), an audit event,
    the ``integrations.bureau_pull`` task queued after commit.
    Raises ConsentMissing (audited as denied) without a live consent."""
    if not consent_given or not consent_reference:
        with transaction.atomic():
            _audit(
                action="create",
                object_type="credit_pull",
                object_id="",
                actor=actor,
                outcome=AuditOutcome.DENIED,
            )
        raise ConsentMissing()
    with transaction.atomic():
        pull, created = BureauPull.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "reference": uuid.uuid4().hex[:24],
                "consent_reference": consent_reference,
                "subject": json.dumps(dataclasses.asdict(subject)),
            },
        )
        if created:
            _audit(
                action="create",
                object_type="credit_pull",
                object_id=str(pull.public_id),
                actor=actor,
            )
            bureau_pull_queue(pull_id=pull.pk)
    return pull


def bureau_pull_queue(*, pull_id: int) -> None:
    """Queues the pull once the surrounding transaction commits."""
    from ..tasks import bureau_pull

    bureau_pull.delay_on_commit(pull_id=pull_id)


def bureau_pull_claim(*, pull_id: int, claim: str) -> BureauPull | None:
    """Claims a pull with a conditional UPDATE: pending, already ours (a redelivered
    message keeps its task id) or abandoned past the claim lease. None: done or not ours."""
    now = timezone.now()
    mine = Q(status=BureauPull.Status.PENDING) | Q(status=BureauPull.Status.RUNNING) & (
        Q(claimed_by=claim) | Q(claimed_at__lt=now - claim_lease())
    )
    rows = BureauPull.objects.filter(mine, pk=pull_id)
    if not rows.update(status=BureauPull.Status.RUNNING, claimed_by=claim, claimed_at=now):
        return None
    return BureauPull.objects.get(pk=pull_id)


def bureau_pull_run(*, pull: BureauPull) -> str:
    """Gets the report of a claimed pull. An earlier attempt that never answered
    (worker killed, read timeout) is reconciled first: the bureau is asked for the
    answer to our reference, and only a bureau that holds none is asked to pull again.
    Side effects: attempt rows; a CreditReport; pull status. Raises VendorError."""
    xml = _reconcile(pull) if _unresolved(pull).exists() else None
    if xml is None:
        subject = BureauSubject(**json.loads(pull.subject))
        with vendor_call(vendor="transunion", operation="credit_report", subject=pull.reference):
            xml = client.credit_report_request(reference=pull.reference, subject=subject)
    try:
        credit_report_store(pull=pull, xml=xml)
    except ReportParseError as error:
        # The same answer would come again: permanent, with the element in the message.
        raise VendorError(f"unreadable report: {error}", True, code="REPORT_UNREADABLE") from None
    return "done"


def _unresolved(pull: BureauPull):
    """Pulls that may have happened without our knowing: pending (the worker died) or
    unknown (no answer in time) and not yet reconciled."""
    unknown = Q(outcome=VendorAttempt.Outcome.UNKNOWN) & ~Q(error_code__startswith="RECONCILED")
    return VendorAttempt.objects.filter(
        Q(outcome=VendorAttempt.Outcome.PENDING) | unknown,
        vendor="transunion",
        operation="credit_report",
        subject=pull.reference,
    )


def _reconcile(pull: BureauPull) -> str | None:
    """Asks the bureau for the answer to our reference. The lost attempts stay "unknown"
    with the finding in their error code: RECONCILED_FOUND or RECONCILED_NONE."""
    with vendor_call(vendor="transunion", operation="credit_report_lookup", subject=pull.reference):
        xml = client.credit_report_lookup(reference=pull.reference)
    finding = "RECONCILED_FOUND" if xml else "RECONCILED_NONE"
    for attempt in _unresolved(pull):
        attempt_finish(attempt, outcome=VendorAttempt.Outcome.UNKNOWN, error_code=finding)
    return xml


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _row(row: Any) -> dict[str, Any]:
    return {k: _plain(v) for k, v in dataclasses.asdict(row).items()}


def report_summary(data: CreditReportData) -> dict[str, Any]:
    """What the app keeps of a report: no names, addresses, SSN or birth date. A
    score-only (model) report keeps the bureau's counts and balances instead of
    tradelines; the consumer's statements and the disputed items are kept as they are
    the consumer's own words about the file."""
    parts = (
        "tradelines",
        "collections",
        "inquiries",
        "public_records",
        "scores",
        "compliance_conditions",
    )
    credit = data.credit_summary
    return {part: [_row(row) for row in getattr(data, part)] for part in parts} | {
        "file_hit": data.summary.hit_indicator,
        "score_only": data.score_only,
        "credit_summary": _row(credit) if credit is not None else None,
        "consumer_statements": list(data.consumer_statements),
    }


@transaction.atomic
def credit_report_store(*, pull: BureauPull, xml: str) -> CreditReport:
    """Parses and stores the report (raw XML encrypted, kept TRANSUNION_REPORT_RETENTION_DAYS)
    once per pull. Side effects: CreditReport, pull done, an audit event."""
    data = report_parse(xml)
    score = data.score
    keep = timedelta(days=settings.TRANSUNION_REPORT_RETENTION_DAYS)
    report, created = CreditReport.objects.get_or_create(
        pull=pull,
        defaults={
            "raw_xml": xml,
            "hit": data.summary.hit,
            "frozen": data.summary.frozen,
            "score": score.value if score else None,
            "summary": report_summary(data),
            "retain_until": timezone.now() + keep,
        },
    )
    BureauPull.objects.filter(pk=pull.pk).update(
        status=BureauPull.Status.DONE, claimed_by="", finished_at=timezone.now(), error_code=""
    )
    if created:
        _audit(action="create", object_type="credit_report", object_id=str(report.public_id))
    return report


def bureau_pull_fail(*, pull: BureauPull, error: VendorError) -> None:
    """A permanent error, or retries used up: the counselor sees "verification failed —
    re-run". Side effects: pull status and error code."""
    BureauPull.objects.filter(pk=pull.pk).update(
        status=BureauPull.Status.FAILED,
        claimed_by="",
        error_code=error.code[:64],
        finished_at=timezone.now(),
    )


def bureau_pulls_sweep(*, now: Any = None) -> int:
    """Pulls running longer than the claim lease (the worker died, its connection
    dropped) end ``failed`` with TIMED_OUT, so "re-run" is offered; the re-run reconciles
    by reference before pulling again. Side effects: UPDATE of those pulls."""
    now = now or timezone.now()
    stale = BureauPull.objects.filter(
        status=BureauPull.Status.RUNNING, claimed_at__lt=now - claim_lease()
    )
    return stale.update(
        status=BureauPull.Status.FAILED, claimed_by="", error_code="TIMED_OUT", finished_at=now
    )


def bureau_pull_rerun(*, pull_public_id: uuid.UUID | str) -> BureauPull:
    """A counselor's re-run of a failed pull (same consent, same reference, so a pull the
    bureau did make is found, not repeated). Side effects: status pending; task queued."""
    with transaction.atomic():
        pull = BureauPull.objects.select_for_update().get(public_id=pull_public_id)
        if pull.status == BureauPull.Status.FAILED:
            pull.status, pull.error_code = BureauPull.Status.PENDING, ""
            pull.save(update_fields=["status", "error_code"])
            bureau_pull_queue(pull_id=pull.pk)
    return pull


def credit_reports_purge(*, now: Any = None) -> int:
    """Drops raw reports past their retention limit; the parsed summary stays.
    Side effects: raw_xml cleared (row by row: encrypted fields refuse bulk updates)."""
    due = CreditReport.objects.filter(retain_until__lt=now or timezone.now(), raw_xml__isnull=False)
    count = 0
    for report in due.iterator():
        report.raw_xml = None
        report.save(update_fields=["raw_xml"])
        count += 1
    return count
