"""Agency administration on the counselor side: the creditor terms table and the fee
schedule. Agency administrators only (others: 404); changes need a recent sign-in
(step-up) and are audited by the services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from counselor.errors import CounselorError
from counselor.forms.terms import CreditorTermsForm, FeeScheduleForm
from counselor.models import CreditorTerms
from counselor.permissions import can_administer_terms
from counselor.selectors.terms import (
    creditor_terms_current,
    creditor_terms_get_current,
    creditor_terms_history,
    fee_schedule_get,
)
from counselor.services.terms import (
    TERMS_FIELDS,
    creditor_terms_create,
    creditor_terms_update,
    fee_schedule_set,
)
from tenants.signin import require_recent_auth

View = Callable[..., HttpResponse]
TERMS_INITIAL = tuple(name for name in TERMS_FIELDS if name != "aliases")


def agency_admin_only(view: View) -> View:
    """Anyone but an agency administrator gets the same 404 as for an unknown page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_administer_terms(request.user):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@login_required
@agency_admin_only
def creditor_terms_list(request: HttpRequest) -> HttpResponse:
    rows = creditor_terms_current().select_related("changed_by")
    return render(request, "counselor/creditor_terms_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
@agency_admin_only
@require_recent_auth()
def creditor_terms_new(request: HttpRequest) -> HttpResponse:
    form = CreditorTermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            creditor_terms_create(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                values=form.values(),
                request=request,
            )
        except CounselorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Creditor added.")
            return redirect("counselor:creditor-terms")
    return render(request, "counselor/creditor_terms_form.html", {"form": form, "row": None})


@require_http_methods(["GET", "POST"])
@login_required
@agency_admin_only
def creditor_terms_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The entry is looked up before the step-up, so an unknown id is a 404 for everyone."""
    row = creditor_terms_get_current(public_id=public_id)
    if row is None:
        raise Http404("No such creditor entry")
    return _terms_edit(request, row=row)


def _initial(row: CreditorTerms) -> dict[str, Any]:
    initial = {name: getattr(row, name) for name in TERMS_INITIAL}
    return initial | {"aliases": "\n".join(row.aliases), "version": row.version}


@require_recent_auth()
def _terms_edit(request: HttpRequest, *, row: CreditorTerms) -> HttpResponse:
    form = CreditorTermsForm(request.POST or None, initial=_initial(row))
    if request.method == "POST" and form.is_valid():
        try:
            creditor_terms_update(
                actor=request.user,
                public_id=row.public_id,
                expected_version=form.cleaned_data["version"] or row.version,
                reason=form.cleaned_data["reason"],
                values=form.values(),
                request=request,
            )
        except CounselorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Creditor terms saved as a new version.")
            return redirect("counselor:creditor-terms")
    history = creditor_terms_history(public_id=row.public_id)
    context = {"form": form, "row": row, "history": history}
    return render(request, "counselor/creditor_terms_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@agency_admin_only
@require_recent_auth()
def fee_schedule_edit(request: HttpRequest) -> HttpResponse:
    fees = fee_schedule_get()
    initial = {
        "setup_fee": fees.schedule.setup_fee,
        "monthly_fee": fees.schedule.monthly_fee,
        "aiccca_member": fees.aiccca_member,
    }
    form = FeeScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fee_schedule_set(actor=request.user, request=request, **form.cleaned_data)
        except CounselorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Fee schedule saved.")
            return redirect("counselor:fee-schedule")
    return render(request, "counselor/fee_schedule.html", {"form": form, "fees": fees})
