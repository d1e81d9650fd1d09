"""Reads of access grants."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import Grant


def grants_live(*, at: datetime | None = None) -> QuerySet[Grant]:
    at = at or timezone.now()
    return Grant.objects.filter(revoked_at__isnull=True, issued_at__lte=at, expires_at__gt=at)


def grant_live_for(*, user: object, scope: str, at: datetime | None = None) -> Grant | None:
    """The live grant of ``user`` for ``scope`` that lasts longest, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return grants_live(at=at).filter(user=user, scope=scope).order_by("-expires_at").first()
