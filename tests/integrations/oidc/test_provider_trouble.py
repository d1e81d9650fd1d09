"""Provider down or misconfigured: a friendly 503 and a logged event, never a 500."""

from __future__ import annotations

import logging

import pytest

from integrations.oidc.client import cache_clear
from tests.processes import deployment_env, free_port, manage

pytestmark = pytest.mark.processes


def test_unreachable_provider_gives_a_friendly_503(oidc, person, settings, caplog):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    cache_clear()
    with caplog.at_level(logging.WARNING, logger="creditgenie.oidc"):
        response = person.client.get("/oidc/authenticate/")
    text = response.content.decode()
    assert response.status_code == 503
    assert "Sign-in is not available right now" in text
    assert "Traceback" not in text and "ConnectionError" not in text
    record = next(r for r in caplog.records if r.name == "creditgenie.oidc")
    assert (record.event, record.step) == ("oidc_provider_unavailable", "discovery")


def test_wrong_client_secret_is_a_503_not_a_500(oidc, person, settings, caplog):
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    with caplog.at_level(logging.WARNING, logger="creditgenie.oidc"):
        response = person.sign_in("counselor")
    assert response.status_code == 503
    assert "_auth_user_id" not in person.client.session
    record = next(r for r in caplog.records if r.name == "creditgenie.oidc")
    assert record.step == "token"
    assert "invalid_client" in record.detail
    assert record.permanent is True


def test_check_and_migrate_plan_work_while_the_provider_is_down(tmp_path):
    env = deployment_env(
        {
            "DATABASE_URL": "sqlite:///:memory:",
            "SECRET_KEY": "x" * 50,
            "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}",
            "OIDC_RP_CLIENT_ID": "c",
            "OIDC_RP_CLIENT_SECRET": "s",
            "CREDITGENIE_DEV_LOGIN": "false",
        },
        tmp_path,
    )
    assert manage(env, "check").returncode == 0
    assert manage(env, "migrate", "--plan").returncode == 0


def test_cancelled_sign_in_is_a_page_not_an_error(oidc, person):
    start = person.client.get("/oidc/authenticate/")
    state = start["Location"].split("state=")[1].split("&")[0]
    response = person.client.get(f"/oidc/callback/?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "cancelled" in response.content.decode()


def test_unknown_state_is_a_page_not_an_error(oidc, person):
    person.client.get("/oidc/authenticate/")
    response = person.client.get("/oidc/callback/?code=abc&state=forged")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
