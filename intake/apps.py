from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"

    def ready(self) -> None:
        from .services import retention_parts  # noqa: F401 (registers purge handlers)
        from .services.notices import notice_hooks_register

        notice_hooks_register()
