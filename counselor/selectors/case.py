"""Reads for the case page: the case with its parts, the verification figures beside what was
stated, and the colleagues a case can go to. A fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    QuerySet,
)

from counselor.models import (
    CaseAssignment,
    CaseNote,
    CaseStatusNote,
    CaseTask,
    Proposal,
)
from intake import selectors as intake_selectors
from intake.models import Application, Message
from intake.models.application import SENT, reference_normal
from intake.selectors import (
    application_with_parts,
    budget_for,
    household_of,
)
from intake.services.casework import CLOSE_REASONS, allowed_statuses
from intake.wizard.expenses import expense_label, expense_position
from tenants.kept import KeptPerProcess
from tenants.roles import CASEWORK_ROLES


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
class CaseView:
    """Everything the case page shows, read in a fixed number of queries."""

    application: Any
    household: Any
    budget: Any
    expenses_by_category: list[tuple[str, Any]]
    assignment: Any
    offers: list[Any]
    verification: Any
    notes: list[tuple[Any, list[Any]]]
    proposal: Any = None
    status_notes: list[Any] = field(default_factory=list)
    tasks: list[Any] = field(default_factory=list)
    messages: list[Any] = field(default_factory=list)
    figures: Any = None

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
    def next_follow_up(self) -> Any:
        """The open task due first (tasks come ordered by due date), or None."""
        return self.open_tasks[0] if self.open_tasks else None

    @property
    def verification_label(self) -> str:
        if self.can_rerun_verification:
            return "Failed: re-run available"
        labels = {"not_requested": "Not run", "running": "Running", "complete": "Verified"}
        return labels.get(self.verification_state, self.verification_state)

    @property
    def open_tasks(self) -> list[Any]:
        return [t for t in self.tasks if t.done_at is None]

    @property
    def done_tasks(self) -> list[Any]:
        return [t for t in self.tasks if t.done_at is not None]

    @property
    def can_send_offer(self) -> bool:
        """A saved proposal version, and a case that takes a new offer (the rule
        ``case_offer_send`` applies)."""
        return bool(self.proposal and self.proposal.version and self.application.takes_new_offer)

    @property
    def verification_state(self) -> str:
        """ "not_requested", "running" or "complete" (no summary yet is "not_requested")."""
        return self.verification.status if self.verification is not None else "not_requested"

    @property
    def verification_not_requested(self) -> bool:
        return self.verification_state == "not_requested"

    @property
    def verification_running(self) -> bool:
        return self.verification_state == "running"

    @property
    def can_rerun_verification(self) -> bool:
        """A failed bureau pull: "Re-run verification" (the intake's ``verification_rerun``)."""
        return bool(self.verification is not None and self.verification.bureau_failed)


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


def _verification(application: Application) -> Any:
    """The intake's verification summary when it exposes one (``verification_summary`` in
    ``intake.selectors``, the verification issue), else None: the panel then says "not yet
    verified"."""
    summary = getattr(intake_selectors, "verification_summary", None)
    return summary(application) if summary is not None else None


def case_view(*, application: Application) -> CaseView:
    """The case with its parts (intake's ``application_with_parts``), the engine's budget
    analysis (``budget_for``), its assignment and its offers (newest first).

    Verification: the intake's summary when it has one (``_verification``).
    """
    full = application_with_parts(application)
    budget = budget_for(full)
    categories: dict[str, Any] = {}
    for expense in sorted(full.expenses.all(), key=lambda e: expense_position(e.category)):
        if expense.amount is not None:
            categories.setdefault(str(expense_label(expense.category)), []).append(expense)
    assignment = CaseAssignment.objects.filter(application=full).select_related("assigned_to")
    offers = list(full.plan_offers.order_by("-created_at", "-pk"))
    versions: dict[Any, list[Any]] = {}
    for note in (
        CaseNote.objects.filter(application=full)
        .select_related("author")
        .order_by("created_at", "pk")
    ):
        versions.setdefault(note.note_id, []).append(note)
    notes = [(rows[-1], rows[-2::-1]) for rows in versions.values()]
    verification = _verification(full)
    return CaseView(
        application=full,
        household=household_of(full),
        budget=budget,
        expenses_by_category=list(categories.items()),
        assignment=assignment.first(),
        offers=offers,
        verification=verification,
        notes=notes,
        proposal=Proposal.objects.filter(case_id=full.public_id).first(),
        status_notes=list(
            CaseStatusNote.objects.filter(application=full)
            .select_related("author")
            .order_by("-created_at", "-pk")
        ),
        tasks=list(
            CaseTask.objects.filter(application=full)
            .select_related("assignee", "created_by")
            .order_by("due_date", "pk")
        ),
        messages=list(
            Message.objects.filter(application=full)
            .select_related("author")
            .order_by("created_at", "pk")
        ),
        figures=verification_figures(verification, list(full.debts.all())),
    )
