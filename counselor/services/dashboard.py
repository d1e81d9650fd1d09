"""Writes of the supervisor dashboard: counting its figures again into the snapshot the page
reads (docs/counselor.md, "Supervisor dashboard")."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from counselor.models import DashboardSnapshot
from counselor.selectors.dashboard import FIGURES, Dashboard, dashboard_figures, dashboard_of


def dashboard_snapshot_refresh() -> Dashboard:
    """Counts the figures (``dashboard_figures``: six aggregate queries) and keeps them as the
    snapshot, stamped with the time the counting began; returns the dashboard they make.

    Side effects: the one ``DashboardSnapshot`` row is inserted or rewritten in one statement
    (INSERT ... ON CONFLICT DO UPDATE), so two refreshes at once both succeed and the later
    write stays."""
    computed_at = timezone.now()
    figures = dashboard_figures()
    DashboardSnapshot.objects.bulk_create(
        [DashboardSnapshot(computed_at=computed_at, **asdict(figures))],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["computed_at", *FIGURES],
    )
    return dashboard_of(figures, computed_at=computed_at)
