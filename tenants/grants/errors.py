"""Errors of the access grants."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class GrantError(Exception):
    """A grant could not be issued (bad grantee, duration or reason)."""


class GrantRequired(PermissionDenied):
    """The person needs a live grant for this scope and holds none (a 403)."""
