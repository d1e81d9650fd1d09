"""Reads of one application and its answers, scoped to what the signed-in person may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from intake.engine.budget import BudgetAnalysis, DebtPayment, Expense, Income, analyze_budget
from intake.engine.errors import DomainError

from ..models import Application, Debt, Document, Household


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
            Prefetch(
                "documents",
                queryset=Document.objects.select_related("stored_file"),
                to_attr="document_list",
            ),
        )
        .get(pk=application.pk)
    )


def application_open_for(consumer: object) -> Application | None:
    """The consumer's submitted application that is still open (anything after the
    draft but closed), newest first: where "continue my application" leads."""
    return (
        Application.objects.filter(consumer=consumer)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.CLOSED])
        .order_by("-submitted_at", "-pk")
        .first()
    )


def household_of(application: Application) -> Household | None:
    try:
        return application.household
    except Household.DoesNotExist:
        return None


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


@dataclass(frozen=True)
class StatedDebt:
    """One debt of the application as the consumer stated it or the credit report
    prefilled it (``source``); amounts are None where none was given."""

    public_id: UUID
    creditor: str
    balance: Decimal | None
    apr: Decimal | None
    minimum_payment: Decimal | None
    secured: bool
    is_housing: bool
    source: str


@dataclass(frozen=True)
class PlanFacts:
    """What a counselor's first DMP proposal is built from: the household's budget figures
    (as the engine takes them, blank amounts left out) and every debt, in order."""

    language: str
    state: str
    household_size: int
    incomes: tuple[Income, ...]
    expenses: tuple[Expense, ...]
    debts: tuple[StatedDebt, ...]


def plan_facts_for(application: Application) -> PlanFacts:
    """The application's budget figures and debts for the counselor's DMP builder, in a
    fixed number of queries (``application_with_parts``). Read only."""
    full = application_with_parts(application)
    home = household_of(full)
    return PlanFacts(
        language=full.language,
        state=(home.state if home else "") or "",
        household_size=(home.household_size if home and home.household_size else 1),
        incomes=tuple(
            Income(i.kind, i.gross, i.net, i.frequency)
            for i in full.incomes.all()
            if i.gross is not None and i.kind and i.frequency
        ),
        expenses=tuple(
            Expense(e.category, e.amount, e.frequency)
            for e in full.expenses.all()
            if e.amount is not None
        ),
        debts=tuple(
            StatedDebt(
                public_id=d.public_id,
                creditor=d.creditor,
                balance=d.balance,
                apr=d.apr,
                minimum_payment=d.minimum_payment,
                secured=d.secured,
                is_housing=d.kind == Debt.Kind.MORTGAGE,
                source=d.source,
            )
            for d in full.debts.all()
        ),
    )
