"""The intake's calls to the analytics stream (integrations.warehouse, docs/analytics.md).

Each helper runs inside its service's transaction, after the change is written, and builds
the event's facts only from closed lists, counts and the plan's figures: never a name,
contact data or free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.warehouse import facts as wf
from integrations.warehouse.errors import FactsError
from integrations.warehouse.services import outbox_emit

from ..models import Application, CounselingRequest, PlanOffer


def subject_for(application: Application) -> wf.Subject:
    """The event's subject: the consumer's id and the application's public id (hashed by
    the outbox, never stored as is)."""
    return wf.Subject(
        consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
    )


def application_started_emit(application: Application) -> None:
    language = str(application.language)
    language = language if language in wf.LANGUAGES else "en"
    outbox_emit(
        event_type=wf.EventType.APPLICATION_STARTED,
        subject=subject_for(application),
        facts=wf.ApplicationStarted(language=language),
    )


def step_completed_emit(application: Application, step: str) -> None:
    if str(step) not in wf.STEPS:
        return
    outbox_emit(
        event_type=wf.EventType.STEP_COMPLETED,
        subject=subject_for(application),
        facts=wf.StepCompleted(step=str(step)),
    )


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _concessions(snapshot: Mapping[str, Any]) -> tuple[wf.Concession, ...]:
    """``snapshot["concessions"]``: ``[{"creditor": <creditor-terms entry name>, "apr":
    "8.00"}]`` when the counselor side froze them. Only the agency's terms names belong
    there (never a credit-report creditor line); an entry the stream's check refuses is
    left out rather than failing the consumer's answer."""
    found: list[wf.Concession] = []
    entries = snapshot.get("concessions")
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping):
            continue
        try:
            found.append(
                wf.Concession(creditor=entry.get("creditor"), apr=_decimal(entry.get("apr")))
            )
        except FactsError:
            continue
    return tuple(found[:100])


def plan_terms_from_snapshot(snapshot: Mapping[str, Any]) -> wf.PlanTerms | None:
    """The plan's figures from an offer's frozen snapshot (``results`` as written by
    ``counselor.engine.snapshots.results_json``), or None when they are missing or out of range."""
    results = snapshot.get("results")
    if not isinstance(results, Mapping):
        return None
    months = results.get("months")
    saved = _decimal(results.get("interest_saved")) or Decimal(0)
    try:
        return wf.PlanTerms(
            monthly_payment=_decimal(results.get("monthly_deposit")),
            term_months=months if type(months) is int else None,
            enrolled_debt=_decimal(results.get("total_enrolled")),
            interest_saved=max(saved, Decimal(0)),
            concessions=_concessions(snapshot),
        )
    except FactsError:
        return None


def offer_accepted_emit(application: Application, offer: PlanOffer) -> None:
    """``accepted`` then ``enrolled``: accepting the offer enrolls the consumer in the plan.
    Nothing is emitted for a snapshot without usable figures."""
    plan = plan_terms_from_snapshot(offer.snapshot)
    if plan is None:
        return
    subject = subject_for(application)
    outbox_emit(event_type=wf.EventType.ACCEPTED, subject=subject, facts=wf.Accepted(plan=plan))
    outbox_emit(event_type=wf.EventType.ENROLLED, subject=subject, facts=wf.Enrolled(plan=plan))


def offer_declined_emit(application: Application, category: str) -> None:
    reason = str(category)  # plain str: the facts refuse a str subclass (TextChoices)
    reason = reason if reason in wf.DECLINE_REASONS else "other"
    outbox_emit(
        event_type=wf.EventType.DECLINED,
        subject=subject_for(application),
        facts=wf.Declined(reason=reason),
    )


def counseling_requested_emit(counseling: CounselingRequest) -> None:
    """The case is the application when there is one, else ``counseling-<public_id>``."""
    application = counseling.application
    case_ref = (
        str(application.public_id)
        if application is not None
        else f"counseling-{counseling.public_id}"
    )
    topic = str(counseling.topic)  # plain str: the facts refuse a str subclass (TextChoices)
    topic = topic if topic in wf.COUNSELING_TOPICS else "other"
    outbox_emit(
        event_type=wf.EventType.COUNSELING_REQUESTED,
        subject=wf.Subject(consumer_ref=str(counseling.consumer_id), case_ref=case_ref),
        facts=wf.CounselingRequested(topic=topic),
    )
