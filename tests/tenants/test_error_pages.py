"""Issue 17: a wrong method or an unknown address shows the agency's own page, in the
visitor's language, with the right status (405 with its Allow header, 404)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tenants.roles import Role, role_grant

PAGES = {
    ("en", 405): ("This page cannot be opened this way", "Go to the start page"),
    ("es", 405): ("Esta página no se puede abrir así", "Ir a la página de inicio"),
    ("en", 404): ("We could not find this page", "Go to the start page"),
    ("es", 404): ("No encontramos esta página", "Ir a la página de inicio"),
}


def _page(client, path: str, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(path)


@pytest.mark.parametrize("language", ["en", "es"])
def test_get_apply_is_the_friendly_405_page(client, consumer, agency_profile, language):
    role_grant(consumer, Role.CONSUMER)
    client.force_login(consumer)
    response = _page(client, "/apply/", language)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    heading, link = PAGES[(language, 405)]
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html and link in html
    assert agency_profile.name in html  # the agency's own page, header and all
    assert f'lang="{language}"' in html


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/applications/00000000-0000-0000-0000-000000000000/"]
)
def test_unknown_address_is_the_friendly_404_page(client, consumer, agency_profile, language, path):
    role_grant(consumer, Role.CONSUMER)
    client.force_login(consumer)  # an application that is not theirs: 404 too
    response = _page(client, path, language)
    assert response.status_code == 404
    heading, link = PAGES[(language, 404)]
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html and link in html
    assert agency_profile.name in html


def test_a_wrong_method_on_a_signed_out_post_only_address_is_405_too(client, agency_profile):
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert "This page cannot be opened this way" in response.content.decode()
