"""Sending a saved proposal to the consumer as a frozen offer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from counselor.engine.case_plan import offer_concessions, offer_figures
from counselor.errors import CaseError
from counselor.models import ProposalVersion
from counselor.selectors.terms import creditor_terms_table
from counselor.services.action_plan import ActionPlanDocument
from counselor.services.proposals import proposal_build_from
from intake.models import Application, PlanOffer
from intake.services import plan_offer_publish
from integrations.warehouse import facts as wf
from integrations.warehouse.errors import FactsError
from integrations.warehouse.services import outbox_emit
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import CASEWORK_ROLES


def _stream_concessions(concessions: list[dict[str, str]]) -> tuple[wf.Concession, ...]:
    """The plan's concessions for the analytics stream; a terms entry name the stream
    refuses (too long, digits like an account number) is left out, never failing the offer."""
    checked = []
    for entry in concessions:
        try:
            checked.append(wf.Concession(creditor=entry["creditor"], apr=Decimal(entry["apr"])))
        except FactsError:
            continue
    return tuple(checked)


def case_offer_send(
    *,
    application: Application,
    version: ProposalVersion,
    document: ActionPlanDocument,
    actor: Any,
    request: HttpRequest | None = None,
) -> PlanOffer:
    """Sends a saved proposal version to the consumer as an offer, frozen: the version's
    saved results (the engine's numbers) and the exact action plan document with its
    SHA-256, through the intake's ``plan_offer_publish``.

    Side effects (one transaction): earlier offers superseded, a PlanOffer, status
    offered and its timeline row, the intake's audit event (all by ``plan_offer_publish``);
    a ``plan_offered`` analytics event (outbox); one ``plan_offer`` create audit event
    naming the proposal version. Raises CaseError for a draft, an enrolled or closed case,
    or a version of another case.
    """
    if application.status == Application.Status.DRAFT:
        raise CaseError("A draft application is not a case yet.")
    if not application.takes_new_offer:
        # A new offer would supersede the signed one and set the case back to "offered".
        raise CaseError(f"This case is {application.get_status_display().lower()}: no new offer.")
    if version.proposal.case_id != application.public_id:
        raise CaseError("That proposal belongs to another case.")
    result = proposal_build_from(version.inputs)
    concessions = offer_concessions(result, creditor_terms_table())
    snapshot = {
        **offer_figures(result),
        "concessions": concessions,
        "proposal_version": version.number,
        "language": document.language,
        "document_sha256": document.sha256,
        "results": version.results,
    }
    with transaction.atomic():
        offer = plan_offer_publish(
            application=application, snapshot=snapshot, document=document.html, actor=actor
        )
        plan = wf.PlanTerms(
            monthly_payment=result.plan.monthly_deposit,
            term_months=result.plan.months,
            enrolled_debt=result.plan.total_enrolled,
            interest_saved=max(result.comparison.interest_saved or Decimal(0), Decimal(0)),
            concessions=_stream_concessions(concessions),
        )
        outbox_emit(
            event_type=wf.EventType.PLAN_OFFERED,
            subject=wf.Subject(
                consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
            ),
            facts=wf.PlanOffered(plan=plan),
        )
        audit_record(
            actor=actor,
            role=audit_role_for(actor, CASEWORK_ROLES),
            action=AuditAction.CREATE,
            object_type="plan_offer",
            object_id=str(offer.public_id),
            case_id=str(application.public_id),
            purpose=f"offer of proposal version {version.number}",
            request=request,
        )
    return offer
