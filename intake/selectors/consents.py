"""Reads of the consumer's consents."""

from __future__ import annotations

from ..models import Application, Consent


def consent_is_live(application: Application, kind: str) -> bool:
    """Whether the consumer's consent of `kind` is given and not withdrawn. The
    verification side asks this before every credit pull (kind "credit_pull") and bank
    sync (kind "bank_data"): a withdrawn consent stops them."""
    return Consent.objects.filter(
        application=application, kind=kind, withdrawn_at__isnull=True
    ).exists()
