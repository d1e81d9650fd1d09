"""The bank step's Link page.

With a Link script (PLAID_LINK_SCRIPT_URL: Plaid's own in production, the local sandbox's
stand-in in tests and on the local platform) the page runs Plaid Link in the browser
(static/js/plaid_link.js): ``onSuccess`` posts the public token and Link's metadata here,
``onExit`` posts the exit (logged). Its CSP allows that script, and its origin as a frame,
on this page only. In sandbox mode without a script, the page itself plays Link's role: the
consumer picks an institution and a sandbox persona, the server gets a public token from
``/sandbox/public_token/create`` and exchanges it. Closing Link ("Cancel") or a failed
connection is logged as a Link exit (codes only, no PII)."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from integrations.errors import VendorError
from tenants.audit.decorators import audited
from tenants.audit.models import AuditAction
from tenants.roles import Role

from ..errors import ApplicationLocked, BankConsentMissing
from ..forms.bank import LinkItemForm, LinkResultForm
from ..models import Application, BankConnection, Consent
from ..selectors.applications import get_application_for
from ..selectors.consents import consent_is_live
from ..services.bank import (
    SANDBOX_INSTITUTIONS,
    SANDBOX_PERSONAS,
    bank_connect,
    bank_link_available,
    bank_link_exit_log,
    bank_link_success,
    bank_link_token,
    connection_for,
    link_script_url,
    sandbox_mode,
)
from ..wizard.steps import step_url

CONSUMER = (Role.CONSUMER,)
LINK_SESSION_KEY = "plaid_link"  # the Link in progress: application, item, Link token
PERSONA_LABELS = {
    "user_good": gettext_lazy("Steady paycheck every two weeks"),
    "user_gig": gettext_lazy("Irregular gig-work deposits"),
    "user_overdraft": gettext_lazy("Checking account with overdrafts"),
    "user_card": gettext_lazy("Credit card at 29.99% APR"),
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def link_csp() -> dict[str, list[str]]:
    """What the Link page adds to the site's CSP, Plaid's documented set (plaid.com/docs/link/web,
    "CSP directives"): Link's origin as default-src and frame-src, Link's script (with our
    nonce instead of 'unsafe-inline'), and Plaid's API host (production or sandbox) for the
    script's own calls. The local sandbox's stand-in script calls nobody, so a loopback
    host adds no connect-src."""
    script = link_script_url()
    origin = f"{_origin(script)}/"
    update = {"default-src": [origin], "script-src": [script], "frame-src": [origin]}
    api = _origin(settings.PLAID_HOST)
    if not api.startswith(("http://127.0.0.1", "http://localhost")):
        update["connect-src"] = [f"{api}/"]
    return update


def _connect_failed(request: HttpRequest, application: Application, code: str) -> HttpResponse:
    bank_link_exit_log(
        application=application,
        status="INSTITUTION_ERROR",
        error_code=code,
        error_type="API_ERROR",
    )
    messages.error(
        request,
        _("We could not connect your bank. Please try again, or choose “I don't bank online”."),
    )
    return redirect(step_url(application, "bank"))


def _link_success(
    request: HttpRequest,
    application: Application,
    replaces: BankConnection | None,
    result: LinkResultForm,
) -> HttpResponse:
    """Link's onSuccess in the browser: the public token and the metadata posted back."""
    try:
        bank_link_success(
            application=application,
            public_token=result.text("public_token"),
            institution_id=result.text("institution_id"),
            account_ids=result.cleaned_data["account_id"],
            actor=request.user,
            request=request,
            replaces=replaces,
        )
    except (ApplicationLocked, BankConsentMissing) as exc:
        messages.error(request, exc.message)
        return redirect(step_url(application, "bank"))
    except ValueError:
        return _connect_failed(request, application, "INVALID_LINK_RESULT")
    except VendorError as error:
        return _connect_failed(request, application, error.code)
    messages.success(request, _("Your bank is connected."))
    return redirect(step_url(application, "bank"))


def _sandbox_connect(
    request: HttpRequest,
    application: Application,
    replaces: BankConnection | None,
    result: LinkResultForm,
) -> HttpResponse | None:
    institution = result.text("institution")
    username = result.text("persona")
    if institution not in dict(SANDBOX_INSTITUTIONS) or username not in SANDBOX_PERSONAS:
        messages.error(request, _("Choose your bank and an account type."))
        return None
    try:
        bank_connect(
            application=application,
            institution_id=institution,
            username=username,
            actor=request.user,
            request=request,
            replaces=replaces,
        )
    except (ApplicationLocked, BankConsentMissing) as exc:
        messages.error(request, exc.message)
        return redirect(step_url(application, "bank"))
    except VendorError as error:
        return _connect_failed(request, application, error.code)
    messages.success(request, _("Your bank is connected."))
    return redirect(step_url(application, "bank"))


