"""Settings of a real server that has one extra URL raising an error (test_pii_logging)."""

from __future__ import annotations

from creditgenie.settings import *  # noqa: F403

ROOT_URLCONF = "tests.security.explode_urls"
