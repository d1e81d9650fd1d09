"""Models of the integrations app, one module per outside system."""

from __future__ import annotations

from .oidc.models import OidcIdentity

__all__ = ["OidcIdentity"]
