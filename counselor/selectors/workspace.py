"""Reads for a counselor's day around the queue: follow-ups due, the newest unassigned
cases, unread messages from consumers. Each a single query, limited to the cases the
person may open (``counselor.permissions.case_visible_q``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from counselor.models import CaseAssignment, CaseTask
from counselor.permissions import case_visible_q, sees_every_case
from intake.models import Application, Message

TODAY_LIMIT = 10
LIST_LIMIT = 100


def _mine(user: Any, via: str = "") -> dict[str, Any]:
    """Counselors: their own cases; supervisors: every case."""
    return {} if sees_every_case(user) else {f"{via}case_assignment__assigned_to": user.pk}


def follow_ups_due(user: Any, *, today_only: bool = False) -> list[CaseTask]:
    """Open follow-up tasks on the person's cases, earliest first (``today_only``: due
    today or overdue), with the case's household for its name."""
    tasks = CaseTask.objects.filter(done_at__isnull=True, **_mine(user, "application__"))
    if today_only:
        tasks = tasks.filter(due_date__lte=timezone.localdate())
    limit = TODAY_LIMIT if today_only else LIST_LIMIT
    rows = tasks.select_related("application__household").order_by("due_date", "pk")
    return list(rows[:limit])


def unassigned_newest(limit: int = 5) -> list[Application]:
    """The newest sent cases no one works yet (an anti-join, as the queue's tab)."""
    assigned = CaseAssignment.objects.filter(assigned_to__isnull=False).values("application_id")
    cases = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .exclude(pk__in=assigned)
        .select_related("household")
        .order_by("-submitted_at", "-pk")
    )
    return list(cases[:limit])


def _unread(user: Any):
    return Message.objects.filter(
        case_visible_q(user, via="application__"),
        from_staff=False,
        read_at__isnull=True,
    )


def unread_count(user: Any) -> int:
    """Messages from consumers no one on staff has opened yet, on the cases the person
    may open (a counselor: theirs and the unassigned ones)."""
    return _unread(user).count()


def unread_threads(user: Any) -> list[tuple[Application, int, Any]]:
    """(case, unread messages, latest) per case with unread messages, newest first."""
    counts = list(
        _unread(user)
        .values("application_id")
        .annotate(unread=Count("pk"), latest=Max("created_at"))
        .order_by("-latest")[:LIST_LIMIT]
    )
    ids = [row["application_id"] for row in counts]
    cases = Application.objects.select_related("household").in_bulk(ids)
    return [(cases[row["application_id"]], row["unread"], row["latest"]) for row in counts]
