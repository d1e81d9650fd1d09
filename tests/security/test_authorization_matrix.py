"""The authorization matrix: every URL x every kind of person x own / another's object.

URLs come from the resolver, so a URL added later fails here until its row is written.
Path parameters are filled with an object owned by one consumer ("owner"); the other
consumer is "other_consumer". The walk runs twice, with A then B as the owner, and no
page served to anyone but the owner (or staff entitled to it) may show the owner's data.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from counselor.demo.terms import DEMO_INPUTS, creditor_terms_seed
from counselor.selectors.case import SECTIONS
from counselor.services.case import case_assign
from counselor.services.proposals import proposal_start
from intake.models import Application, CounselingRequest, Document
from intake.services import message_post
from tenants.models import Agency, ReferralCode
from tenants.roles import Role, role_grant
from tests.counselor.cases import document_of, sent_application
from tests.counselor.conftest import recent_auth
from tests.intake.conftest import ABOUT_YOU, rows
from tests.security.conftest import CONSUMER_A_NAME, Cast
from tests.security.urls_walk import Route, routes
from tests.tenants.uploads_fixtures import local_files

ACTORS = ("anonymous", "owner", "other_consumer", "counselor", "supervisor", "agency_admin")
__all__ = ["local_files"]
CONTENT_TYPE = "application/x-www-form-urlencoded"
LOGIN = "login"  # 302 to the sign-in page, coming back to the same path


def every(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ACTORS, status)


def row(*statuses: int | str) -> dict[str, int | str]:
    """Statuses in the order of ACTORS."""
    assert len(statuses) == len(ACTORS)
    return dict(zip(ACTORS, statuses, strict=True))


# view name -> method -> actor -> expected status.
AGENCY_MATRIX: dict[str, dict[str, dict[str, int | str]]] = {
    "healthz": {"GET": every(200), "POST": every(405)},
    "readyz": {"GET": every(200), "POST": every(405)},
    # The landing page; staff are sent on to their own workspace (queue or admin).
    "agency:home": {"GET": row(200, 200, 200, 302, 302, 302), "POST": every(405)},
    "agency:brand-css": {"GET": every(200), "POST": every(405)},
    "agency:logo": {"GET": every(404), "POST": every(405)},
    "accounts:login": {"GET": every(200), "POST": every(200)},
    "accounts:logout": {"GET": every(405), "POST": every(302)},
    # Consumers start (or resume) their own draft; staff never apply (403, nothing created).
    "intake:start": {"GET": every(405), "POST": row(LOGIN, 302, 302, 403, 403, 403)},
    "accounts:signed-out": {"GET": every(200), "POST": every(405)},
    "accounts:reauthenticate": {"GET": every(302), "POST": every(405)},
    "oidc:authenticate": {"GET": every(503), "POST": every(405)},  # no OIDC_ISSUER in tests
    "oidc:callback": {"GET": every(400), "POST": every(405)},
    # Signed by Plaid, not by a person: unsigned requests are refused with 400 for everyone.
    "integrations:plaid-webhook": {"GET": every(405), "POST": every(400)},
    "oidc:reauthenticate": {"GET": row(LOGIN, 302, 302, 302, 302, 302), "POST": every(405)},
    "oidc:reauthenticate-continue": {"GET": every(503), "POST": every(405)},
    "grants:issue": {
        "GET": row(LOGIN, 404, 404, 404, 404, 302),
        "POST": row(LOGIN, 404, 404, 404, 404, 302),
    },
    "intake:application": {"GET": row(LOGIN, 200, 404, 404, 404, 404), "POST": every(405)},
    # Notices (docs/notifications.md): a consumer's own choices; staff are told by the agency.
    "notifications:preferences": {
        "GET": row(LOGIN, 200, 200, 403, 403, 403),
        "POST": row(LOGIN, 302, 302, 403, 403, 403),
    },
    # Signed links and the SMS provider's callback: a wrong token is 404 for everyone.
    "notifications:unsubscribe": {"GET": every(404), "POST": every(404)},
    "notifications:sms-inbound": {"GET": every(405), "POST": every(404)},
    # The local mail sink (local runs only, as the tests are): staff read it.
    "notifications:local-mail": {"GET": row(LOGIN, 403, 403, 200, 200, 200), "POST": every(405)},
    "notifications:local-mail-message": {
        "GET": row(LOGIN, 403, 403, 404, 404, 404),
        "POST": every(405),
    },
    # The wizard (docs/intake.md): the owner's draft only. POST answers 200 when the step
    # shows errors again (nothing posted), 302 when the step is complete and moves on.
    **{
        f"intake:step-{slug}": {
            "GET": row(LOGIN, 200, 404, 404, 404, 404),
            "POST": row(LOGIN, post, 404, 404, 404, 404),
        }
        for slug, post in (
            ("about-you", 200),
            ("consents", 200),
            ("income", 200),
            ("expenses", 302),
            ("debts", 200),
            ("bank", 302),
            ("documents", 302),
            ("review", 302),
        )
    },
    "intake:submit": {"GET": every(405), "POST": row(LOGIN, 302, 404, 404, 404, 404)},
    # Removing an uploaded document from the owner's draft: back to the documents step.
    "intake:document-remove": {"GET": every(405), "POST": row(LOGIN, 302, 404, 404, 404, 404)},
    # The Link page of the bank step: without a live bank-data consent the owner is sent
    # back to the bank step (302).
    "intake:bank-link": {
        "GET": row(LOGIN, 302, 404, 404, 404, 404),
        "POST": row(LOGIN, 302, 404, 404, 404, 404),
    },
    # Back from a bank's OAuth page: only with a Link started in this session (none here).
    "intake:bank-oauth-return": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    "intake:consent-withdraw": {"GET": every(405), "POST": row(LOGIN, 302, 404, 404, 404, 404)},
    # Offers need a recent sign-in (step-up): the owner is sent to re-authenticate.
    "intake:offer": {"GET": row(LOGIN, 302, 404, 404, 404, 404), "POST": every(405)},
    "intake:offer-accept": {
        "GET": row(LOGIN, 302, 404, 404, 404, 404),
        "POST": row(LOGIN, 302, 404, 404, 404, 404),
    },
    "intake:offer-decline": {"GET": every(405), "POST": row(LOGIN, 302, 404, 404, 404, 404)},
    # The signed plan's PDF: the owner only, after a recent sign-in (like the offer).
    "intake:signed-plan": {"GET": row(LOGIN, 302, 404, 404, 404, 404), "POST": every(405)},
    "intake:messages": {
        "GET": row(LOGIN, 200, 404, 404, 404, 404),
        "POST": row(LOGIN, 200, 404, 404, 404, 404),
    },
    # "Talk to a counselor" names no application: any consumer gets their own form; staff
    # do not ask themselves for a call back (403).
    "intake:counseling-request": {
        "GET": row(LOGIN, 200, 200, 403, 403, 403),
        "POST": row(LOGIN, 200, 200, 403, 403, 403),
    },
    "set_language": {"GET": every(302), "POST": every(302)},
    "counselor:application-audit": {
        "GET": row(LOGIN, 404, 404, 404, 200, 200),
        "POST": every(405),
    },
    # DMP builder and action plan (docs/counselor.md): counselors and supervisors, for a case
    # with a proposal; the walk's applications have none, so staff get 404 like the rest.
    "counselor:builder": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:builder-save": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:builder-add-debt": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:action-plan": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    "counselor:signed-plan": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    "counselor:action-plan-pdf": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": every(405),
    },
    # The queue (docs/counselor.md): counselors and supervisors; a search (POST) redirects
    # to the queue with a blind index. The walk's applications are drafts, which are
    # not cases yet: the case pages are 404 for everyone, staff included.
    "counselor:queue": {"GET": row(LOGIN, 404, 404, 200, 200, 404), "POST": every(405)},
    "counselor:queue-search": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 302, 302, 404),
    },
    "counselor:supervisor": {"GET": row(LOGIN, 404, 404, 404, 200, 404), "POST": every(405)},
    "counselor:supervisor-refresh": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 404, 302, 404),
    },
    # A counselor's day (docs/counselor.md, "Navigation"): caseworkers only, their cases.
    **{
        f"counselor:{name}": {"GET": row(LOGIN, 404, 404, 200, 200, 404), "POST": every(405)}
        for name in ("today", "follow-ups", "messages", "unread")
    },
    "counselor:case": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    # One section of the case page, the panel its navigation loads: as the case page.
    "counselor:case-section": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    "counselor:case-assign": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:case-note": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:case-offer": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:case-offer-exception": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:case-plan-start": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:case-ssn": {"GET": row(LOGIN, 404, 404, 404, 404, 404), "POST": every(405)},
    # Casework on the case page (docs/counselor.md, "Case review"): POST only, counselors
    # and supervisors; the walk's drafts are not cases, so 404 for everyone.
    "counselor:case-status": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:case-task": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:case-task-done": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:case-message": {"GET": every(405), "POST": row(LOGIN, 404, 404, 404, 404, 404)},
    "counselor:case-verification-rerun": {
        "GET": every(405),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:case-document": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": every(405),
    },
    # Creditor terms and fees: agency administrators; changes need a recent sign-in (302 to
    # re-authenticate). An unknown terms entry is 404 before the step-up.
    "counselor:creditor-terms": {"GET": row(LOGIN, 404, 404, 404, 404, 200), "POST": every(405)},
    "counselor:creditor-terms-new": {
        "GET": row(LOGIN, 404, 404, 404, 404, 302),
        "POST": row(LOGIN, 404, 404, 404, 404, 302),
    },
    "counselor:creditor-terms-edit": {
        "GET": row(LOGIN, 404, 404, 404, 404, 404),
        "POST": row(LOGIN, 404, 404, 404, 404, 404),
    },
    "counselor:fee-schedule": {
        "GET": row(LOGIN, 404, 404, 404, 404, 302),
        "POST": row(LOGIN, 404, 404, 404, 404, 302),
    },
    # The admin (tenants.grants.middleware): anonymous -> the deployment's sign-in, other
    # roles -> 403, agency administrators in. Rows here where the admin differs from
    # AGENCY_ADMIN_RULE. Walked with GET only: the guard is the same for every method, and
    # a POST as an administrator would change data.
    "admin:login": {"GET": row(LOGIN, 403, 403, 403, 403, 302)},
    "admin:logout": {"GET": row(LOGIN, 403, 403, 403, 403, 405)},
}
AGENCY_ADMIN_RULE = {"GET": row(LOGIN, 403, 403, 403, 403, "staff-in")}
FRONTDOOR_ACTORS = ("anonymous", "agency_admin")
FRONTDOOR_MATRIX: dict[str, dict[str, dict[str, int | str]]] = {
    "healthz": {"GET": every(200), "POST": every(405)},
    "readyz": {"GET": every(200), "POST": every(405)},
    "frontdoor:home": {"GET": every(200), "POST": every(405)},
    "frontdoor:route": {"GET": every(400), "POST": every(405)},  # no state or ZIP given
    "frontdoor:referral": {"GET": every(302), "POST": every(405)},
    "frontdoor:tenants.views.frontdoor.referral": {"GET": every(302), "POST": every(405)},
    "frontdoor:chooser": {"GET": every(200), "POST": every(405)},
    "frontdoor:choose": {"GET": every(302), "POST": every(405)},
    # Cross-agency benchmarks (docs/analytics.md): the front door's staff only.
    "frontdoor:benchmarks": {
        "GET": row("admin-login", 404, 404, 404, 404, 200),
        "POST": every(405),
    },
    # The front door's admin is Django's own: its login page, staff only.
    "admin:login": {"GET": row(200, 200, 200, 200, 200, 302)},
    "admin:logout": {"GET": row(302, 302, 302, 302, 302, 405)},
}
FRONTDOOR_ADMIN_RULE = {"GET": row(*(["admin-login"] * 5), "staff-in")}


def _values(owned: Application) -> dict[str, str]:
    """A value for each URL parameter name: the owner's object where there is one."""
    return {
        "public_id": str(owned.public_id),
        "object_id": str(owned.pk),
        "document_id": str(owned.public_id),  # no such document: 404 for everyone
        "task_id": str(owned.public_id),  # no such task: 404 for everyone
        "id": str(owned.consumer_id),
        "content_type_id": str(ContentType.objects.get_for_model(Application).pk),
        "app_label": "intake",
        "url": "no-such-page/",
        "code": "matrix-code",
        "slug": "matrix-agency",
        "token": "not-a-signed-token",
        "name": "no-such-message.eml",
        "section": "debts",
    }


