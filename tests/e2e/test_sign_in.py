"""The whole sign-in, end to end: a browser (Playwright driving Debian's Chromium) and an
HTTP client against a real deployment and the real provider."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from tests.e2e.conftest import oidc_env
from tests.integrations.oidc.devprovider import DEMO_PASSWORD
from tests.integrations.oidc.flows import provider_sign_in, provider_sign_out
from tests.processes import PG_SERVER, free_port, server

pytestmark = pytest.mark.processes
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _roles(database: str, subject: str) -> set[str]:
    with psycopg.connect(f"{PG_SERVER}/{database}", connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT g.name FROM integrations_oidcidentity i "
            "JOIN auth_user_groups ug ON ug.user_id = i.user_id "
            "JOIN auth_group g ON g.id = ug.group_id WHERE i.subject = %s",
            [subject],
        ).fetchall()
    return {name for (name,) in rows}


def _http_sign_in(deployment, username: str) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{deployment.url}/accounts/login/?next=/", timeout=10)
    assert 'name="password"' not in login.text  # no password form in a deployment
    start = re.search(r'id="sign-in-provider" href="([^"]+)"', login.text).group(1)
    authorize = session.get(
        f"{deployment.url}{start.replace('&amp;', '&')}", allow_redirects=False, timeout=10
    ).headers["Location"]
    back = provider_sign_in(session, authorize, username, DEMO_PASSWORD, deployment.url)
    assert session.get(back, allow_redirects=False, timeout=10).headers["Location"] == "/"
    return session


def test_http_client_signs_in_each_role_through_the_provider(deployment):
    for username, role in (
        ("consumer", "consumer"),
        ("counselor", "counselor"),
        ("admin", "agency_admin"),
    ):
        session = _http_sign_in(deployment, username)
        subject = deployment.provider.person("acme", username)["sub"]
        assert _roles(deployment.database, subject) == {role}
        admin = session.get(f"{deployment.url}/admin/", allow_redirects=False, timeout=10)
        assert admin.status_code == (200 if role == "agency_admin" else 403)


def test_http_client_logout_ends_both_sessions(deployment):
    session = _http_sign_in(deployment, "supervisor")
    cookie = session.cookies["cg_acme_session"]
    token = session.cookies["cg_acme_csrftoken"]
    out = session.post(
        f"{deployment.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{deployment.url}/"},
        allow_redirects=False,
        timeout=10,
    )
    assert out.headers["Location"].startswith(f"{deployment.provider.issuer}/session/end?")
    done = provider_sign_out(session, out.headers["Location"])
    assert done.headers["Location"] == f"{deployment.url}/accounts/signed-out/"
    stale = requests.get(
        f"{deployment.url}/admin/",
        cookies={"cg_acme_session": cookie},
        allow_redirects=False,
        timeout=10,
    )
    assert stale.headers["Location"].startswith("/accounts/login/")


def test_browser_signs_a_consumer_in_and_out(deployment, tmp_path):
    shots = Path(tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{deployment.url}/")
        page.get_by_role("link", name="Sign in to start").click()
        page.screenshot(path=shots / "1-sign-in.png", full_page=True)
        page.locator("#sign-in-provider").click()
        expect(page.get_by_role("heading", name="Sign in to acme")).to_be_visible()
        page.fill("#username", "consumer")
        page.fill("#password", DEMO_PASSWORD)
        page.screenshot(path=shots / "2-provider.png", full_page=True)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Start or continue my application")).to_be_visible()
        assert page.url == f"{deployment.url}/"
        page.screenshot(path=shots / "3-signed-in.png", full_page=True)
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Yes, sign me out").click()
        expect(page.get_by_role("heading", name="You were signed out")).to_be_visible()
        browser.close()
    subject = deployment.provider.person("acme", "consumer")["sub"]
    assert _roles(deployment.database, subject) == {"consumer"}


def test_cookies_are_secure_httponly_lax_and_named_in_production_settings(platform, deployment):
    env = oidc_env(
        platform, int(deployment.provider.issuer.rsplit(":", 1)[1]), CREDITGENIE_HTTPS="true"
    )
    with server(env) as url:
        https = {"X-Forwarded-Proto": "https"}
        plain = requests.get(f"{url}/accounts/login/", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        start = requests.get(
            f"{url}/oidc/authenticate/", headers=https, allow_redirects=False, timeout=10
        )
        assert start.status_code == 302
        cookie = start.headers["Set-Cookie"]
        assert cookie.startswith("cg_acme_session=")
        for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert attribute in cookie.split("; "), cookie
    assert free_port()
