"""Language selection for Spanish-speaking consumers."""

from __future__ import annotations

import pytest

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
