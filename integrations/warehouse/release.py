"""Releasing held ``submitted`` events: their profile generalised so that every combination
ever shipped by this agency covers at least five consumers (generalise.py, docs/analytics.md)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count

from .deidentify import PROFILE_COLUMNS
from .generalise import Fine, Key, key_of, placements
from .models import OutboxEvent, ProfileRelease

logger = logging.getLogger(__name__)

_CHUNK = 500


@dataclass(frozen=True)
class ReleaseResult:
    released: int = 0  # events
    held: int = 0  # events still waiting for enough peers


def combination_text(key: Key) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def _columns(combination: str) -> dict[str, Any]:
    return dict(zip(PROFILE_COLUMNS, json.loads(combination), strict=True))


def shipped_combinations(agency: str) -> Counter[Key]:
    """Consumers of `agency` already shipped per combination of the profile columns."""
    rows = (
        ProfileRelease.objects.filter(agency=agency)
        .values("combination")
        .annotate(consumers=Count("pk"))
    )
    return Counter(
        {key_of(_columns(row["combination"])): row["consumers"] for row in rows.order_by()}
    )


def _known(pids: list[str]) -> dict[str, dict[str, Any]]:
    known: dict[str, dict[str, Any]] = {}
    for start in range(0, len(pids), _CHUNK):
        rows = ProfileRelease.objects.filter(consumer_pid__in=pids[start : start + _CHUNK])
        known |= {row.consumer_pid: _columns(row.combination) for row in rows}
    return known


def profiles_release() -> ReleaseResult:
    """Fills the profile columns of every held ``submitted`` event that can be released now.

    A consumer already shipped keeps the values first shipped. The others are placed by
    generalise.placements over the held consumers and the shipped history; those it cannot
    place stay held. Side effects, in one transaction: ProfileRelease rows for the newly
    placed consumers; their events' payloads filled, ``profile`` emptied, ``released`` set.
    Held rows are locked (skipping rows another run holds): adding consumers to a
    combination only grows it, so two runs never break the guarantee.
    """
    try:
        with transaction.atomic():
            return _release()
    except IntegrityError:  # a concurrent run placed the same consumer first
        logger.warning("warehouse profile release raced another run; retried next run")
        return ReleaseResult(held=OutboxEvent.objects.filter(released=False).count())


def _release() -> ReleaseResult:
    held = list(
        OutboxEvent.objects.select_for_update(skip_locked=True)
        .filter(released=False, shipped_batch__isnull=True)
        .order_by("pk")
        .only("pk", "payload", "profile")
    )
    if not held:
        return ReleaseResult()
    agency = settings.CREDITGENIE_TENANT
    by_consumer: dict[str, list[OutboxEvent]] = {}
    for event in held:
        by_consumer.setdefault(event.payload["consumer_pid"], []).append(event)
    columns = _known(sorted(by_consumer))
    first = {pid: Fine(**events[0].profile) for pid, events in by_consumer.items()}
    placed = placements(
        {pid: fine for pid, fine in first.items() if pid not in columns},
        shipped_combinations(agency),
    )
    ProfileRelease.objects.bulk_create(
        [
            ProfileRelease(
                agency=agency,
                consumer_pid=pid,
                level=row["profile_level"],
                combination=combination_text(key_of(row)),
            )
            for pid, row in sorted(placed.items())
        ],
        batch_size=_CHUNK,
    )
    columns |= placed
    released = [event for pid, events in by_consumer.items() if pid in columns for event in events]
    for event in released:
        event.payload = event.payload | columns[event.payload["consumer_pid"]]
        event.profile, event.released = None, True
    OutboxEvent.objects.bulk_update(released, ["payload", "profile", "released"], batch_size=_CHUNK)
    return ReleaseResult(released=len(released), held=len(held) - len(released))
