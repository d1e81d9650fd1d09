"""Reads for the counselor queue: tabs, filters, blind-index search, sort, one page.

Constant query count per page: one aggregate for the tab counts, one for the open
"talk to a counselor" requests, one for the page's rows (household and assignee joined).
Encrypted fields are never filtered or sorted on; search compares blind indexes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from counselor.models import CaseAssignment, CaseNote, Proposal
from intake import selectors as intake_selectors
from intake.models import Application
from intake.selectors import (
    application_with_parts,
    budget_for,
    counseling_requests_open,
    household_of,
)
from tenants.encryption.blind_index import blind_index
from tenants.roles import Role, has_role

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
SEARCH_KINDS = {"email": "email_index", "phone": "phone_index", "ssn_name": "ssn_name_index"}


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
        return condition


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

    ``ssn_name`` takes the SSN's last 4 digits in ``value`` and the last name."""
    if kind == "ssn_name":
        return blind_index("ssn_last4_name", value, last_name)
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
            .order_by(*SORTS[sort])
        )
        rows = list(queryset[window])
    return QueuePage(tab, tabs, counts, rows, page, pages, sort, filters)


def case_workers() -> QuerySet[Any]:
    """Counselors and supervisors a case can be assigned to, by username."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=(Role.COUNSELOR, Role.SUPERVISOR), is_active=True)
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

    @property
    def version(self) -> int:
        """The case's optimistic-concurrency token, for the forms."""
        return self.assignment.version if self.assignment else 0


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
    return CaseView(
        application=full, household=household_of(full), budget=budget,
        expenses_by_category=sorted(categories.items()), assignment=assignment.first(),
        offers=offers, verification=_verification(full), notes=notes,
        proposal=Proposal.objects.filter(case_id=full.public_id).first(),
    )  # fmt: skip
