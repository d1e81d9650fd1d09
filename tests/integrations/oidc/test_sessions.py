"""Idle and absolute session limits (time-machine), logout, htmx, cookies."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tenants.audit.models import AuditEvent

pytestmark = pytest.mark.processes


def _later(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_staff_idle_timeout_signs_out_to_a_page_that_leads_back(oidc, person):
    person.sign_in("counselor")
    with _later(14):  # staff land on their workspace: the queue
        assert person.client.get("/counselor/").context["user"].is_authenticated
    with _later(14 + 16):
        response = person.client.get("/?tab=cases")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signed-out/?reason=idle&next=%2F%3Ftab%3Dcases"
    page = person.client.get(response["Location"])
    assert "You were signed out" in page.content.decode()
    assert 'href="/accounts/login/?next=/%3Ftab%3Dcases"' in page.content.decode()
    assert "_auth_user_id" not in person.client.session


def test_consumer_idle_limit_is_thirty_minutes(oidc, person):
    person.sign_in("consumer")
    with _later(29):
        assert person.client.get("/").context["user"].is_authenticated
    with _later(29 + 31):
        assert person.client.get("/").status_code == 302


def test_absolute_lifetime_ends_an_active_staff_session(oidc, person):
    person.sign_in("supervisor")
    for step in range(1, 48):  # active every 10 minutes for 7 h 50 min
        with _later(step * 10):
            assert person.client.get("/counselor/").status_code == 200, step
    with _later(8 * 60 + 1):
        response = person.client.get("/")
    assert response["Location"].startswith("/accounts/signed-out/?reason=absolute")
    assert AuditEvent.objects.filter(purpose="session absolute timeout").count() == 1


def test_htmx_request_after_timeout_gets_401_with_hx_redirect(oidc, person):
    person.sign_in("counselor")
    with _later(20):
        response = person.client.get(
            "/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/apply/"}
        )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/signed-out/?reason=idle&next=%2Fapply%2F"


def test_htmx_request_to_a_login_required_view_gets_401(oidc):
    response = Client().get(
        "/counselor/applications/5d7b1a52-4a8e-4f1e-9a43-1d1c6f0c9e11/audit/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/queue/"},
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fqueue%2F"


def test_logout_kills_the_server_side_session_and_leaves_the_provider(oidc, person):
    person.sign_in("counselor")
    key = person.client.session.session_key
    old_cookie = person.client.cookies["cg_test_agency_session"].value
    response = person.client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"{oidc.issuer}/session/end?client_id=cg-inprocess&post_logout_redirect_uri="
        "http%3A%2F%2Ftestserver%2Faccounts%2Fsigned-out%2F"
    )
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["cg_test_agency_session"] = old_cookie
    assert replay.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", purpose="signed out").count() == 1


def test_session_cookie_is_httponly_lax_and_named_for_the_deployment(oidc, person):
    person.sign_in("counselor")
    cookie = person.client.cookies["cg_test_agency_session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] == ""  # CREDITGENIE_HTTPS=false in tests; see test_cookies.py


def test_auth_time_in_the_session_is_the_tokens(oidc, person):
    before = int(time.time())
    person.sign_in("counselor")
    assert before - 2 <= person.client.session["cg_auth_time"] <= int(time.time())