def _expected(matrix: dict, route: Route, admin_rule: dict) -> dict[str, dict[str, int | str]]:
    if route.view_name in matrix:
        return matrix[route.view_name]
    assert route.view_name.startswith("admin:"), (
        f"add {route.view_name} ({route.path}) to the matrix in {__name__}"
    )
    return admin_rule


class _Clients:
    """One signed-in client per person; a fresh one for requests that end the session."""

    def __init__(self, users: dict[str, object]) -> None:
        self.users = users
        self.clients = {actor: self._new(user) for actor, user in users.items()}

    @staticmethod
    def _new(user: object) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def request(self, actor: str, method: str, route: Route):
        ends_session = route.view_name.endswith(":logout") and method == "POST"
        client = self._new(self.users[actor]) if ends_session else self.clients[actor]
        return client.generic(method, route.path)


def _redirect(response) -> tuple[int, str, list[str]]:
    """(status, path of Location, its ``next`` values)."""
    location = urlsplit(response.get("Location", ""))
    return response.status_code, location.path, parse_qs(location.query).get("next", [])


def _assert_status(response, expected: int | str, path: str, label: str) -> None:
    if expected == LOGIN:
        assert _redirect(response) == (302, "/accounts/login/", [path]), label
    elif expected == "admin-login":
        assert _redirect(response) == (302, "/admin/login/", [path]), label
    elif expected == "staff-in":
        assert response.status_code < 500, label
        assert not response.get("Location", "").startswith("/admin/login/"), label
    else:
        assert response.status_code == expected, label


