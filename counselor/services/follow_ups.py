"""The counselors' daily digest of follow-ups: one notice to each counselor with open case
tasks due today or overdue. Like every notice it says only that something is due and where
to look (the queue, where due follow-ups are marked): no consumer name, no task text."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.services import notice_send

from ..models import CaseTask


def follow_ups_due_counselors(*, today: date) -> set[int]:
    """Who has open follow-ups due by `today`: the task's assignee, else the counselor the
    case is assigned to."""
    due = CaseTask.objects.filter(done_at__isnull=True, due_date__lte=today)
    assignees = due.exclude(assignee=None).values_list("assignee", flat=True)
    case_owners = due.filter(assignee=None).values_list(
        "application__case_assignment__assigned_to", flat=True
    )
    return {pk for pk in [*assignees, *case_owners] if pk is not None}


def follow_ups_digest_send(*, today: date | None = None) -> int:
    """Writes the day's digest notices; idempotent per day and counselor (a second run, or
    a redelivered task, writes nothing). Returns how many counselors were written to.

    Side effects: one Notice per active counselor with an e-mail address (delivered by the
    notifications workers)."""
    today = today or timezone.localdate()
    users = get_user_model().objects.filter(
        pk__in=follow_ups_due_counselors(today=today), is_active=True
    )
    link = reverse("counselor:queue") + "?tab=mine"
    written = 0
    for user in users.exclude(email="").order_by("pk"):
        with transaction.atomic():
            written += bool(
                notice_send(
                    kind=Kind.FOLLOW_UPS_DIGEST,
                    recipient=user,
                    email=user.email,
                    link=link,
                    dedupe_key=f"follow-ups-digest:{today.isoformat()}",
                )
            )
    return written
