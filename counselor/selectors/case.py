"""Reads for the case page: the summary and header every view of a case shows, and each
section's own parts, read only when that section is open. The summary costs a fixed number
of queries, and so does each section, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, QuerySet, Subquery

from counselor.models import (
    CaseAssignment,
    CaseNote,
    CaseStatusNote,
    CaseTask,
    PlanOutcome,
    ProposalVersion,
)
from counselor.selectors.proposals import proposal_for_case, proposal_version_latest
from counselor.services.offers import offer_rule
from intake.models import Application, Message
from intake.models.application import SENT, reference_normal
from intake.selectors import (
    budget_for,
    household_of,
    verification_state,
    verification_summary,
)
from intake.services.casework import CLOSE_REASONS, allowed_statuses
from intake.wizard.expenses import expense_label, expense_position
from tenants.kept import KeptPerProcess
from tenants.roles import CASEWORK_ROLES

DEFAULT_SECTION = "budget"
# The summary's verification fact, by the intake's ``verification_state``.
VERIFICATION_LABELS = {
    "not_run": "Not run",
    "running": "Running",
    "verified": "Verified",
    "failed": "Failed: re-run available",
}


def case_workers() -> QuerySet[Any]:
    """Counselors and supervisors a case can be assigned to, by username."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=CASEWORK_ROLES, is_active=True)
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class Worker:
    """A colleague as the assignment lists name them."""

    pk: int
    username: str


def _workers_read() -> tuple[Worker, ...]:
    return tuple(Worker(*row) for row in case_workers().values_list("pk", "username"))


# The colleagues the queue's and the case page's lists offer, kept per process: both pages
# show them on every request. A role granted or withdrawn, or a colleague saved, in this
# process forgets them at once (signals in apps.py); another process's copy is at most this
# many seconds old. Assigning checks the assignee against case_workers(), never this copy.
WORKERS_SHOWN_SECONDS = 30.0
workers_kept: KeptPerProcess[tuple[Worker, ...]] = KeptPerProcess(
    _workers_read, WORKERS_SHOWN_SECONDS
)


def case_workers_shown() -> tuple[Worker, ...]:
    """The colleagues to offer for assignment, from this process's copy (read again after
    ``WORKERS_SHOWN_SECONDS`` or a change to a role or to one of them)."""
    return workers_kept.get()


def case_workers_forget(**_signal: object) -> None:
    """Forgets this process's copy of the colleagues (a role granted or withdrawn)."""
    workers_kept.forget()


def case_worker_changed(instance: object, **_signal: object) -> None:
    """Forgets the copy when a user it names is saved or deleted (a new username, an
    account made inactive); other users' saves, a consumer's sign-in, keep it."""
    kept = workers_kept.peek()
    if kept is not None and any(w.pk == getattr(instance, "pk", None) for w in kept):
        workers_kept.forget()


def case_by_reference(typed: str) -> Application | None:
    """The sent application with this reference ("cg-7k3-9qx" and "7K3 9QX" read alike);
    drafts are not cases."""
    reference = reference_normal(typed)
    if reference is None:
        return None
    return Application.objects.filter(SENT, reference=reference).first()


@dataclass(frozen=True)
class CaseSummary:
    """What every view of a case shows above its open section: the summary (who, where
    the case stands, the budget's surplus or shortfall, eligibility, verification, next
    follow-up) and the assignment and status forms."""

    application: Any  # with its household, incomes, expenses and debts
    household: Any
    budget: Any
    assignment: Any
    outcome: str  # the latest saved version's eligibility outcome ("" before a plan)
    verification_state: str  # a key of VERIFICATION_LABELS
    next_follow_up: Any  # the open task due first, or None
    unread: int  # the consumer's messages no one on staff has opened

    @property
    def version(self) -> int:
        """The case's optimistic-concurrency token, for the forms."""
        return self.assignment.version if self.assignment else 0

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        """(status, label) a counselor may move the case to now (the intake's table)."""
        labels = dict(Application.Status.choices)
        return [(s, str(labels[s])) for s in allowed_statuses(self.application.status)]

    @property
    def close_reasons(self) -> list[tuple[str, str]]:
        """(reason, label) of every close reason, as the status history shows them."""
        labels = dict(CaseStatusNote._meta.get_field("close_reason").flatchoices)
        return [(reason, str(labels[reason])) for reason in CLOSE_REASONS]

    @property
    def reference(self) -> str:
        """The case reference staff and the consumer say on the phone (CG-7K3-9QX)."""
        return self.application.reference

    @property
    def outcome_label(self) -> str:
        return str(dict(PlanOutcome.choices).get(self.outcome, ""))

    @property
    def verification_label(self) -> str:
        return VERIFICATION_LABELS[self.verification_state]


