from __future__ import annotations

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        from .warehouse import tasks  # noqa: F401 (registers integrations.warehouse_ship)
