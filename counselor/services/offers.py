"""Sending a saved proposal to the consumer as a frozen offer, and the one rule of what
may be offered: no plan the household's budget cannot keep (the eligibility test says
other options or budget counseling) and no plan longer than 60 months (COA), unless a
supervisor approves an exception with a written reason, which the consumer's document
then states. The document never recommends something that contradicts the offer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counselor.engine.case_plan import offer_concessions, offer_figures
from counselor.engine.eligibility import Outcome
from counselor.engine.snapshots import Json, inputs_parse
from counselor.errors import CaseError, OfferRefused
from counselor.models import OfferException, Proposal, ProposalVersion
from counselor.permissions import can_approve_offer_exceptions
from counselor.selectors.terms import creditor_terms_table
from counselor.services.action_plan import (
    LANGUAGES,
    ActionPlanDocument,
    action_plan_context,
    action_plan_render,
)
from counselor.services.proposals import proposal_build_from
from intake.models import Application, PlanOffer
from intake.services import plan_offer_publish
from integrations.warehouse import facts as wf
from integrations.warehouse.errors import FactsError
from integrations.warehouse.services import outbox_emit
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.audit.services import audit_record
from tenants.roles import CASEWORK_ROLES, Role
from tenants.selectors import agency_profile_get

MAX_PLAN_MONTHS = 60


@dataclass(frozen=True)
class OfferGround:
    """One reason the rule refuses an offer: for the counselor (``refusal``) and, once a
    supervisor approved the exception, for the consumer's document (``statement_en/_es``)."""

    code: str
    refusal: str
    statement_en: str
    statement_es: str

    def statement(self, language: str) -> str:
        return self.statement_es if language == "es" else self.statement_en


def offer_grounds(results: Json) -> tuple[OfferGround, ...]:
    """What the rule refuses in a saved version's results (its eligibility outcome and
    its length in months); empty when the plan may be offered."""
    grounds = []
    if results["outcome"] == Outcome.OTHER_OPTIONS:
        grounds.append(
            OfferGround(
                "budget",
                "The budget test says a debt management plan does not fit: the monthly"
                " deposit is more than the household has left for these debts.",
                "The plan's monthly deposit is more than your budget leaves for these debts"
                " today, so it will be hard to keep unless your income rises or your expenses"
                " fall.",
                "El depósito mensual del plan es mayor que lo que su presupuesto deja hoy para"
                " estas deudas, así que será difícil cumplirlo a menos que sus ingresos suban o"
                " sus gastos bajen.",
            )
        )
    elif results["outcome"] == Outcome.BUDGET_COUNSELING:
        grounds.append(
            OfferGround(
                "budget",
                "The budget test says a debt management plan is not needed: the budget"
                " already covers every minimum payment.",
                "Your budget already covers the minimum payments on these debts, so you do not"
                " need a debt management plan to pay them.",
                "Su presupuesto ya cubre los pagos mínimos de estas deudas, así que no necesita"
                " un plan de manejo de deudas para pagarlas.",
            )
        )
    months = int(results["months"])
    if months > MAX_PLAN_MONTHS:
        grounds.append(
            OfferGround(
                "term",
                f"The plan runs {months} months, more than {MAX_PLAN_MONTHS}.",
                f"This plan runs {months} months, longer than the usual limit of"
                f" {MAX_PLAN_MONTHS} months.",
                f"Este plan dura {months} meses, más que el límite habitual de"
                f" {MAX_PLAN_MONTHS} meses.",
            )
        )
    return tuple(grounds)


@dataclass(frozen=True)
class OfferRule:
    """The rule applied to one saved version: its grounds for refusal and the supervisor's
    exception, if one was approved. Pages and the document read it; only this module
    decides."""

    grounds: tuple[OfferGround, ...]
    exception: OfferException | None

    @property
    def needs_approval(self) -> bool:
        return bool(self.grounds) and self.exception is None

    @property
    def may_send(self) -> bool:
        return not self.needs_approval

    @property
    def refusals(self) -> tuple[str, ...]:
        return tuple(ground.refusal for ground in self.grounds)

    def situation(self, reasons: tuple[str, ...], language: str) -> tuple[str, ...]:
        """The document's "Your situation": the eligibility test's reasons when the plan
        fits; otherwise its first finding (what is left each month), the grounds in plain
        words and the supervisor's exception, never the test's recommendation of another
        option, which would contradict the plan offered."""
        if not self.grounds:
            return reasons
        lines = [reasons[0], *(ground.statement(language) for ground in self.grounds)]
        if self.exception is not None:
            lines.append(_exception_statement(self.exception.reason, language))
        return tuple(lines)


def _exception_statement(reason: str, language: str) -> str:
    if language == "es":
        return (
            "Un supervisor de la agencia revisó este plan y lo aprobó como excepción. El motivo,"
            f" en sus palabras: “{reason}”."
        )
    return (
        "A supervisor at the agency reviewed this plan and approved it as an exception. The"
        f" reason, in their words: “{reason}”."
    )


