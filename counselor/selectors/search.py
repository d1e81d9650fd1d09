"""A queue search across every tab the person may see: the people found, each with the tab
they sit in (a counselor searching "My cases" still finds a consumer in "Unassigned")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from counselor.permissions import case_visible_q
from counselor.selectors.queue import PAGE_SIZE, TAB_LABELS, QueueFilters
from intake.models import Application


@dataclass(frozen=True)
class Found:
    application: Application
    tab: str

    @property
    def tab_label(self) -> str:
        return TAB_LABELS[self.tab]


def _tab_of(application: Application, user: Any) -> str:
    assignment = getattr(application, "case_assignment", None)
    assignee = assignment.assigned_to_id if assignment else None
    if assignee is None:
        return "unassigned"
    return "mine" if assignee == user.pk else "all"


def queue_find(*, user: Any, filters: QueueFilters) -> list[Found]:
    """The cases matching ``filters`` (its blind-index search included) in every tab the
    person may see, oldest first, at most a page: one query."""
    if not filters.find_kind:
        return []
    rows = (
        Application.objects.filter(filters.q(), case_visible_q(user))
        .select_related("household", "case_assignment__assigned_to")
        .order_by("submitted_at", "id")[:PAGE_SIZE]
    )
    return [Found(application, _tab_of(application, user)) for application in rows]
