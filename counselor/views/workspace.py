"""A counselor's day around the queue: follow-ups, messages, the "Today" panel of My cases
and the header's unread count (loaded after the page, so no page pays for it). Counselors
and supervisors only (everyone else 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from counselor.selectors.workspace import (
    follow_ups_due,
    unassigned_newest,
    unread_count,
    unread_threads,
)
from counselor.views.common import staff_only
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import CASEWORK_ROLES


def _follow_ups(request: HttpRequest, template: str, *, today_only: bool) -> HttpResponse:
    staff_only(request)
    context = {
        "tasks": follow_ups_due(request.user, today_only=today_only),
        "unassigned": unassigned_newest() if today_only else [],
        "today_date": timezone.localdate(),
    }
    return render(request, template, context)


@require_GET
@login_required
@audited(AuditAction.READ, "follow_ups", acting_as=CASEWORK_ROLES, purpose="follow-ups")
def follow_ups(request: HttpRequest) -> HttpResponse:
    """Every open follow-up on my cases (a supervisor: on every case), earliest first."""
    return _follow_ups(request, "counselor/follow_ups.html", today_only=False)


@require_GET
@login_required
@audited(AuditAction.READ, "counselor_today", acting_as=CASEWORK_ROLES, purpose="counselor today")
def today(request: HttpRequest) -> HttpResponse:
    """The top of My cases: follow-ups due today or overdue, the newest unassigned cases."""
    return _follow_ups(request, "counselor/partials/_today.html", today_only=True)


@require_GET
@login_required
@audited(AuditAction.READ, "message_list", acting_as=CASEWORK_ROLES, purpose="unread messages")
def message_list(request: HttpRequest) -> HttpResponse:
    """The cases with messages from consumers not yet opened, newest first."""
    staff_only(request)
    return render(request, "counselor/messages.html", {"threads": unread_threads(request.user)})


@require_GET
@login_required
def unread(request: HttpRequest) -> HttpResponse:
    """The header's unread count (a number, nothing when none): no names, no audit."""
    staff_only(request)
    count = unread_count(request.user)
    return render(request, "counselor/partials/_unread.html", {"count": count})
