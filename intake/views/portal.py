"""The consumer portal: status, budget, data given, documents, consents, offer, messages."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role
from tenants.signin import require_recent_auth

from ..errors import IntakeError, SignatureInvalid
from ..forms.portal import AcceptForm, DeclineForm, MessageForm, WithdrawForm
from ..models import Application, Household, PlanAcceptance, StatusChange
from ..selectors.applications import application_with_parts, budget_for, get_application_for
from ..selectors.portal import current_offer, messages_of, signed_plan_of
from ..selectors.verification import verification_flags_for_consumer
from ..services import (
    consent_withdraw,
    message_post,
    plan_offer_accept,
    plan_offer_decline,
    signed_plan_pdf,
)
from ..services.consents import SIGNATURE_INTENT, consent_text

CONSUMER = (Role.CONSUMER,)
PORTAL = "consumer portal"


def signed_plan_response(acceptance: PlanAcceptance) -> HttpResponse:
    """The signed plan as a PDF attachment: the consumer's copy and the counselor's are
    this same response."""
    response = HttpResponse(signed_plan_pdf(acceptance), content_type="application/pdf")
    name = f"signed-plan-{acceptance.signature_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Document-SHA256"] = acceptance.document_hash
    add_never_cache_headers(response)
    return response


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
            "signed": signed_plan_of(application),
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


def _accept_form(request: HttpRequest, application: Application, **kwargs: object) -> AcceptForm:
    household = Household.objects.filter(application=application).first()
    intent = consent_text(SIGNATURE_INTENT, request.LANGUAGE_CODE).text
    co_applicant = household is not None and household.has_co_applicant
    return AcceptForm(intent=intent, co_applicant=co_applicant, **kwargs)


@require_recent_auth()
def _offer_page(
    request: HttpRequest, application: Application, accept_form: AcceptForm | None = None
) -> HttpResponse:
    current = current_offer(application)
    # The document in the page's language (frozen with the offer); signing carries its hash.
    document = current.rendering(request.LANGUAGE_CODE) if current else None
    initial = {"offer": current.public_id, "document_hash": document.sha256} if document else {}
    return render(
        request,
        "portal/offer.html",
        {
            "application": application,
            "offer": current,
            "document": document,
            "signed": signed_plan_of(application),
            "accept_form": accept_form or _accept_form(request, application, initial=initial),
            "decline_form": DeclineForm(initial=initial),
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
    form = _accept_form(request, application, data=request.POST)
    if not form.is_valid():
        return _offer_page(request, application, accept_form=form)
    data = form.cleaned_data
    try:
        plan_offer_accept(
            application=application,
            offer_id=data["offer"],
            document_hash=data["document_hash"],
            typed_name=data["typed_name"],
            co_typed_name=data.get("co_typed_name", ""),
            consented=data["consent"],
            actor=request.user,
            language=request.LANGUAGE_CODE,
            request=request,
        )
    except SignatureInvalid as exc:
        form.add_error(exc.field or None, exc.message)
        return _offer_page(request, application, accept_form=form)
    except IntakeError as exc:
        messages.error(request, exc.message)
        return redirect("intake:offer", public_id=application.public_id)
    messages.success(
        request, _("You signed your plan. Welcome aboard! Your signed copy is on this page.")
    )
    return _portal(application)


@require_GET
@login_required
@audited(
    AuditAction.EXPORT,
    "plan_acceptance",
    acting_as=CONSUMER,
    purpose="signed plan PDF",
    case_kwarg="public_id",
)
def signed_plan_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _signed_plan(request, get_application_for(request, public_id))


@require_recent_auth()
def _signed_plan(request: HttpRequest, application: Application) -> HttpResponse:
    acceptance = signed_plan_of(application)
    if acceptance is None:
        raise Http404("No signed plan")
    return signed_plan_response(acceptance)


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
