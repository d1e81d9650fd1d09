"""Writes of the tenants app."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Agency, AgencyProfile, RoutingCount


def agency_profile_ensure(*, name: str, short_name: str = "") -> AgencyProfile:
    """Creates the agency profile if missing; an existing profile is left as edited.

    Side effects: may insert the single AgencyProfile row.
    """
    profile, _ = AgencyProfile.objects.get_or_create(
        singleton=1,
        defaults={"name": name, "short_name": short_name or name, "languages": ["en", "es"]},
    )
    return profile


def routing_count_increment(*, agency: Agency | None, method: str) -> None:
    """Adds one to today's anonymous tally for this agency and method.

    Concurrency-safe: an UPDATE ... SET count = count + 1, and on a missing row an
    insert that falls back to the update if another request created it first.
    """
    day = timezone.localdate()
    rows = RoutingCount.objects.filter(agency=agency, day=day, method=method)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            RoutingCount.objects.create(agency=agency, day=day, method=method, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)