def _authorized(view_name: str, actor: str, expected: int | str) -> bool:
    """Whether this actor may see the owner's data in this response."""
    if actor == "owner":
        return True
    if actor == "agency_admin" and view_name.startswith("admin:"):
        return True
    return expected == 200 and actor in ("supervisor", "agency_admin")


def _assert_no_leak(response, secrets: tuple[str, ...], label: str) -> None:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    location = response.get("Location", "")
    shown = location if not location.startswith(("/accounts/login/", "/admin/login/")) else ""
    for secret in secrets:
        assert secret not in text, f"{label}: body shows {secret!r}"
        assert secret not in shown, f"{label}: redirect names {secret!r}"


def _walk(
    matrix: dict, admin_rule: dict, users: dict[str, object], owned: Application, secrets: tuple
) -> int:
    checked = 0
    clients = _Clients(users)
    for route in routes(_values(owned)):
        for method, statuses in _expected(matrix, route, admin_rule).items():
            for actor in users:
                expected = statuses[actor]
                label = f"{method} {route.path} ({route.view_name}) as {actor}"
                response = clients.request(actor, method, route)
                _assert_status(response, expected, route.path, label)
                if not _authorized(route.view_name, actor, expected):
                    _assert_no_leak(response, secrets, label)
                checked += 1
    return checked


