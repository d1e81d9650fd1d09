"""Security headers on every response; no-store on every response to a signed-in person."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.security.csp import NONCE_SOURCE, csp_directives, without_nonce

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
}
ANONYMOUS_PAGES = ["/", "/accounts/login/", "/healthz", "/readyz", "/brand.css", "/no-such-page/"]
SCRIPT_NONCE = re.compile(r'<script src="[^"]+" nonce="([^"]+)"></script>')


def _assert_security_headers(response) -> None:
    assert without_nonce(csp_directives(response["Content-Security-Policy"])) == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_anonymous_response_carries_the_security_headers(client, agency_profile, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    _assert_security_headers(response)


def test_script_tags_carry_this_responses_nonce(client, agency_profile):
    first, second = client.get("/"), client.get("/")
    nonces = []
    for response in (first, second):
        header_nonces = NONCE_SOURCE.findall(response["Content-Security-Policy"])
        page_nonces = SCRIPT_NONCE.findall(response.content.decode())
        assert len(page_nonces) == 2
        assert set(page_nonces) == set(header_nonces)
        nonces += header_nonces
    assert nonces[0] != nonces[1]


def test_pages_have_no_inline_script_or_style(client, agency_profile):
    body = client.get("/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert re.findall(r"<style|\sstyle=|\son[a-z]+=", body) == []


def test_public_stylesheet_stays_cacheable_for_anonymous_visitors(client, agency_profile):
    assert client.get("/brand.css")["Cache-Control"] == "max-age=300"


def test_every_response_to_a_signed_in_person_is_no_store(client, cast):
    consumer = cast.users["consumer_a"]
    client.force_login(consumer)
    application = reverse("intake:application", args=[cast.application_a.public_id])
    for path in ("/", "/brand.css", application, "/no-such-page/"):
        response = client.get(path)
        _assert_security_headers(response)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "no-cache", "must-revalidate", "private", "max-age=0"} <= cache_control
        assert response["Expires"]
