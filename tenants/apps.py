from __future__ import annotations

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Agency"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment stamp check)
