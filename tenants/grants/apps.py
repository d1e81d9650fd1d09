from __future__ import annotations

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "tenants.grants"
    label = "grants"
    verbose_name = "Time-boxed access grants"

    def ready(self) -> None:
        # Session clocks start at every login (tenants/signin.py). Connected here, with
        # the agency's access-control app, because the front door has no sign-in.
        from django.contrib.auth.signals import user_logged_in

        from tenants.signin import session_start

        user_logged_in.connect(session_start, dispatch_uid="creditgenie-session-start")
