"""The consumer portal: status, budget, data given, documents, consents, offer, messages."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role
from tenants.signin import require_recent_auth

from ..errors import IntakeError
from ..forms.portal import AcceptForm, DeclineForm, MessageForm, WithdrawForm
from ..models import Application, StatusChange
from ..selectors.applications import application_with_parts, budget_for, get_application_for
from ..selectors.portal import current_offer, messages_of
from ..selectors.verification import verification_flags_for_consumer
from ..services import consent_withdraw, message_post, plan_offer_accept, plan_offer_decline

CONSUMER = (Role.CONSUMER,)
PORTAL = "consumer portal"


def _portal(application: Application) -> HttpResponse:
    return redirect("intake:application", public_id=application.public_id)


@require_GET
@login_required
@audited(
    AuditAction.READ,
    "application",
    acting_as=CONSUMER,
    purpose="consumer viewing own application",
    case_kwarg="public_id",
)
def application_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = application_with_parts(get_application_for(request, public_id))
    reached = {c.stage: c.at for c in application.status_changes.all()}
    timeline = [
        (stage, label, reached.get(stage))
        for stage, label in StatusChange.Stage.choices
        if stage in reached or stage in ("submitted", "verifying", "in_review", "offered")
    ]
    return render(
        request,
        "portal/home.html",
        {
            "application": application,
            "timeline": timeline,
            "budget": budget_for(application),
            "offer": current_offer(application),
            "verification_notes": verification_flags_for_consumer(application),
            "withdraw_form": WithdrawForm(),
        },
    )


@require_POST
@login_required
@audited(
    AuditAction.UPDATE,
    "consent",
    acting_as=CONSUMER,
    purpose="consent withdrawal",
    case_kwarg="public_id",
)
def consent_withdraw_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    form = WithdrawForm(request.POST)
    if form.is_valid() and consent_withdraw(
        application=application, kind=form.cleaned_data["kind"], actor=request.user, request=request
    ):
        messages.success(request, _("Your consent was withdrawn."))
    return _portal(application)


@require_GET
@login_required
@audited(AuditAction.READ, "plan_offer", acting_as=CONSUMER, purpose=PORTAL, case_kwarg="public_id")
def offer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _offer_page(request, get_application_for(request, public_id))


@require_recent_auth()
def _offer_page(request: HttpRequest, application: Application, **forms: object) -> HttpResponse:
    current = current_offer(application)
    initial = (
        {"offer": current.public_id, "document_hash": current.document_hash} if current else {}
    )
    return render(
        request,
        "portal/offer.html",
        {
            "application": application,
            "offer": current,
            "accept_form": forms.get("accept_form") or AcceptForm(initial=initial),
            "decline_form": forms.get("decline_form") or DeclineForm(initial=initial),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@audited(
    AuditAction.CREATE,
    "plan_acceptance",
    acting_as=CONSUMER,
    purpose=PORTAL,
    case_kwarg="public_id",
)
def offer_accept(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    if request.method == "GET":
        return redirect("intake:offer", public_id=application.public_id)
    return _offer_accept(request, application)


@require_recent_auth()
def _offer_accept(request: HttpRequest, application: Application) -> HttpResponse:
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _offer_page(request, application, accept_form=form)
    data = form.cleaned_data
    try:
        plan_offer_accept(
            application=application,
            offer_id=data["offer"],
            document_hash=data["document_hash"],
            typed_name=data["typed_name"],
            consented=data["consent"],
            actor=request.user,
            request=request,
        )
    except IntakeError as exc:
        messages.error(request, exc.message)
        return redirect("intake:offer", public_id=application.public_id)
    messages.success(request, _("You accepted your plan. Welcome aboard!"))
    return _portal(application)


@require_POST
@login_required
@audited(
    AuditAction.UPDATE, "plan_offer", acting_as=CONSUMER, purpose=PORTAL, case_kwarg="public_id"
)
def offer_decline(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            plan_offer_decline(
                application=application,
                offer_id=form.cleaned_data["offer"],
                document_hash=form.cleaned_data["document_hash"],
                reason=form.cleaned_data["reason"],
                category=form.cleaned_data["category"],
                actor=request.user,
                request=request,
            )
            messages.info(request, _("You declined the plan. Your counselor will be in touch."))
        except IntakeError as exc:
            messages.error(request, exc.message)
    return _portal(application)


@require_http_methods(["GET", "POST"])
@login_required
@audited(AuditAction.READ, "messages", acting_as=CONSUMER, purpose=PORTAL, case_kwarg="public_id")
def message_thread(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        message_post(
            application=application,
            author=request.user,
            body=form.cleaned_data["body"],
            from_staff=False,
            request=request,
        )
        messages.success(request, _("Your message was sent."))
        return redirect("intake:messages", public_id=application.public_id)
    return render(
        request,
        "portal/messages.html",
        {
            "application": application,
            "thread": messages_of(application),
            "form": form,
        },
    )