def _link_render(
    request: HttpRequest,
    application: Application,
    replaces: BankConnection | None,
    token: str,
    oauth_return: bool = False,
) -> HttpResponse:
    context = {
        "application": application,
        "replaces": replaces,
        "link_token": token,
        "link_script_url": link_script_url(),
        "oauth_return": oauth_return,
    }
    response = render(request, "intake/wizard/bank_link_plaid.html", context)
    response._csp_update = link_csp()  # django-csp: this response only
    return response


def _link_page(
    request: HttpRequest, application: Application, replaces: BankConnection | None
) -> HttpResponse:
    """Plaid Link in the browser: a fresh Link token (update mode for ``replaces``), kept
    in the session for the return from a bank's OAuth page (bank_oauth_return)."""
    try:
        token = bank_link_token(application=application, replaces=replaces)
    except VendorError as error:
        return _connect_failed(request, application, error.code)
    request.session[LINK_SESSION_KEY] = {
        "application": str(application.public_id),
        "item": str(replaces.public_id) if replaces else "",
        "token": token,
    }
    return _link_render(request, application, replaces, token)


@require_GET
@login_required
@audited(
    AuditAction.UPDATE,
    "bank_connection",
    acting_as=CONSUMER,
    purpose="consumer intake: back from the bank's sign-in page",
)
def bank_oauth_return(request: HttpRequest) -> HttpResponse:
    """PLAID_LINK_REDIRECT_URI: a bank's OAuth page sends the consumer back here (one fixed
    address, as Plaid requires); Link resumes with the Link token this session started it
    with (``receivedRedirectUri``), and its result goes to that application's Link page.
    Without a Link in progress in this session, or for someone else's application: 404."""
    state = request.session.get(LINK_SESSION_KEY) or {}
    if not state or "oauth_state_id" not in request.GET:
        raise Http404
    application = get_application_for(request, UUID(state["application"]))
    if not application.is_draft or not consent_is_live(application, Consent.Kind.BANK_DATA):
        raise Http404
    replaces = connection_for(application, state["item"]) if state["item"] else None
    return _link_render(request, application, replaces, state["token"], oauth_return=True)


def _replaces(request: HttpRequest, application: Application) -> BankConnection | None:
    """The connection this Link session repairs (posted by the page, or asked for in the
    bank step's "Reconnect" link); someone else's or a malformed id is a 404."""
    form = LinkItemForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise Http404
    item = form.cleaned_data["item"]
    if item is None:
        return None
    replaces = connection_for(application, item)
    if replaces is None:
        raise Http404
    return replaces


def _link_exit(
    request: HttpRequest, application: Application, result: LinkResultForm
) -> HttpResponse:
    bank_link_exit_log(
        application=application,
        status=result.text("status") or "USER_EXIT",
        error_code=result.text("error_code"),
        error_type=result.text("error_type"),
        link_session_id=result.text("link_session_id"),
        request_id=result.text("request_id"),
    )
    if result.text("error_code"):
        messages.error(
            request,
            _(
                "Your bank could not be connected right now. You can try again later, "
                "skip this step, or choose “I don't bank online”."
            ),
        )
    else:
        messages.info(request, _("No bank was connected."))
    return redirect(step_url(application, "bank"))


def _link_result(
    request: HttpRequest,
    application: Application,
    replaces: BankConnection | None,
    result: LinkResultForm,
) -> HttpResponse | None:
    """What the Link page posted back: an exit, Link's success, or the sandbox's choice."""
    if result.cleaned_data["exit"] or result.has_token:
        request.session.pop(LINK_SESSION_KEY, None)  # this Link is over
    if result.cleaned_data["exit"]:
        return _link_exit(request, application, result)
    if result.has_token:
        return _link_success(request, application, replaces, result)
    if sandbox_mode():
        return _sandbox_connect(request, application, replaces, result)
    return None


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
    if not bank_link_available():
        raise Http404
    if not application.is_draft:
        return redirect("intake:application", public_id=application.public_id)
    if not consent_is_live(application, Consent.Kind.BANK_DATA):
        return redirect(step_url(application, "bank"))
    replaces = _replaces(request, application)
    if request.method == "POST":
        result = LinkResultForm(request.POST)
        result.is_valid()  # every field is optional: always valid
        response = _link_result(request, application, replaces, result)
        if response is not None:
            return response
    if not sandbox_mode():
        return _link_page(request, application, replaces)
    context = {
        "application": application,
        "institutions": SANDBOX_INSTITUTIONS,
        "personas": [(p, PERSONA_LABELS[p]) for p in SANDBOX_PERSONAS],
        "replaces": replaces,
    }
    return render(request, "intake/wizard/bank_link.html", context)
