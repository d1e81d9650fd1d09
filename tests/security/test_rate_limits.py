"""Rate limits on the front door and sign-in: a friendly 429, counted per client address."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings as django_settings

from tests.security.csp import csp_directives

ROUTING = "/r/no-such-code/"
STILL = datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)


@pytest.fixture
def tight_limits(settings):
    groups = {
        name: dict(group) for name, group in django_settings.CREDITGENIE_RATE_LIMIT_GROUPS.items()
    }
    groups["routing"]["rate"] = "3/m"
    groups["sign-in"]["rate"] = "2/m"
    settings.CREDITGENIE_RATE_LIMIT_GROUPS = groups
    # The counters are per window of a minute: a test whose requests straddle two windows
    # would see the count start again. The clock stands still while the test counts.
    with time_machine.travel(STILL, tick=False):
        yield


def _assert_friendly_429(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.content.decode()
    assert "<h1>Please wait a moment</h1>" in body
    assert "Traceback" not in body
    assert csp_directives(response["Content-Security-Policy"])["default-src"] == ["'self'"]


@pytest.mark.urls("creditgenie.urls_frontdoor")
def test_front_door_routes_share_one_limit_per_address(client, db, settings, tight_limits):
    settings.IS_FRONTDOOR = True
    statuses = [client.get(path).status_code for path in (ROUTING, "/r/other", "/route/")]
    assert statuses == [404, 404, 400]
    _assert_friendly_429(client.get("/route/?state=GA"))
    assert client.get("/agencies/").status_code == 200  # the plain list is not limited
    assert client.get(ROUTING, REMOTE_ADDR="198.51.100.7").status_code == 404


def test_sign_in_posts_are_limited_but_the_form_is_not(client, agency_profile, tight_limits):
    wrong = {"username": "nobody", "password": "wrong-password"}
    assert [client.post("/accounts/login/", wrong).status_code for _ in range(2)] == [200, 200]
    _assert_friendly_429(client.post("/accounts/login/", wrong))
    assert client.get("/accounts/login/").status_code == 200


def test_limit_follows_the_trusted_proxy_address(client, agency_profile, tight_limits, settings):
    settings.CREDITGENIE_TRUSTED_PROXY_COUNT = 1
    wrong = {"username": "nobody", "password": "wrong-password"}

    def post(client_address: str) -> int:
        forwarded = f"203.0.113.9, {client_address}"  # the first entry is the client's claim
        return client.post("/accounts/login/", wrong, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [post("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert post("198.51.100.2") == 200
