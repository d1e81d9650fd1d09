"""In-process tests of sign-in against the real local OpenID provider (a node process).

Our views run in this process (Django's test client, host ``testserver``), so
time-machine moves their clock; the provider's pages are walked with ``requests``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client

from integrations.oidc.client import cache_clear
from tests.integrations.oidc.devprovider import (
    DEMO_PASSWORD,
    DevProvider,
    client_entry,
    dev_provider,
)
from tests.integrations.oidc.flows import provider_sign_in

pytestmark = pytest.mark.processes
CLIENT_ID = "cg-inprocess"
TESTSERVER = "http://testserver"


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevProvider]:
    tmp = tmp_path_factory.mktemp("devprovider")
    with dev_provider(tmp, [client_entry(CLIENT_ID, "acme", TESTSERVER)]) as running:
        yield running


@pytest.fixture
def oidc(settings, provider: DevProvider, db: None) -> DevProvider:
    """This process's settings pointed at the provider, as a deployment's (no dev login)."""
    entry = client_entry(CLIENT_ID, "acme", TESTSERVER)
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = entry["client_id"]
    settings.OIDC_RP_CLIENT_SECRET = entry["client_secret"]
    settings.CREDITGENIE_DEV_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = ["integrations.oidc.backend.OidcBackend"]
    cache_clear()
    yield provider
    cache_clear()


class Person:
    """A browser: our app through Django's test client, the provider through requests."""

    def __init__(self) -> None:
        self.client = Client()
        self.browser = requests.Session()

    def sign_in(self, username: str, password: str = DEMO_PASSWORD, **query: str):
        """The whole authorization code flow; returns the callback's response."""
        start = self.client.get(f"/oidc/authenticate/?{urlencode(query)}")
        assert start.status_code == 302, start.status_code
        return self.follow_provider(start["Location"], username, password)

    def follow_provider(self, url: str, username: str, password: str = DEMO_PASSWORD):
        back = provider_sign_in(self.browser, url, username, password, f"{TESTSERVER}/")
        return self.client.get(back.removeprefix(TESTSERVER))


@pytest.fixture
def person() -> Person:
    return Person()


@pytest.fixture
def other_person() -> Person:
    return Person()
