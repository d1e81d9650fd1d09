"""Django's password sign-in (the demo's dev sign-in, and deployments without an identity
provider), with the signed-in user's roles read in the same query as the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .roles import user_with_roles


class PasswordBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any | None:
        """The user of a session, roles included (tenants.roles.user_with_roles); None if
        they are gone or inactive, as Django's own backend answers."""
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