@pytest.mark.parametrize("owner", ["consumer_a", "consumer_b"])
def test_every_agency_url_answers_each_person_as_the_matrix_says(cast: Cast, owner: str):
    other = "consumer_b" if owner == "consumer_a" else "consumer_a"
    users = {actor: cast.users.get(actor) for actor in ACTORS}
    users |= {"owner": cast.users[owner], "other_consumer": cast.users[other]}
    owned = cast.application_a if owner == "consumer_a" else cast.application_b
    own_secrets = (str(owned.public_id), cast.users[owner].username)
    if owner == "consumer_a":
        own_secrets += CONSUMER_A_NAME
    checked = _walk(AGENCY_MATRIX, AGENCY_ADMIN_RULE, users, owned, own_secrets)
    assert checked >= 6 * (2 * 10 + 3)


def test_every_frontdoor_url_answers_as_the_matrix_says(cast: Cast, frontdoor_settings):
    agency = Agency.objects.create(
        slug="matrix-agency", display_name="Matrix Agency", public_url="https://m.example.org"
    )
    ReferralCode.objects.create(agency=agency, code="matrix-code")
    users = {
        actor: cast.users[actor] if actor != "anonymous" else None for actor in FRONTDOOR_ACTORS
    }
    frontdoor_matrix = {
        name: {method: {a: s[a] for a in FRONTDOOR_ACTORS} for method, s in methods.items()}
        for name, methods in FRONTDOOR_MATRIX.items()
    }
    checked = _walk(frontdoor_matrix, FRONTDOOR_ADMIN_RULE, users, cast.application_a, ())
    assert checked >= 2 * (2 * 8 + 3)


def test_unknown_url_fails_with_the_add_to_matrix_message():
    route = Route("intake:brand-new", "/brand-new/")
    with pytest.raises(AssertionError, match="add intake:brand-new"):
        _expected(AGENCY_MATRIX, route, AGENCY_ADMIN_RULE)


