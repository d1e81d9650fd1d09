from __future__ import annotations

from django.apps import AppConfig


class EncryptionTestAppConfig(AppConfig):
    """Models that exist only in the test suite (CREDITGENIE_TEST_APPS=true), so the encrypted
    field family is tested on PostgreSQL before the intake models exist."""

    name = "tests.encryption_app"
    label = "encryption_testapp"
    default_auto_field = "django.db.models.BigAutoField"
