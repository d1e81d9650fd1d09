from __future__ import annotations

from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Agency"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the deployment stamp check)
        from .models import AgencyProfile
        from .selectors import agency_profile_forget

        for signal in (post_save, post_delete):
            signal.connect(agency_profile_forget, sender=AgencyProfile, dispatch_uid="profile")
