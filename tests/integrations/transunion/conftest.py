from __future__ import annotations

import pytest

from tests.integrations.plaid.sandboxes import sandbox


@pytest.fixture(scope="session")
def bureau_url():
    with sandbox("transunion") as url:
        yield url


@pytest.fixture
def bureau(settings, bureau_url):
    settings.TRANSUNION_URL, settings.TRANSUNION_LOOKUP_URL = bureau_url, f"{bureau_url}/lookup"
    settings.TRANSUNION_TIMEOUT = (2, 5)
    return bureau_url
