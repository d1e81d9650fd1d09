"""Reads for the counselor queue: tabs, filters, blind-index search, sort, one page.

Constant query count per page: one aggregate for the tab counts, one for the open
"talk to a counselor" requests, one for the page's rows (household and assignee joined).
Encrypted fields are never filtered or sorted on; search compares blind indexes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from counselor.models import (
    CaseAssignment,
    CaseNote,
    CaseStatusNote,
    CaseTask,
    Proposal,
    ProposalVersion,
)
from intake import selectors as intake_selectors
from intake.models import Application, Message
from intake.selectors import (
    VERIFICATION_STATES,
    application_with_parts,
    budget_for,
    counseling_requests_open,
    household_of,
    verification_state_q,
)
from intake.services.casework import CLOSE_REASONS, allowed_statuses
from tenants.encryption.blind_index import blind_index
from tenants.roles import CASEWORK_ROLES, Role, has_role

PAGE_SIZE = 25
TABS = ("mine", "unassigned", "requests", "all")
TAB_LABELS = {
    "mine": "My cases",
    "unassigned": "Unassigned",
    "requests": "Counseling requests",
    "all": "All cases",
}
SUPERVISOR_TABS = frozenset({"all"})
SORTS = {
    "oldest": ("submitted_at", "id"),
    "newest": ("-submitted_at", "-id"),
    "status": ("status", "submitted_at", "id"),
}
SEARCH_KINDS = {
    "name": "name_index",
    "email": "email_index",
    "phone": "phone_index",
    "ssn_name": "ssn_name_index",
}


@dataclass(frozen=True)
class QueueFilters:
    """What the counselor asked for; every field optional."""

    status: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    language: str = ""
    assignee_id: int | None = None
    find_kind: str = ""
    find_index: str = ""
    verification: str = ""
    outcome: str = ""

    def q(self) -> Q:
        """The filters as one condition on ``Application``."""
        condition = ~Q(status=Application.Status.DRAFT)
        if self.status:
            condition &= Q(status=self.status)
        if self.submitted_from:
            condition &= Q(submitted_at__date__gte=self.submitted_from)
        if self.submitted_to:
            condition &= Q(submitted_at__date__lte=self.submitted_to)
        if self.language:
            condition &= Q(language=self.language)
        if self.assignee_id:
            condition &= Q(case_assignment__assigned_to_id=self.assignee_id)
        if self.find_kind in SEARCH_KINDS and self.find_index:
            condition &= Q(**{f"household__{SEARCH_KINDS[self.find_kind]}": self.find_index})
        if self.verification in VERIFICATION_STATES:
            condition &= verification_state_q(self.verification)
        if self.outcome in OUTCOMES:
            condition &= outcome_q(self.outcome)
        return condition


# The eligibility outcome of the case's latest saved proposal version ("none": no proposal).
OUTCOMES = {
    "dmp_standard": "DMP (standard)",
    "dmp_hardship": "DMP (hardship)",
    "budget_counseling": "Budget counseling",
    "other_options": "Other options",
    "none": "No plan yet",
}


def outcome_q(outcome: str) -> Q:
    """Applications whose latest saved proposal version's result has ``outcome`` (a
    subquery on the proposal's JSON results: no extra query)."""
    if outcome == "none":
        return ~Exists(Proposal.objects.filter(case_id=OuterRef("public_id")))
    latest = ProposalVersion.objects.filter(
        proposal__case_id=OuterRef("public_id"),
        number=F("proposal__version"),
        results__outcome=outcome,
    )
    return Q(Exists(latest))


@dataclass(frozen=True)
class QueuePage:
    tab: str
    tabs: tuple[str, ...]
    counts: dict[str, int]
    rows: list[Any]
    number: int
    pages: int
    sort: str
    filters: QueueFilters = field(default_factory=QueueFilters)

    @property
    def tab_links(self) -> list[tuple[str, str, int]]:
        """(tab, label, count) for each tab this person sees."""
        return [(t, TAB_LABELS[t], self.counts[t]) for t in self.tabs]

    @property
    def total(self) -> int:
        return self.counts[self.tab]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def queue_search_index(*, kind: str, value: str, last_name: str = "") -> str:
    """The blind index of what was typed (raises ValueError for input that cannot match).

    ``ssn_name`` takes the SSN's last 4 digits in ``value`` and the last name; ``name`` the
    first name in ``value`` and the last name."""
    if kind == "ssn_name":
        return blind_index("ssn_last4_name", value, last_name)
    if kind == "name":
        return blind_index("full_name", value, last_name)
    if kind not in SEARCH_KINDS:
        raise ValueError("unknown search")
    return blind_index(kind, value)


def queue_tabs_for(user: object) -> tuple[str, ...]:
    """Counselors: my cases, unassigned, requests; supervisors also all cases."""
    supervisor = has_role(user, Role.SUPERVISOR)
    return tuple(t for t in TABS if supervisor or t not in SUPERVISOR_TABS)


def _tab_q(tab: str, user: Any) -> Q:
    if tab == "mine":
        return Q(case_assignment__assigned_to_id=user.pk)
    if tab == "unassigned":
        return Q(case_assignment__isnull=True) | Q(case_assignment__assigned_to__isnull=True)
    return Q()


def queue_page(
    *, user: Any, tab: str, filters: QueueFilters, sort: str = "oldest", page: int = 1
) -> QueuePage:
    """One page of the tab (unknown tabs fall back to "mine"), with every tab's count."""
    tabs = queue_tabs_for(user)
    tab = tab if tab in tabs else "mine"
    sort = sort if sort in SORTS else "oldest"
    base = Application.objects.filter(filters.q())
    counts: dict[str, int] = base.aggregate(
        mine=Count("pk", filter=_tab_q("mine", user)),
        unassigned=Count("pk", filter=_tab_q("unassigned", user)),
        all=Count("pk"),
    )
    requests = counseling_requests_open()
    if filters.language:
        requests = requests.filter(language=filters.language)
    counts["requests"] = requests.count()
    pages = max(1, -(-counts[tab] // PAGE_SIZE))
    page = min(max(page, 1), pages)
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    if tab == "requests":
        rows: list[Any] = list(requests.order_by("created_at", "pk")[window])
    else:
        queryset = (
            base.filter(_tab_q(tab, user))
            .select_related("household", "case_assignment__assigned_to")
            .annotate(**_follow_up())
            .order_by(*SORTS[sort])
        )
        rows = list(queryset[window])
    return QueuePage(tab, tabs, counts, rows, page, pages, sort, filters)


def _follow_up() -> dict[str, Any]:
    """Annotations for the queue's rows, inside the rows' query (no query per row):
    ``next_due``, the earliest due date of the case's open tasks, and ``follow_up_due``,
    whether it is today or past."""
    open_tasks = CaseTask.objects.filter(application=OuterRef("pk"), done_at__isnull=True)
    return {
        "next_due": Subquery(open_tasks.order_by("due_date").values("due_date")[:1]),
        "follow_up_due": ExpressionWrapper(
            Q(next_due__lte=timezone.localdate()), output_field=BooleanField()
        ),
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
    def close_reasons(self) -> tuple[str, ...]:
        return CLOSE_REASONS

    @property
    def open_tasks(self) -> list[Any]:
        return [t for t in self.tasks if t.done_at is None]

    @property
    def done_tasks(self) -> list[Any]:
        return [t for t in self.tasks if t.done_at is not None]

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
    for expense in full.expenses.all():
        if expense.amount is not None:
            categories.setdefault(expense.category, []).append(expense)
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
        expenses_by_category=sorted(categories.items()),
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
