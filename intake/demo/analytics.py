"""The analytics events of the demo applications (docs/analytics.md), so the front door's
/platform/benchmarks/ shows the demo agencies once their outbox is shipped.

The demo writes its rows in bulk, bypassing the services that emit events, so the events
their stories imply are emitted here, in the seed's transaction: started, the steps done,
submitted (the household's banded profile, as application_submit emits it), a verification,
an offer and its answer, a closure, the "talk to a counselor" requests. Plan figures are
made up from the demo debts (the demo has no sent offers); concessions name card issuers as
an agency's terms table would. Deterministic: each application's own generator.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_batched, outbox_emit

from ..models import Application, CounselingRequest
from ..services.analytics import (
    application_started_emit,
    counseling_requested_emit,
    offer_declined_emit,
    step_completed_emit,
    subject_for,
)
from ..services.submission import _submitted_emit

S = Application.Status
PAST_SUBMITTED = (S.SUBMITTED, S.IN_REVIEW, S.OFFERED, S.ENROLLED, S.DECLINED, S.CLOSED)
OFFERED = (S.OFFERED, S.ENROLLED, S.DECLINED)
# A demo agency's negotiated card APRs, by issuer (as its creditor-terms table names them).
DEMO_CONCESSIONS = {
    "Chase": Decimal("9.90"),
    "Capital One": Decimal("14.90"),
    "Discover": Decimal("7.90"),
    "Citibank": Decimal("9.90"),
    "Bank of America": Decimal("8.00"),
    "Wells Fargo": Decimal("9.90"),
    "Barclays": Decimal("8.90"),
    "Synchrony Bank": Decimal("9.90"),
}


def _issuer(creditor: str) -> str:
    return creditor.split(" (")[0]


def _plan(application: Application) -> wf.PlanTerms | None:
    debts = [d for d in application.debts.all() if d.balance and not d.secured]
    enrolled = sum((d.balance for d in debts), Decimal(0))
    if not enrolled:
        return None
    issuers = sorted({_issuer(d.creditor) for d in debts} & DEMO_CONCESSIONS.keys())
    return wf.PlanTerms(
        monthly_payment=(enrolled * Decimal("0.028")).quantize(Decimal("0.01")),
        term_months=54,
        enrolled_debt=enrolled,
        interest_saved=(enrolled * Decimal("0.31")).quantize(Decimal("0.01")),
        concessions=tuple(wf.Concession(creditor=i, apr=DEMO_CONCESSIONS[i]) for i in issuers),
    )


def _application_events(application: Application) -> None:
    rng = random.Random(application.public_id.int)  # noqa: S311  (demo data, not secrets)
    application_started_emit(application)
    for step in application.completed_steps:
        step_completed_emit(application, step)
    if application.status not in PAST_SUBMITTED:
        return
    _submitted_emit(application)
    subject = subject_for(application)
    if rng.random() < 0.85:
        flags = rng.randrange(4)
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_COMPLETED,
            subject=subject,
            facts=wf.VerificationCompleted(source="bureau", flag_count=flags),
        )
    else:
        outbox_emit(
            event_type=wf.EventType.VERIFICATION_FAILED,
            subject=subject,
            facts=wf.VerificationFailed(source="bureau", reason="no_hit"),
        )
    plan = _plan(application)
    if application.status in OFFERED and plan is not None:
        outbox_emit(
            event_type=wf.EventType.PLAN_OFFERED, subject=subject, facts=wf.PlanOffered(plan=plan)
        )
        if application.status == S.ENROLLED:
            for kind, facts in (
                (wf.EventType.ACCEPTED, wf.Accepted(plan=plan)),
                (wf.EventType.ENROLLED, wf.Enrolled(plan=plan)),
            ):
                outbox_emit(event_type=kind, subject=subject, facts=facts)
        elif application.status == S.DECLINED:
            offer_declined_emit(application, rng.choice(wf.DECLINE_REASONS))
    if application.status == S.CLOSED:
        outbox_emit(
            event_type=wf.EventType.CLOSED,
            subject=subject,
            facts=wf.Closed(
                reason=rng.choice(("withdrawn", "ineligible", "inactive")), months_enrolled=0
            ),
        )


def demo_events_emit(
    applications: Iterable[Application], requests: Iterable[CounselingRequest]
) -> None:
    """The demo's analytics events; nothing when the stream is off (no analytics key).

    Side effects: outbox rows, in the caller's transaction (or one of their own)."""
    if not settings.CREDITGENIE_ANALYTICS_KEY:
        return
    with transaction.atomic(), outbox_batched():
        for application in applications:
            _application_events(application)
        for request in requests:
            counseling_requested_emit(request)
