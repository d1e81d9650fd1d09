"""Reads of document storage."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import StoredFile


def stored_files_for_case(*, case_id: str) -> QuerySet[StoredFile]:
    """The files of one case (an application's public id), oldest first."""
    return StoredFile.objects.filter(case_id=case_id).order_by("created_at", "pk")


def stored_files_pending_ids(*, older_than: timedelta) -> list[int]:
    """Ids of files still waiting for their scan after `older_than`."""
    cutoff = timezone.now() - older_than
    pending = StoredFile.objects.filter(status=StoredFile.Status.PENDING, created_at__lt=cutoff)
    return list(pending.order_by("pk").values_list("pk", flat=True))
