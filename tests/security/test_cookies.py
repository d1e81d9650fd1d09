"""Cookie flags and HSTS of a real server run with production transport settings, and a
sign-out that ends the session on the server."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.processes import deployment_env, server

pytestmark = pytest.mark.processes
HTTPS = {"X-Forwarded-Proto": "https"}  # what the load balancer adds in production
PASSWORD = "a-long-test-password"


@pytest.fixture
def https_server(transactional_db, cast, tmp_path) -> Iterator[str]:
    database = settings.DATABASES["default"]["NAME"]
    values = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CREDITGENIE_TENANT": settings.CREDITGENIE_TENANT,
        "SECRET_KEY": "cookie-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "CREDITGENIE_HTTPS": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        # The same agency: its key file unwraps the audit chain key (sign-in is audited).
        "CREDITGENIE_KEY_FILE": str(settings.CREDITGENIE_KEY_FILE),
    }
    with server(deployment_env(values, tmp_path)) as base:
        yield base


def _set_cookies(response: requests.Response) -> dict[str, tuple[str, set[str]]]:
    """name -> (value, lower-cased attributes) of each Set-Cookie header."""
    cookies = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, value = first.split("=", 1)
        cookies[name] = (value, {a.split("=", 1)[0].lower() for a in attributes} | set(attributes))
    return cookies


def _get(base: str, path: str, cookies: dict[str, str]) -> requests.Response:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return requests.get(
        base + path, headers=HTTPS | {"Cookie": cookie}, allow_redirects=False, timeout=10
    )


def _post(base: str, path: str, cookies: dict[str, str], data: dict[str, str]):
    token = cookies[settings.CSRF_COOKIE_NAME]
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    headers = HTTPS | {"Cookie": cookie, "Referer": f"https://127.0.0.1{path}"}
    body = data | {"csrfmiddlewaretoken": token}
    return requests.post(base + path, data=body, headers=headers, allow_redirects=False, timeout=10)


def _sign_in(base: str, username: str) -> tuple[requests.Response, dict[str, str]]:
    form = _get(base, "/accounts/login/", {})
    cookies = {name: value for name, (value, _) in _set_cookies(form).items()}
    response = _post(
        base, "/accounts/login/", cookies, {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response, cookies | {n: v for n, (v, _) in _set_cookies(response).items()}


def test_cookies_are_secure_httponly_lax_and_named_for_the_deployment(https_server):
    form = _get(https_server, "/accounts/login/", {})
    csrf_value, csrf_flags = _set_cookies(form)["cg_test_agency_csrftoken"]
    assert {"secure", "SameSite=Lax", "Path=/"} <= csrf_flags
    assert "httponly" not in csrf_flags  # the form reads its token from the page, not JS
    assert re.fullmatch(r"[A-Za-z0-9]{32}", csrf_value)
    response, _ = _sign_in(https_server, "consumer-a-matrix")
    session_value, flags = _set_cookies(response)["cg_test_agency_session"]
    assert {"secure", "httponly", "SameSite=Lax", "Max-Age=43200", "Path=/"} <= flags
    assert re.fullmatch(r"[a-z0-9]{32}", session_value)


def test_https_responses_carry_hsts_and_plain_http_is_redirected(https_server):
    response = _get(https_server, "/", {})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    plain = requests.get(https_server + "/", allow_redirects=False, timeout=10)
    port = https_server.rsplit(":", 1)[1]
    assert (plain.status_code, plain.headers["Location"]) == (301, f"https://127.0.0.1:{port}/")


def test_sign_out_ends_the_session_on_the_server(https_server, cast):
    page = f"/applications/{cast.application_a.public_id}/"
    _, cookies = _sign_in(https_server, "consumer-a-matrix")
    session_key = cookies["cg_test_agency_session"]
    signed_in = _get(https_server, page, cookies)
    assert signed_in.status_code == 200
    assert "no-store" in signed_in.headers["Cache-Control"]
    assert _post(https_server, "/accounts/logout/", cookies, {}).status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    replayed = _get(https_server, page, cookies)
    assert (replayed.status_code, replayed.headers["Location"]) == (
        302,
        f"/accounts/login/?next={page}",
    )
