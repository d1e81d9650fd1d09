"""Environment defaults for the test suite, loaded as an early pytest plugin.

Tests talk to real services: the PostgreSQL and Redis this machine runs. Every
value can be overridden from the environment (CI or a developer's shell).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/creditgenie",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/15",
    "CREDITGENIE_TENANT": "test-agency",
    "CREDITGENIE_ROLE": "agency",
    "CREDITGENIE_HTTPS": "false",
    "CREDITGENIE_LOCAL_RUN": "true",
    "CREDITGENIE_DEV_LOGIN": "true",
    "SECRET_KEY": "test-only-secret-key-not-for-deployments-0123456789abcdef",
    "DJANGO_DEBUG": "false",
    "WHITENOISE_USE_FINDERS": "true",
    "LOG_LEVEL": "WARNING",
    # Test-only models that exercise the encrypted fields (tests/encryption_app).
    "CREDITGENIE_TEST_APPS": "true",
    "CREDITGENIE_BLIND_INDEX_KEY": "5e" * 32,
}

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditgenie.settings")
for key, value in DEFAULTS.items():
    os.environ.setdefault(key, value)

if "CREDITGENIE_KEY_FILE" not in os.environ:
    # A fresh local master key per run, as provisioning makes one per agency.
    from tenants.encryption.keyfile import create_key_file

    _key = Path(tempfile.mkdtemp(prefix="cg-test-keys-")) / "test-agency.key"
    create_key_file(_key)
    os.environ["CREDITGENIE_KEY_FILE"] = str(_key)

if "CREDITGENIE_AUDIT_ANCHOR_URL" not in os.environ:
    # The audit chain's anchors of this run, in a folder of their own (write-once files).
    _anchors = Path(tempfile.mkdtemp(prefix="cg-test-anchors-"))
    os.environ["CREDITGENIE_AUDIT_ANCHOR_URL"] = f"file://{_anchors}"
