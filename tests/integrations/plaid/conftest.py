from __future__ import annotations

import pytest
import requests

from integrations.plaid import webhooks
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET, plaid_sandbox


@pytest.fixture(scope="session")
def plaid_url():
    yield from plaid_sandbox()


@pytest.fixture
def plaid(settings, plaid_url):
    """Settings pointing at the sandbox process; faults and counters cleared."""
    settings.PLAID_HOST = plaid_url
    settings.PLAID_CLIENT_ID, settings.PLAID_SECRET = PLAID_ID, PLAID_SECRET
    settings.PLAID_TIMEOUT = (2, 5)
    settings.PLAID_SYNC_PAGE_SIZE = 25
    requests.post(f"{plaid_url}/sandbox/admin/reset", json={}, timeout=5)
    webhooks.keys_clear()
    return plaid_url
