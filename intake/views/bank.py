"""The bank step's Link page. In sandbox mode (PLAID_ENV=sandbox) this page plays Plaid
Link's role: the consumer picks an institution and a sandbox persona, the server gets a
public token from ``/sandbox/public_token/create`` and exchanges it. Closing the page
("Cancel") or a failed connection is logged as a Link exit (codes only, no PII)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from integrations.errors import VendorError
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role

from ..errors import ApplicationLocked, BankConsentMissing
from ..models import Consent
from ..selectors import consent_is_live, get_application_for
from ..services.bank import (
    SANDBOX_INSTITUTIONS,
    SANDBOX_PERSONAS,
    bank_connect,
    bank_link_exit_log,
    connection_for,
    sandbox_mode,
)
from .wizard import step_url

CONSUMER = (Role.CONSUMER,)
PERSONA_LABELS = {
    "user_good": gettext_lazy("Steady paycheck every two weeks"),
    "user_gig": gettext_lazy("Irregular gig-work deposits"),
    "user_overdraft": gettext_lazy("Checking account with overdrafts"),
    "user_card": gettext_lazy("Credit card at 29.99% APR"),
}


@require_http_methods(["GET", "POST"])
@login_required
@audited(
    AuditAction.UPDATE,
    "bank_connection",
    acting_as=CONSUMER,
    purpose="consumer intake",
    case_kwarg="public_id",
)
def bank_link(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    if not sandbox_mode():
        raise Http404
    if not application.is_draft:
        return redirect("intake:application", public_id=application.public_id)
    if not consent_is_live(application, Consent.Kind.BANK_DATA):
        return redirect(step_url(application, "bank"))
    replaces = None
    item = request.POST.get("item") or request.GET.get("item") or ""
    if item:
        try:
            replaces = connection_for(application, UUID(item))
        except ValueError:
            replaces = None
        if replaces is None:
            raise Http404
    if request.method == "POST":
        if "exit" in request.POST:
            bank_link_exit_log(
                application=application,
                status=request.POST.get("status", "") or "USER_EXIT",
                error_code=request.POST.get("error_code", ""),
                error_type=request.POST.get("error_type", ""),
            )
            messages.info(request, _("No bank was connected."))
            return redirect(step_url(application, "bank"))
        institution = request.POST.get("institution", "")
        username = request.POST.get("persona", "")
        if institution in dict(SANDBOX_INSTITUTIONS) and username in SANDBOX_PERSONAS:
            try:
                bank_connect(
                    application=application, institution_id=institution, username=username,
                    actor=request.user, request=request, replaces=replaces,
                )  # fmt: skip
            except (ApplicationLocked, BankConsentMissing) as exc:
                messages.error(request, exc.message)
                return redirect(step_url(application, "bank"))
            except VendorError as error:
                bank_link_exit_log(
                    application=application, status="INSTITUTION_ERROR",
                    error_code=error.code, error_type="API_ERROR",
                )  # fmt: skip
                messages.error(
                    request,
                    _("We could not connect your bank. Please try again, or choose "
                      "“I don't bank online”."),
                )  # fmt: skip
                return redirect(step_url(application, "bank"))
            messages.success(request, _("Your bank is connected."))
            return redirect(step_url(application, "bank"))
        messages.error(request, _("Choose your bank and an account type."))
    context = {
        "application": application,
        "institutions": SANDBOX_INSTITUTIONS,
        "personas": [(p, PERSONA_LABELS[p]) for p in SANDBOX_PERSONAS],
        "replaces": replaces,
    }
    return render(request, "intake/wizard/bank_link.html", context)
