"""Step-up re-authentication (require_recent_auth) and time-boxed access grants."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from tenants.audit.models import AuditEvent
from tenants.grants.errors import GrantError
from tenants.grants.models import Grant
from tenants.grants.services import grant_issue
from tests.integrations.oidc.conftest import TESTSERVER
from tests.integrations.oidc.flows import provider_sign_in

pytestmark = pytest.mark.processes


def _later(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def _user(person):
    return get_user_model().objects.get(pk=person.client.session["_auth_user_id"])


def _stale_step_up(person) -> str:
    """Signs in as admin, lets the sign-in age, and returns the provider URL asked for."""
    person.sign_in("admin")
    assert person.client.get("/grants/").status_code == 200
    time.sleep(1.1)  # auth_time has one-second resolution: the next one must be newer
    with _later(10):
        stale = person.client.get("/grants/")
    assert stale["Location"] == "/accounts/reauthenticate/?next=%2Fgrants%2F"
    step = person.client.get(stale["Location"])
    assert step["Location"] == "/oidc/reauthenticate/?next=%2Fgrants%2F"
    assert person.client.get(step["Location"])["Location"] == "/oidc/reauthenticate/continue/"
    return person.client.get("/oidc/reauthenticate/continue/")["Location"]


def test_stale_auth_time_forces_a_fresh_login_then_succeeds(oidc, person):
    authorize = _stale_step_up(person)
    query = parse_qs(urlsplit(authorize).query)
    assert (query["prompt"], query["max_age"]) == (["login"], ["0"])
    # The provider still has a session for this person, yet it asks for the password.
    interaction = person.browser.get(authorize, timeout=10)
    assert "Sign in to acme" in interaction.text
    before = person.client.session["cg_auth_time"]
    back = provider_sign_in(person.browser, authorize, "admin", "genie-demo-2026", TESTSERVER)
    callback = person.client.get(back.removeprefix(TESTSERVER))
    assert callback["Location"] == "/grants/"
    assert person.client.session["cg_auth_time"] > before
    assert person.client.get("/grants/").status_code == 200
    assert AuditEvent.objects.filter(purpose="re-authenticated (step-up)").count() == 1


def test_step_up_as_someone_else_is_refused(oidc, person):
    authorize = _stale_step_up(person)
    back = provider_sign_in(person.browser, authorize, "supervisor", "genie-demo-2026", TESTSERVER)
    callback = person.client.get(back.removeprefix(TESTSERVER))
    assert callback.status_code == 403
    assert "as someone else" in callback.content.decode()


def test_platform_support_needs_a_live_grant_for_the_admin(oidc, person):
    person.sign_in("support")
    support = _user(person)
    refused = person.client.get("/admin/")
    assert refused.status_code == 403
    assert "access grant" in refused.content.decode()
    grant = grant_issue(
        user=support,
        scope=Grant.Scope.ADMIN,
        reason="ticket 42",
        duration=timedelta(minutes=5),
        issued_by=None,
    )
    assert person.client.get("/admin/").status_code == 200
    used = AuditEvent.objects.filter(
        actor=support, grant_id=str(grant.public_id), outcome="allowed"
    )
    assert used.filter(object_type="admin_access", object_id="admin:index").count() == 1
    with _later(6):
        assert person.client.get("/admin/").status_code == 403
    expired = AuditEvent.objects.filter(actor=support, object_type="admin_access", outcome="denied")
    assert expired.count() == 2
    assert [e.grant_id for e in expired] == ["", ""]


def test_grants_are_for_platform_support_and_time_boxed(oidc, person, other_person):
    person.sign_in("counselor")
    with pytest.raises(GrantError, match="platform support"):
        grant_issue(
            user=_user(person),
            scope="admin",
            reason="x",
            duration=timedelta(minutes=5),
            issued_by=None,
        )
    other_person.sign_in("support")
    with pytest.raises(GrantError, match="between"):
        grant_issue(
            user=_user(other_person),
            scope="admin",
            reason="x",
            duration=timedelta(days=2),
            issued_by=None,
        )


def test_agency_admin_issues_a_grant_on_the_step_up_page(oidc, person, other_person):
    other_person.sign_in("support")
    support = _user(other_person)
    person.sign_in("admin")
    page = person.client.get("/grants/")
    token = (
        page.cookies.get("cg_test_agency_csrftoken")
        or person.client.cookies["cg_test_agency_csrftoken"]
    )
    response = person.client.post(
        "/grants/",
        {
            "user": support.pk,
            "scope": "admin",
            "minutes": "30",
            "reason": "ticket 7",
            "csrfmiddlewaretoken": token.value,
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get(user=support)
    assert grant.issued_by == _user(person)
    assert timedelta(minutes=29) < grant.expires_at - grant.issued_at <= timedelta(minutes=30)
    assert other_person.client.get("/admin/").status_code == 200


def test_a_counselor_cannot_open_the_grant_page(oidc, person):
    person.sign_in("counselor")
    assert person.client.get("/grants/").status_code == 404
