from __future__ import annotations

from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "tenants.uploads"
    label = "uploads"
    default_auto_field = "django.db.models.BigAutoField"