# Every URL that creates a consumer's records without naming an application they own (the
# others answer staff 404 above): what a staff member must never create.
CONSUMER_CREATION = {
    "intake:start": {},
    "intake:counseling-request": {"preferred_times": ["morning"], "phone": "4045550123"},
}
STAFF = (Role.COUNSELOR, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.PLATFORM_SUPPORT)


def _staff_client(role: str) -> Client:
    user = get_user_model().objects.create_user(username=f"staff-{role}", password="long-pw-123")
    role_grant(user, role)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", STAFF)
def test_staff_post_to_every_consumer_creation_url_is_refused(cast: Cast, role: str):
    client = _staff_client(role)
    before = (Application.objects.count(), CounselingRequest.objects.count())

    statuses = {
        name: client.post(reverse(name), data).status_code
        for name, data in CONSUMER_CREATION.items()
    }

    assert statuses == dict.fromkeys(CONSUMER_CREATION, 403)
    assert (Application.objects.count(), CounselingRequest.objects.count()) == before


def _every_count() -> dict[str, int]:
    """How many rows each consumer-side model holds (intake's and the uploads')."""
    models = [
        *apps.get_app_config("intake").get_models(),
        *apps.get_app_config("uploads").get_models(),
    ]
    return {model._meta.label: model.objects.count() for model in models}


# What a consumer posts to their own application to create something: the steps, the
# uploads, a message, the submission, a signature.
OWN_CREATION = {
    "intake:step-about-you": ABOUT_YOU,
    "intake:step-income": rows([{"kind": "wages", "gross": "4000", "frequency": "monthly"}]),
    "intake:step-expenses": {"rent": "1200"},
    "intake:step-debts": rows([{"creditor": "Bank", "kind": "credit_card", "balance": "900"}]),
    "intake:step-documents": {"kind": "pay_stub", "upload": "on"},
    "intake:messages": {"body": "Hello"},
    "intake:submit": {},
    "intake:offer-accept": {"typed_name": "Quintessa Marchbanks", "consent": "on"},
}


@pytest.mark.parametrize("role", STAFF)
def test_staff_post_to_a_consumers_own_creation_urls_creates_nothing(cast: Cast, role: str):
    client = _staff_client(role)
    case = {"public_id": cast.application_a.public_id}
    before = _every_count()

    statuses = {
        name: client.post(reverse(name, kwargs=case), data).status_code
        for name, data in OWN_CREATION.items()
    }
    statuses |= {
        name: client.post(reverse(name), data).status_code
        for name, data in CONSUMER_CREATION.items()
    }

    assert set(statuses.values()) <= {403, 404}, statuses
    assert _every_count() == before


@pytest.mark.parametrize(
    ("role", "workspace"),
    [
        (Role.COUNSELOR, "/counselor/"),
        (Role.SUPERVISOR, "/counselor/supervisor/"),
        (Role.AGENCY_ADMIN, "/admin/"),
        (Role.PLATFORM_SUPPORT, "/admin/"),
    ],
)
def test_staff_land_on_their_workspace_never_on_the_application(cast: Cast, role, workspace):
    response = _staff_client(role).get(reverse("agency:home"))

    assert (response.status_code, response["Location"]) == (302, workspace)


NAV = {
    Role.COUNSELOR: ["Cases", "Follow-ups", "Messages"],
    Role.SUPERVISOR: ["Cases", "Follow-ups", "Messages", "Dashboard"],
}


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.SUPERVISOR])
def test_the_header_shows_staff_their_navigation_not_the_consumers(cast: Cast, role):
    staff_page = _staff_client(role).get(reverse("counselor:follow-ups")).content.decode()
    consumer = Client()
    consumer.force_login(cast.users["consumer_a"])
    consumer_page = consumer.get(reverse("agency:home")).content.decode()

    links = re.findall(r'class="site-staff-link[^"]*" href="[^"]+"[^>]*>(\w[\w -]*\w)', staff_page)
    assert links == NAV[role]
    assert f"Signed in as <strong>staff-{role}</strong>" in staff_page
    assert "Talk to a counselor" not in staff_page and "Español" not in staff_page
    assert "Start or continue my application" not in staff_page
    assert "Talk to a counselor" in consumer_page and "site-staff-link" not in consumer_page


