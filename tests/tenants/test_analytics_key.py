"""The platform's analytics key at the front door: made once in its key file (owner-only),
never replaced, refused when corrupt; the front door's environment wins over the file.
(The front door's init_deployment making it: tests/tenants/test_provisioning.py.)"""

from __future__ import annotations

import re

import pytest

from tenants.analytics_key import (
    AnalyticsKeyError,
    analytics_key_file_ensure,
    platform_analytics_key,
    stream_environment,
)


def test_the_key_file_is_made_once_owner_only_and_never_replaced(tmp_path):
    path = tmp_path / "keys" / "analytics.key"

    assert analytics_key_file_ensure(path) is True
    key = path.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert analytics_key_file_ensure(path) is False
    assert path.read_text().strip() == key


def test_a_corrupt_key_file_is_refused_not_replaced(tmp_path):
    path = tmp_path / "analytics.key"
    path.write_text("not-a-key\n")

    with pytest.raises(AnalyticsKeyError, match="does not hold 64 hex digits"):
        analytics_key_file_ensure(path)
    assert path.read_text() == "not-a-key\n"


def test_the_environment_key_wins_and_otherwise_the_file_is_made(settings, tmp_path):
    settings.CREDITGENIE_ANALYTICS_KEY_FILE = tmp_path / "analytics.key"
    settings.CREDITGENIE_ANALYTICS_KEY, settings.CREDITGENIE_ANALYTICS_KEY_IN_ENV = "ab" * 32, True
    settings.CREDITGENIE_WAREHOUSE_URL = "file:///srv/warehouse"

    assert stream_environment() == {
        "CREDITGENIE_ANALYTICS_KEY": "ab" * 32,
        "CREDITGENIE_WAREHOUSE_URL": "file:///srv/warehouse",
    }
    assert not (tmp_path / "analytics.key").exists()

    settings.CREDITGENIE_ANALYTICS_KEY_IN_ENV = False
    key = platform_analytics_key()
    assert key == (tmp_path / "analytics.key").read_text().strip() != "ab" * 32
