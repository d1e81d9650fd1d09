from __future__ import annotations

from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "tenants.encryption"
    label = "encryption"
