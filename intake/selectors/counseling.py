"""Reads of the "talk to a counselor" requests."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import CounselingRequest


def counseling_requests_open() -> QuerySet[CounselingRequest]:
    """The counselor queue of "talk to a counselor" requests not handled yet, oldest first
    (with or without an application: NFCC forbids requiring one)."""
    return CounselingRequest.objects.filter(handled_at__isnull=True).select_related(
        "consumer", "application"
    )
