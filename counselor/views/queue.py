"""The counselor queue: tabs, filters, sort, and the blind-index search. Counselors and
supervisors only (everyone else 404)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from counselor.forms.queue import STATUSES, QueueFilterForm, QueueSearchForm
from counselor.selectors.case import case_by_reference, case_workers_shown
from counselor.selectors.queue import queue_page, queue_search_index
from counselor.selectors.search import queue_find
from counselor.views.common import staff_only
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import CASEWORK_ROLES

PAGING = frozenset({"page", "after", "before"})


@require_GET
@login_required
@audited(AuditAction.READ, "case_queue", acting_as=CASEWORK_ROLES, purpose="counselor queue")
def queue(request: HttpRequest) -> HttpResponse:
    """One page of a tab, with the filters, sort and blind-index search of the URL; "Next"
    and "Previous" carry a cursor (docs/counselor.md, "The queue at scale")."""
    staff_only(request)
    form = QueueFilterForm(request.GET)
    page = queue_page(
        user=request.user,
        tab=str(form.value("tab", "mine")),
        filters=form.filters(),
        sort=form.sort_key,
        cursor=form.cursor(),
        number=int(form.value("page", 1)),  # type: ignore[call-overload]
    )
    keep = {k: v for k, v in request.GET.items() if k not in PAGING and v}
    context = {
        "page": page,
        "found": queue_find(user=request.user, filters=page.filters),
        "form": form,
        "search": QueueSearchForm(),
        "statuses": STATUSES,
        "workers": case_workers_shown(),
        "keep": urlencode(keep),
        "keep_no_tab": urlencode({k: v for k, v in keep.items() if k != "tab"}),
    }
    return render(request, "counselor/queue.html", context)


@require_POST
@login_required
@audited(AuditAction.READ, "case_search", acting_as=CASEWORK_ROLES, purpose="counselor search")
def queue_search(request: HttpRequest) -> HttpResponse:
    """A search typed by a counselor, turned into a blind index for the queue's URL (what
    was typed never reaches a URL or a log). Rate limited (group "search")."""
    staff_only(request)
    search = QueueSearchForm(request.POST)
    valid = search.is_valid()
    data = search.cleaned_data
    params = {"tab": data.get("tab", "")}
    if valid and data["kind"] == "reference":
        case = case_by_reference(data["value"])
        if case is not None:
            return redirect("counselor:case", public_id=case.public_id)
        messages.error(request, "No case has that reference: check what you typed.")
    elif valid:
        try:
            index = queue_search_index(
                kind=data["kind"], value=data["value"], last_name=data["last_name"]
            )
        except ValueError:
            messages.error(request, "That cannot match anyone: check what you typed.")
        else:
            params["find"] = f"{data['kind']}:{index}"
    return redirect(f"{reverse('counselor:queue')}?{urlencode(params)}")
