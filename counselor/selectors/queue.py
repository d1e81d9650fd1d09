"""Reads for the counselor queue: tabs, filters, blind-index search, sort, one page.

Constant query count per page: one aggregate for the tab counts, one for the open
"talk to a counselor" requests, one for the page's rows (household and assignee joined).
Encrypted fields are never filtered or sorted on; search compares blind indexes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from counselor.models import (
    CaseTask,
    Proposal,
    ProposalVersion,
)
from intake.models import Application
from intake.selectors import (
    VERIFICATION_STATES,
    counseling_requests_open,
    verification_state_q,
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
    subquery on the version's plain outcome column, the results being encrypted)."""
    if outcome == "none":
        return ~Exists(Proposal.objects.filter(case_id=OuterRef("public_id")))
    latest = ProposalVersion.objects.filter(
        proposal__case_id=OuterRef("public_id"),
        number=F("proposal__version"),
        outcome=outcome,
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