def offer_rule(version: ProposalVersion) -> OfferRule:
    """The rule for a saved version (one read: its exception). No side effects."""
    grounds = offer_grounds(version.results)
    if not grounds:
        return OfferRule(grounds, None)
    exceptions = OfferException.objects.filter(version=version).select_related("approved_by")
    return OfferRule(grounds, exceptions.first())


def offer_document(
    *, proposal: Proposal, version: ProposalVersion, language: str = ""
) -> tuple[dict[str, object], ActionPlanDocument]:
    """The written action plan of a saved version as the consumer would receive it
    (context and rendered document), in ``language`` or the inputs' language; the offer
    freezes this exact document.

    No side effects (reads: the agency profile, the terms table and fee schedule, the
    version's exception)."""
    parsed = inputs_parse(version.inputs)
    language = language or parsed.language
    language = language if language in LANGUAGES else "en"
    result = proposal_build_from(version.inputs)
    profile = agency_profile_get()
    context = action_plan_context(
        result=result,
        inputs=parsed,
        agency_name=profile.name if profile else "",
        case_id=proposal.case.reference,
        version=version.number,
        language=language,
        reasons=offer_rule(version).situation(result.assessment.reasons(language), language),
    )
    return context, action_plan_render(context)


@transaction.atomic
def offer_exception_approve(
    *, version: ProposalVersion, reason: str, actor: Any, request: HttpRequest | None = None
) -> OfferException:
    """A supervisor approves sending ``version`` although the rule refuses it.

    Side effects: inserts an OfferException naming the grounds; one ``offer_exception``
    create audit event (ids and a fixed phrase, never the reason). Raises CaseError for
    anyone but a supervisor, an empty reason, a version the rule does not refuse, or one
    already approved.
    """
    if not can_approve_offer_exceptions(actor):
        raise CaseError("Only a supervisor can approve an exception.")
    reason = reason.strip()
    if not reason:
        raise CaseError("Write the reason for the exception; the consumer's document states it.")
    grounds = offer_grounds(version.results)
    if not grounds:
        raise CaseError("This plan fits the rules; it needs no exception.")
    try:
        with transaction.atomic():
            exception = OfferException.objects.create(
                version=version,
                grounds=[ground.code for ground in grounds],
                reason=reason,
                approved_by=actor,
                approved_at=timezone.now(),
            )
    except IntegrityError:
        raise CaseError("An exception for this version was approved already.") from None
    audit_record(
        actor=actor,
        role=Role.SUPERVISOR,
        action=AuditAction.CREATE,
        object_type="offer_exception",
        object_id=str(exception.public_id),
        case_id=str(version.proposal.case_id),
        purpose=f"offer exception for proposal version {version.number}",
        request=request,
    )
    return exception


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
    actor: Any,
    request: HttpRequest | None = None,
) -> PlanOffer:
    """Sends a saved proposal version to the consumer as an offer, frozen: the version's
    saved results (the engine's numbers) and the exact action plan document
    (:func:`offer_document`) with its SHA-256, through the intake's ``plan_offer_publish``.

    Side effects (one transaction): earlier offers superseded, a PlanOffer, status
    offered and its timeline row, the intake's audit event (all by ``plan_offer_publish``);
    a ``plan_offered`` analytics event (outbox); one ``plan_offer`` create audit event
    naming the proposal version. Raises CaseError for a draft, an enrolled or closed case,
    or a version of another case; OfferRefused, with the reasons, for a plan the rule
    refuses and no supervisor approved (nothing is sent).
    """
    if application.status == Application.Status.DRAFT:
        raise CaseError("A draft application is not a case yet.")
    if not application.takes_new_offer:
        # A new offer would supersede the signed one and set the case back to "offered".
        raise CaseError(f"This case is {application.get_status_display().lower()}: no new offer.")
    if version.proposal.case_id != application.public_id:
        raise CaseError("That proposal belongs to another case.")
    result = proposal_build_from(version.inputs)
    rule = offer_rule(version)
    if not rule.may_send:
        raise OfferRefused(
            "Not sent: this plan needs a supervisor's approval. "
            + " ".join((*rule.refusals, *result.assessment.reasons("en")))
        )
    _context, document = offer_document(proposal=version.proposal, version=version)
    # The same numbers in every language, frozen together: the consumer reads (and signs)
    # the plan in the language of the page.
    renderings = {
        language: {"html": rendered.html, "sha256": rendered.sha256}
        for language, rendered in (
            (code, offer_document(proposal=version.proposal, version=version, language=code)[1])
            for code in LANGUAGES
        )
    }
    concessions = offer_concessions(result, creditor_terms_table())
    snapshot = {
        **offer_figures(result),
        "concessions": concessions,
        "proposal_version": version.number,
        "language": document.language,
        "document_sha256": document.sha256,
        "renderings": renderings,
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
