"""Two real agency deployments on PostgreSQL, each its own server process and database."""

from __future__ import annotations

import html
import re

import pytest
import requests

from tests.processes import csrf_post, manage, server, sign_in

pytestmark = pytest.mark.processes
UUID_PATH = re.compile(r"/applications/([0-9a-f-]{36})/$")


@pytest.fixture(scope="module")
def agencies(platform):
    for slug in ("acme", "beacon"):
        platform.provision(slug)
        manage(platform.agency_env(slug), "seed_demo", "--count", "2")
    with server(platform.agency_env("acme")) as a, server(platform.agency_env("beacon")) as b:
        yield {"acme": a, "beacon": b}


def _start_application(base: str, cookie_prefix: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    sign_in(session, base, "consumer", "genie-demo-2026")
    response = csrf_post(session, f"{base}/apply/", f"{cookie_prefix}_csrftoken")
    assert response.status_code == 302
    match = UUID_PATH.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return session, match.group(1)


def test_application_of_agency_a_is_not_reachable_through_agency_b(agencies):
    session_a, public_id = _start_application(agencies["acme"], "cg_acme")
    own = session_a.get(f"{agencies['acme']}/applications/{public_id}/", timeout=10)
    assert own.status_code == 200
    assert public_id in own.text
    assert "Acme Credit Counseling" in own.text

    session_b = requests.Session()
    sign_in(session_b, agencies["beacon"], "consumer", "genie-demo-2026")
    foreign = session_b.get(f"{agencies['beacon']}/applications/{public_id}/", timeout=10)
    assert foreign.status_code == 404
    assert public_id not in foreign.text


def test_session_cookie_of_agency_a_is_not_accepted_by_agency_b(agencies):
    session_a, public_id = _start_application(agencies["acme"], "cg_acme")
    session_value = session_a.cookies["cg_acme_session"]
    assert "cg_beacon_session" not in session_a.cookies

    for cookie_name in ("cg_acme_session", "cg_beacon_session"):
        response = requests.get(
            f"{agencies['beacon']}/applications/{public_id}/",
            cookies={cookie_name: session_value},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/accounts/login/")


def test_deployment_with_b_slug_on_a_database_refuses_to_serve(platform, agencies):
    acme_url = platform.agency_env("acme")["DATABASE_URL"]
    wrong = platform.agency_env("beacon", DATABASE_URL=acme_url)

    with server(wrong) as url:
        page = requests.get(f"{url}/", timeout=10)
        text = html.unescape(page.text)
        assert page.status_code == 503
        assert "configured for 'beacon'" in text
        assert "belongs to 'acme'" in text
        assert "Acme Credit Counseling" not in text
        login = requests.get(f"{url}/accounts/login/", timeout=10)
        assert login.status_code == 503

    check = manage(wrong, "check", "--database", "default", check=False)
    assert check.returncode != 0
    assert "tenants.E001" in check.stderr
    migrate = manage(wrong, "migrate", "--noinput", check=False)
    assert migrate.returncode != 0
