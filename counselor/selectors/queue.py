"""Reads for the counselor queue: tabs, filters, blind-index search, sort, one page.

The cost of a page does not grow with the number of cases: one query for every tab's
count (each capped at ``COUNT_CAP``), one for the page's rows (household and assignee
joined), read from a keyset cursor along the composite indexes of ``Application``
(docs/counselor.md, "The queue at scale"). Encrypted fields are never filtered or sorted
on; search compares blind indexes only.
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
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
    CaseTask,
    PlanOutcome,
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
# A tab's count stops here ("1,000+"): counting further would read every case.
COUNT_CAP = 1000
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
REQUESTS_ORDER = ("created_at", "id")
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
        if self.submitted_from:  # day bounds as instants, so the submitted_at indexes apply
            condition &= Q(submitted_at__gte=_day_start(self.submitted_from))
        if self.submitted_to:
            condition &= Q(submitted_at__lt=_day_start(self.submitted_to + timedelta(days=1)))
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


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The eligibility outcome of the case's latest saved proposal version ("none": no proposal).
OUTCOMES = {**dict(PlanOutcome.choices), "none": "No plan yet"}


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
class Cursor:
    """Where a page starts: the sort key of the row just before it (``backwards``: of the
    row just after it, for "Previous")."""

    values: tuple[Any, ...]
    backwards: bool = False


@dataclass(frozen=True)
class QueuePage:
    tab: str
    tabs: tuple[str, ...]
    counts: dict[str, int]
    rows: list[Any]
    sort: str
    filters: QueueFilters = field(default_factory=QueueFilters)
    next_cursor: str = ""
    previous_cursor: str = ""
    number: int = 1

    @property
    def tab_links(self) -> list[tuple[str, str, str]]:
        """(tab, label, count as shown) for each tab this person sees."""
        return [(t, TAB_LABELS[t], count_label(self.counts[t])) for t in self.tabs]

    @property
    def total(self) -> str:
        return count_label(self.counts[self.tab])

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)


def count_label(count: int) -> str:
    """A tab's count as people read it: "1,000+" past the cap."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


def cursor_encode(values: tuple[Any, ...]) -> str:
    """A row's sort key as a URL-safe token (dates as ISO 8601)."""
    text = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(token: str, *, sort: str, backwards: bool = False) -> Cursor | None:
    """The cursor of a "Next"/"Previous" link for ``sort``; None for anything else (a
    tampered or stale token opens the first page)."""
    names = [name.lstrip("-") for name in SORTS[sort]]
    try:
        values = json.loads(urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        parsed = tuple(_KEY_TYPES[name](value) for name, value in zip(names, values, strict=True))
    except (ValueError, TypeError):
        return None
    return Cursor(parsed, backwards)


_KEY_TYPES: dict[str, Any] = {
    "submitted_at": datetime.fromisoformat,
    "created_at": datetime.fromisoformat,
    "status": str,
    "id": int,
}


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
        # No assignment with a counselor: an anti-join, which the planner estimates well
        # (an IS NULL after a LEFT JOIN it takes for "almost none" and scans the table).
        assigned = CaseAssignment.objects.filter(
            application=OuterRef("pk"), assigned_to__isnull=False
        )
        return ~Q(Exists(assigned))
    return Q()


def queue_page(
    *,
    user: Any,
    tab: str,
    filters: QueueFilters,
    sort: str = "oldest",
    cursor: Cursor | None = None,
    number: int = 1,
) -> QueuePage:
    """One page of the tab (unknown tabs fall back to "mine") from ``cursor`` (the first
    page without one), with every tab's count capped at ``COUNT_CAP``: three queries
    whatever the number of cases (counts, rows, nothing else)."""
    tabs = queue_tabs_for(user)
    tab = tab if tab in tabs else "mine"
    sort = sort if sort in SORTS else "oldest"
    base = Application.objects.filter(filters.q())
    requests = counseling_requests_open()
    if filters.language:
        requests = requests.filter(language=filters.language)
    counted = {t: base.filter(_tab_q(t, user)).order_by(*SORTS[sort]) for t in tabs}
    counted["requests"] = requests.order_by(*REQUESTS_ORDER)
    counts = _capped_counts(counted)
    if tab == "requests":
        queryset, ordering = requests, REQUESTS_ORDER
    else:
        queryset = (
            base.filter(_tab_q(tab, user))
            .select_related("household", "case_assignment__assigned_to")
            .annotate(**_follow_up())
        )
        ordering = SORTS[sort]
    rows, after, before = _keyset_page(queryset, ordering, cursor)
    number = max(number, 1) if cursor else 1
    return QueuePage(tab, tabs, counts, rows, sort, filters, after, before, number)


def _capped_counts(querysets: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """Every tab's count in one query, each read stopping at ``COUNT_CAP + 1`` rows. Each
    tab is counted in its page's order, so the count reads the page's index range (no scan
    of every case). The SQL is Django's own, its values bound."""
    selects, params = [], []
    for queryset in querysets.values():
        sql, values = queryset.values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(values)
    with connection.cursor() as db:
        db.execute(f"SELECT {', '.join(selects)}", params)
        return dict(zip(querysets, db.fetchone(), strict=True))


def _keyset_page(
    queryset: QuerySet[Any], ordering: tuple[str, ...], cursor: Cursor | None
) -> tuple[list[Any], str, str]:
    """One page of ``queryset`` in ``ordering`` from ``cursor`` (keyset: the database starts
    reading at the cursor, no OFFSET walk): the rows, then the "Next" and "Previous"
    cursors ("" where there is no such page)."""
    backwards = cursor is not None and cursor.backwards
    order = _reversed(ordering) if backwards else ordering
    if cursor is not None:
        queryset = queryset.filter(_after(order, cursor.values))
    rows = list(queryset.order_by(*order)[: PAGE_SIZE + 1])
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    has_next = backwards or more
    has_previous = more if backwards else cursor is not None
    names = [name.lstrip("-") for name in ordering]
    after = cursor_encode(_key(rows[-1], names)) if rows and has_next else ""
    before = cursor_encode(_key(rows[0], names)) if rows and has_previous else ""
    return rows, after, before


def _key(row: Any, names: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in names)


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def _after(ordering: tuple[str, ...], values: tuple[Any, ...]) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (one direction for every column), led
    by an inclusive bound on the first column so that an index scan starts there."""
    names = [name.lstrip("-") for name in ordering]
    op = "lt" if ordering[0].startswith("-") else "gt"
    condition = Q(**{f"{names[-1]}__{op}": values[-1]})
    for name, value in zip(reversed(names[:-1]), reversed(values[:-1]), strict=True):
        condition = Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & condition)
    return Q(**{f"{names[0]}__{op}e": values[0]}) & condition


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
