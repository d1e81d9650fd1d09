from __future__ import annotations

from django.apps import AppConfig


class CounselorConfig(AppConfig):
    name = "counselor"