# Need to know (docs/counselor.md, "Who sees a case"): a counselor opens the cases assigned
# to them and the unassigned ones; a colleague's case is 404 (as an unknown case) for every
# read and write of it until a supervisor assigns it; supervisors open every case.
NEED_TO_KNOW = (
    ("GET", "counselor:case", {}, 200),
    ("GET", "counselor:case-section", {}, 200),
    ("GET", "counselor:case-ssn", {}, 200),
    ("GET", "counselor:case-document", {}, 200),
    ("POST", "counselor:case-note", {"body": "Called back.", "case_version": "1"}, 302),
    (
        "POST",
        "counselor:case-status",
        {"status": "in_review", "reason": "x", "case_version": "2"},
        302,
    ),
    ("GET", "counselor:builder", {}, 200),
    ("POST", "counselor:builder-add-debt", {"key": "none", "version": "1"}, 302),
    ("POST", "counselor:case-plan-start", {}, 302),
    ("GET", "counselor:action-plan", {}, 200),
    ("POST", "counselor:case-assign", {"assignee": "me"}, 302),
)


@pytest.fixture
def colleagues_case(cast: Cast, local_files):
    """A sent case with a proposal and a document, assigned to another counselor."""
    colleague = get_user_model().objects.create_user(username="colleague", password="pw-long-1")
    role_grant(colleague, Role.COUNSELOR)
    creditor_terms_seed()
    application = sent_application()
    proposal_start(case_id=application.public_id, inputs=copy.deepcopy(DEMO_INPUTS), actor=None)
    case_assign(application=application, assignee=colleague, actor=colleague, request=None)
    return application, document_of(application)


def _need_to_know(actor, application: Application, document: Document) -> dict[str, int]:
    client = Client()
    client.force_login(actor)
    recent_auth(client)
    statuses = {}
    for method, name, data, _allowed in NEED_TO_KNOW:
        extra = {
            "counselor:case-document": {"document_id": document.public_id},
            "counselor:case-section": {"section": "debts"},
        }.get(name, {})
        url = reverse(name, kwargs={"public_id": application.public_id, **extra})
        statuses[name] = client.generic(method, url, urlencode(data), CONTENT_TYPE).status_code
    return statuses


def test_a_counselor_is_refused_every_part_of_a_colleagues_case(cast: Cast, colleagues_case):
    application, document = colleagues_case

    statuses = _need_to_know(cast.users["counselor"], application, document)

    assert statuses == {name: 404 for _method, name, _data, _allowed in NEED_TO_KNOW}
    assert not application.case_notes.exists()
    assert application.case_assignment.assigned_to.username == "colleague"


def test_a_supervisor_opens_and_works_every_case(cast: Cast, colleagues_case):
    application, document = colleagues_case

    statuses = _need_to_know(cast.users["supervisor"], application, document)

    assert statuses == {name: allowed for _method, name, _data, allowed in NEED_TO_KNOW}
    assert application.case_notes.get().author == cast.users["supervisor"]


def test_a_counselor_opens_unassigned_cases_and_their_own(cast: Cast):
    counselor = cast.users["counselor"]
    unassigned, own = sent_application(), sent_application()
    case_assign(application=own, assignee=counselor, actor=counselor, request=None)
    client = Client()
    client.force_login(counselor)

    pages = [client.get(reverse("counselor:case", args=[a.public_id])) for a in (unassigned, own)]

    assert [p.status_code for p in pages] == [200, 200]
    assert all("Maria Lopez" in p.content.decode() for p in pages)


def test_every_section_of_a_colleagues_case_is_404_for_a_counselor(cast: Cast, colleagues_case):
    application, _document = colleagues_case
    message_post(application=application, author=application.consumer, body="Hi", from_staff=False)
    counselor, supervisor = Client(), Client()
    counselor.force_login(cast.users["counselor"])
    supervisor.force_login(cast.users["supervisor"])

    def statuses(client: Client) -> dict[str, int]:
        return {
            name: client.get(
                reverse("counselor:case-section", args=[application.public_id, name])
            ).status_code
            for name in SECTIONS
        }

    refused = statuses(counselor)
    unread = application.messages.filter(read_at__isnull=True).count()
    opened = statuses(supervisor)

    assert refused == dict.fromkeys(SECTIONS, 404)
    assert unread == 1  # the refused Messages marked nothing read
    assert opened == dict.fromkeys(SECTIONS, 200)
    assert not application.messages.filter(read_at__isnull=True).exists()