def _assignment_of(application: Application) -> CaseAssignment | None:
    try:
        return application.case_assignment
    except CaseAssignment.DoesNotExist:
        return None


def case_summary(*, application: Application) -> CaseSummary:
    """The summary and header of ``application``: one read of the case with its household,
    assignment, latest eligibility outcome and verification state; its incomes, expenses
    and debts (the engine's budget, ``budget_for``); the next open task; the unread count.
    Six queries."""
    outcome = ProposalVersion.objects.filter(
        proposal__case_id=OuterRef("public_id"), number=F("proposal__version")
    ).values("outcome")[:1]
    full = (
        Application.objects.select_related("household", "case_assignment__assigned_to")
        .prefetch_related("incomes", "expenses", "debts")
        .annotate(plan_outcome=Subquery(outcome), verification=verification_state())
        .get(pk=application.pk)
    )
    return CaseSummary(
        application=full,
        household=household_of(full),
        budget=budget_for(full),
        assignment=_assignment_of(full),
        outcome=full.plan_outcome or "",
        verification_state=full.verification,
        next_follow_up=(
            CaseTask.objects.filter(application=full, done_at__isnull=True)
            .order_by("due_date", "pk")
            .first()
        ),
        unread=Message.objects.filter(
            application=full, from_staff=False, read_at__isnull=True
        ).count(),
    )


# ---- the sections: each reads its own parts (the summary's rows are read already) ------


@dataclass(frozen=True)
class VerificationPanel:
    """The verification section: the intake's ``verification_summary`` and the stated
    figures beside the verified ones."""

    summary: Any
    figures: Any = None

    @property
    def not_requested(self) -> bool:
        return self.summary.status == "not_requested"

    @property
    def running(self) -> bool:
        return self.summary.status == "running"

    @property
    def can_rerun(self) -> bool:
        """A failed bureau pull: "Re-run verification" (the intake's ``verification_rerun``)."""
        return bool(self.summary.bureau_failed)


@dataclass(frozen=True)
class DebtFigures:
    """One stated debt beside what the credit report and the bank say of it."""

    creditor: str
    stated_balance: Decimal | None
    stated_apr: Decimal | None
    report_creditor: str = ""
    report_balance: Decimal | None = None
    bank_balance: Decimal | None = None
    bank_apr: Decimal | None = None
    on_report: bool | None = None  # None: no credit report to compare with

    @property
    def balance_difference(self) -> Decimal | None:
        """Report balance minus stated balance."""
        if self.report_balance is None or self.stated_balance is None:
            return None
        return self.report_balance - self.stated_balance


@dataclass(frozen=True)
class VerificationFigures:
    """Stated vs verified figures, from the intake's ``verification_summary`` and the
    stated debts (no query of its own)."""

    income: dict[str, Decimal | None]
    debts: list[DebtFigures]
    missing: list[tuple[str, Decimal | None]]
    expenses: list[tuple[str, Decimal | None, Decimal | None, Decimal | None]]
    identity_score: int | None
    identity_minimum: int | None

    @property
    def identity_matches(self) -> bool | None:
        if self.identity_score is None or self.identity_minimum is None:
            return None
        return self.identity_score >= self.identity_minimum


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def verification_figures(summary: Any, debts: list[Any]) -> VerificationFigures | None:
    """The panel's tables (pure): income stated vs bank; each stated debt vs its matched
    tradeline (balance) and bank liability (balance, APR); tradelines nobody listed;
    expense groups stated vs observed; the identity match score. None before a completed
    verification."""
    if summary is None or summary.status != "complete":
        return None
    income = summary.income or {}
    matching = summary.matching or {}
    report_by_debt = {row.get("debt"): row for row in matching.get("matched", [])}
    card_by_debt = {
        row.get("stated_debt"): row
        for row in getattr(summary, "cards", [])
        if row.get("stated_debt")
    }
    extra = set(matching.get("extra", []))
    has_report = bool(matching)
    rows = []
    for debt in debts:
        key = str(debt.public_id)
        report, card = report_by_debt.get(key, {}), card_by_debt.get(key, {})
        rows.append(
            DebtFigures(
                creditor=debt.creditor or "",
                stated_balance=debt.balance,
                stated_apr=debt.apr,
                report_creditor=report.get("creditor", ""),
                report_balance=_money(report.get("balance")),
                bank_balance=_money(card.get("balance")),
                bank_apr=_money(card.get("apr")),
                on_report=(key not in extra) if has_report else None,
            )
        )
    expenses = []
    for group, row in sorted((summary.expenses or {}).items()):
        stated, bank = _money(row.get("stated")), _money(row.get("bank"))
        gap = bank - stated if stated is not None and bank is not None else None
        expenses.append((group, stated, bank, gap))
    identity = summary.identity or {}
    return VerificationFigures(
        income={
            "stated": _money(income.get("stated_monthly")),
            "bank": _money(income.get("bank_monthly")),
            "difference": _money(income.get("difference")),
        },
        debts=rows,
        missing=[
            (r.get("creditor", ""), _money(r.get("balance"))) for r in matching.get("missing", [])
        ],
        expenses=expenses,
        identity_score=identity.get("name_score"),
        identity_minimum=identity.get("minimum"),
    )


