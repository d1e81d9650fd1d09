"""Reads of the consumer side, scoped to what the signed-in person may see."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from .budget import BudgetAnalysis, DebtPayment, Expense, Income, analyze_budget
from .domain_errors import DomainError
from .models import (
    Application,
    Consent,
    CounselingRequest,
    Debt,
    Household,
    Message,
    PlanOffer,
)
from .verification_selectors import (  # noqa: F401  (re-exported for the counselor side)
    verification_flags_for_consumer,
    verification_summary,
)


def get_application_for(request: HttpRequest, public_id: UUID) -> Application:
    """The application if the signed-in consumer owns it; 404 otherwise.

    A foreign or unknown application is the same 404, so its existence is not revealed.
    """
    application = Application.objects.filter(
        public_id=public_id, consumer_id=request.user.pk
    ).first()
    if application is None:
        raise Http404("No such application")
    return application


def application_with_parts(application: Application) -> Application:
    """The application with every part the wizard and portal show, in a fixed number of
    queries whatever the number of rows."""
    return (
        Application.objects.select_related("household")
        .prefetch_related(
            "incomes",
            "expenses",
            "debts",
            "consents",
            "status_changes",
            Prefetch("documents", to_attr="document_list"),
        )
        .get(pk=application.pk)
    )


def household_of(application: Application) -> Household | None:
    try:
        return application.household
    except Household.DoesNotExist:
        return None


def consent_is_live(application: Application, kind: str) -> bool:
    """Whether the consumer's consent of `kind` is given and not withdrawn. The
    verification side asks this before every credit pull (kind "credit_pull") and bank
    sync (kind "bank_data"): a withdrawn consent stops them."""
    return Consent.objects.filter(
        application=application, kind=kind, withdrawn_at__isnull=True
    ).exists()


def counseling_requests_open() -> QuerySet[CounselingRequest]:
    """The counselor queue of "talk to a counselor" requests not handled yet, oldest first
    (with or without an application: NFCC forbids requiring one)."""
    return CounselingRequest.objects.filter(handled_at__isnull=True).select_related(
        "consumer", "application"
    )


def messages_of(application: Application) -> list[Message]:
    return list(application.messages.select_related("author").order_by("created_at", "pk"))


def current_offer(application: Application) -> PlanOffer | None:
    return application.plan_offers.filter(superseded=False).first()


@dataclass(frozen=True)
class BudgetSummary:
    analysis: BudgetAnalysis | None
    problem: str = ""


def budget_for(application: Application) -> BudgetSummary:
    """The engine's monthly picture of the saved answers (blank amounts left out); uses
    the prefetched parts when `application` comes from application_with_parts."""
    home = household_of(application)
    incomes = [
        Income(i.kind, i.gross, i.net, i.frequency)
        for i in application.incomes.all()
        if i.gross is not None and i.kind and i.frequency
    ]
    expenses = [
        Expense(e.category, e.amount, e.frequency)
        for e in application.expenses.all()
        if e.amount is not None
    ]
    debts = [
        DebtPayment(d.creditor, d.minimum_payment, d.secured, d.kind == Debt.Kind.MORTGAGE)
        for d in application.debts.all()
        if d.minimum_payment is not None
    ]
    try:
        analysis = analyze_budget(
            incomes,
            expenses,
            debts,
            household_size=(home.household_size if home and home.household_size else 1),
            state=(home.state or None) if home else None,
        )
    except DomainError as exc:
        return BudgetSummary(None, exc.message)
    return BudgetSummary(analysis)
