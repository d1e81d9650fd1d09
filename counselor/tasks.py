"""Celery tasks of the counselor side: thin interfaces that call one service."""

from __future__ import annotations

from celery import shared_task

from .services.dashboard import dashboard_snapshot_refresh
from .services.follow_ups import follow_ups_digest_send


@shared_task(name="counselor.follow_ups_digest")
def follow_ups_digest_task() -> int:
    """Beat (daily, "follow-ups-digest"): each counselor's notice of follow-ups due."""
    return follow_ups_digest_send()


@shared_task(name="counselor.dashboard_refresh")
def dashboard_refresh_task() -> str:
    """Beat (every minute, "dashboard-refresh"): the supervisor dashboard's figures counted
    again into the snapshot its page reads; returns the time they are as of."""
    return dashboard_snapshot_refresh().computed_at.isoformat()