def _budget(case: CaseSummary) -> dict[str, Any]:
    """The expenses by category, in the wizard's order (no query: the summary's rows)."""
    categories: dict[str, list[Any]] = {}
    expenses = sorted(case.application.expenses.all(), key=lambda e: expense_position(e.category))
    for expense in expenses:
        if expense.amount is not None:
            categories.setdefault(str(expense_label(expense.category)), []).append(expense)
    return {"expenses_by_category": list(categories.items())}


def _verification(case: CaseSummary) -> dict[str, Any]:
    summary = verification_summary(case.application)
    figures = verification_figures(summary, list(case.application.debts.all()))
    return {"verification": VerificationPanel(summary, figures)}


def _debts(case: CaseSummary) -> dict[str, Any]:
    return {}  # the summary's rows (its budget reads them)


def _documents(case: CaseSummary) -> dict[str, Any]:
    application = case.application
    return {
        "documents": list(application.documents.select_related("stored_file")),
        "consents": list(application.consents.all()),
    }


def _notes_and_tasks(case: CaseSummary) -> dict[str, Any]:
    """Each note's current version with its earlier ones (newest first); the tasks, open
    ones by due date."""
    versions: dict[Any, list[Any]] = {}
    notes = CaseNote.objects.filter(application=case.application).select_related("author")
    for note in notes.order_by("created_at", "pk"):
        versions.setdefault(note.note_id, []).append(note)
    tasks = list(
        CaseTask.objects.filter(application=case.application)
        .select_related("assignee", "created_by")
        .order_by("due_date", "pk")
    )
    return {
        "notes": [(rows[-1], rows[-2::-1]) for rows in versions.values()],
        "open_tasks": [t for t in tasks if t.done_at is None],
        "done_tasks": [t for t in tasks if t.done_at is not None],
    }


def _messages(case: CaseSummary) -> dict[str, Any]:
    thread = Message.objects.filter(application=case.application).select_related("author")
    return {"thread": list(thread.order_by("created_at", "pk"))}


def _plans(case: CaseSummary) -> dict[str, Any]:
    """The proposal, what its latest saved version may do (the offer rule) and the offers
    sent, newest first."""
    application = case.application
    proposal = proposal_for_case(case_id=application.public_id)
    latest = proposal_version_latest(proposal=proposal) if proposal and proposal.version else None
    return {
        "proposal": proposal,
        "latest": latest,
        "offer_rule": offer_rule(latest) if latest else None,
        "can_send_offer": bool(latest and application.takes_new_offer),
        "offers": list(application.plan_offers.order_by("-created_at", "-pk")),
    }


def _history(case: CaseSummary) -> dict[str, Any]:
    notes = CaseStatusNote.objects.filter(application=case.application).select_related("author")
    return {"status_notes": list(notes.order_by("-created_at", "-pk"))}


SECTION_PARTS: dict[str, Callable[[CaseSummary], dict[str, Any]]] = {
    "budget": _budget,
    "verification": _verification,
    "debts": _debts,
    "documents": _documents,
    "notes-and-tasks": _notes_and_tasks,
    "messages": _messages,
    "plans": _plans,
    "history": _history,
}
# The case page's sections, in page order (their labels: views.common.SECTION_LABELS).
SECTIONS = tuple(SECTION_PARTS)


def case_section(*, case: CaseSummary, section: str) -> dict[str, Any]:
    """The open section's parts, for its template (a ``KeyError`` for an unknown one)."""
    return SECTION_PARTS[section](case)
