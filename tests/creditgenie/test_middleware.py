"""Our middleware: language selection for Spanish-speaking consumers, the security policy
header and no-store, each cached per process but identical to what the libraries write."""

from __future__ import annotations

import pytest
from csp.constants import SELF
from csp.utils import build_policy
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

from creditgenie.middleware import NEVER_CACHE

pytestmark = pytest.mark.django_db


def test_language_follows_accept_language(client, agency_profile):
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert spanish["Content-Language"] == "es"
    assert 'lang="es"' in spanish.content.decode()
    assert "Accept-Language" in spanish["Vary"]
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert english["Content-Language"] == "en"


def test_language_cookie_wins_over_accept_language(client, agency_profile, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "es"
    assert settings.LANGUAGE_COOKIE_NAME == "cg_test_agency_language"


def test_policy_header_is_django_csps_own_with_each_responses_nonce(client, agency_profile):
    first, second = client.get("/"), client.get("/")

    for response in (first, second):
        nonce = response.wsgi_request._csp_nonce
        assert response["Content-Security-Policy"] == build_policy(nonce=nonce)
    assert first.wsgi_request._csp_nonce != second.wsgi_request._csp_nonce


def test_policy_header_without_a_nonce_is_django_csps_own(client):
    response = client.get("/healthz")  # no template, so no nonce asked for

    assert response["Content-Security-Policy"] == build_policy()
    assert "nonce-" not in response["Content-Security-Policy"]


def test_policy_header_follows_a_settings_change(client, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"] | {"img-src": [SELF]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}

    response = client.get("/healthz")

    assert "img-src 'self';" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"] == build_policy()


def test_no_store_header_is_the_one_django_writes():
    response = HttpResponse()
    add_never_cache_headers(response)

    assert response["Cache-Control"] == NEVER_CACHE


def test_signed_in_page_is_no_store_and_varies_on_cookie_and_language(client, consumer):
    client.force_login(consumer)
    response = client.get("/")

    assert response["Cache-Control"] == NEVER_CACHE
    assert response["Vary"] == "Cookie, Accept-Language"


def test_signed_in_request_reads_only_the_session_when_the_page_needs_no_user(
    client, consumer, django_assert_num_queries
):
    client.force_login(consumer)

    with django_assert_num_queries(1):  # the session row; the user is not loaded
        response = client.get("/healthz")

    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == NEVER_CACHE
