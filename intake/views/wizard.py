"""The wizard's pages: one view for every step, autosave (htmx) and submit."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role

from ..errors import ApplicationIncomplete, ApplicationLocked
from ..permissions import consumers_only
from ..selectors.applications import (
    application_open_for,
    application_with_parts,
    get_application_for,
)
from ..services import application_start, application_submit, document_remove
from ..wizard.context import step_context
from ..wizard.forms import DocumentRemoveForm, StepButtonsForm
from ..wizard.steps import (
    step_form,
    step_get,
    step_post,
    step_url,
    step_validate,
    step_with_row,
)

CONSUMER = (Role.CONSUMER,)


@require_POST
@login_required
@consumers_only
def start(request: HttpRequest) -> HttpResponse:
    """Leads to the consumer's open application, or starts or resumes the draft; the
    portal page then leads into the wizard. A closed case lets them start again."""
    application = application_open_for(request.user) or application_start(
        consumer=request.user, language=request.LANGUAGE_CODE[:2]
    )
    return redirect("intake:application", public_id=application.public_id)


@require_http_methods(["GET", "POST"])
@login_required
@audited(
    AuditAction.READ,
    "application",
    acting_as=CONSUMER,
    purpose="consumer intake",
    case_kwarg="public_id",
)
def step(request: HttpRequest, public_id: UUID, step: str) -> HttpResponse:
    application = get_application_for(request, public_id)
    if not application.is_draft:
        return redirect("intake:application", public_id=application.public_id)
    handler = step_get(step)
    show_errors = request.method == "POST" or "check" in request.GET
    if request.method == "POST":
        try:
            form, complete = step_post(handler, request, application)
        except ApplicationLocked as exc:
            messages.info(request, exc.message)
            return redirect("intake:application", public_id=application.public_id)
        if request.htmx:
            return render(
                request,
                "intake/partials/_autosave_status.html",
                {"saved_at": timezone.now(), "form": form},
            )
        buttons = StepButtonsForm(request.POST)
        buttons.is_valid()  # buttons only: always valid
        pressed = buttons.cleaned_data
        if pressed["save_later"]:
            messages.success(
                request,
                _(
                    "Your answers are saved. Come back any time: sign in "
                    "and choose “Start or continue my application”."
                ),
            )
            return redirect("intake:application", public_id=application.public_id)
        if pressed["add_row"]:
            form = step_with_row(handler, form, application)
        elif complete:
            slug = handler.slug if pressed["upload"] else handler.next_slug()
            return redirect(step_url(application, slug))
    elif show_errors:
        form, _complete = step_validate(handler, application)
    else:
        form = step_form(handler, application, add_row="add" in request.GET)
    parts = application_with_parts(application)
    context = step_context(handler, parts, form, show_errors, request.LANGUAGE_CODE)
    return render(request, handler.template, context)


@require_POST
@login_required
@audited(
    AuditAction.UPDATE,
    "application",
    acting_as=CONSUMER,
    purpose="consumer intake",
    case_kwarg="public_id",
)
def submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    try:
        submitted = application_submit(application=application, actor=request.user, request=request)
    except ApplicationIncomplete as exc:
        messages.error(request, exc.message)
        return redirect(step_url(application, exc.step) + "?check=1")
    if submitted:
        messages.success(request, _("Thank you. Your application was sent to a counselor."))
    return redirect("intake:application", public_id=application.public_id)


@require_POST
@login_required
@audited(
    AuditAction.DELETE,
    "document",
    acting_as=CONSUMER,
    purpose="consumer intake",
    case_kwarg="public_id",
)
def document_remove_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = get_application_for(request, public_id)
    form = DocumentRemoveForm(request.POST)
    if form.is_valid():
        try:
            document_remove(
                application=application,
                document_id=form.cleaned_data["document"],
                actor=request.user,
                request=request,
            )
        except ApplicationLocked as exc:
            messages.info(request, exc.message)
            return redirect("intake:application", public_id=application.public_id)
    return redirect(step_url(application, "documents"))
