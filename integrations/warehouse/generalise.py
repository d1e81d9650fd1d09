"""k-anonymity at shipping time: the generalisation ladder and where each consumer lands on it.

A submitted event's profile is kept in the outbox at its finest generalisation (``Fine``).
When it ships, the consumer is placed on the first rung of ``LEVELS`` (finest first) whose
combination of quasi-identifiers covers at least ``MIN_CONSUMERS`` distinct consumers,
counting those already shipped with that very combination; a consumer no rung can place yet
is held back. docs/analytics.md explains the ladder and the guarantees. Pure Python, no Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .deidentify import (
    AGE_BANDS_10,
    AGE_TOP_10,
    DEBT_COARSE,
    DEBT_COARSE_TOP,
    HOUSEHOLD_BANDS,
    HOUSEHOLD_TOP,
    INCOME_COARSE,
    INCOME_COARSE_TOP,
    PROFILE_COLUMNS,
    band,
)
from .geography import region_of, state_of

MIN_CONSUMERS = 5

# HHS de-identification guidance (45 CFR 164.514(b)(2)): three-digit ZIP areas with 20,000
# people or fewer. They are never shipped as a ZIP3: their finest geography is the state.
SMALL_ZIP3 = frozenset(
    (
        *("036", "059", "063", "102", "203", "556", "692", "790", "821"),
        *("823", "830", "831", "878", "879", "884", "890", "893"),
    )
)

Key = tuple[Any, ...]  # a combination: the values of PROFILE_COLUMNS, in their order


@dataclass(frozen=True)
class Fine:
    """The finest profile the outbox keeps (deidentify.profile_fields): ZIP3, 5-year age
    band, household size (7+), fine income and debt bands; None where not stated."""

    zip3: str | None = None
    age: str | None = None
    household: str | None = None
    income: str | None = None
    debt: str | None = None


@dataclass(frozen=True)
class Level:
    """One rung: how far each quasi-identifier is generalised (None: suppressed)."""

    geography: str | None  # "zip3", "state", "region"
    age: str | None  # "5-year", "10-year"
    household: str | None  # "exact", "band"
    money: str | None  # "fine", "coarse"


LEVELS = (
    Level("zip3", "5-year", "exact", "fine"),
    Level("zip3", "10-year", "band", "fine"),
    Level("zip3", "10-year", "band", "coarse"),
    Level("state", "10-year", "band", "coarse"),
    Level("state", "10-year", None, "coarse"),
    Level("region", "10-year", None, "coarse"),
    Level("region", None, None, "coarse"),
    Level(None, None, None, "coarse"),
    Level(None, None, None, None),
)


def _lower(label: str) -> int:
    """A band label's lower bound: "30-34" → 30, "7+" → 7."""
    return int(label.split("-")[0].rstrip("+"))


def _coarser(label: str | None, bands: tuple[tuple[int, str], ...], top: str) -> str | None:
    return None if label is None else band(_lower(label), bands, top)


def _geography(zip3: str | None, level: str | None) -> dict[str, str | None]:
    shown = {"zip3": 3, "state": 2, "region": 1, None: 0}[level]
    return {
        "zip3": zip3 if shown >= 3 and zip3 not in SMALL_ZIP3 else None,
        "state": state_of(zip3) if shown >= 2 else None,
        "region": region_of(zip3) if shown >= 1 else None,
    }


def _kept(label: str | None, how: str | None, finest: str, coarse: tuple) -> str | None:
    """`label` as it is (`how` is the finest step), coarsened to `coarse` (bands, top), or
    suppressed (`how` is None)."""
    if how is None:
        return None
    return label if how == finest else _coarser(label, *coarse)


def generalised(fine: Fine, index: int) -> dict[str, Any]:
    """The exported profile columns of `fine` on rung `index` of LEVELS."""
    level = LEVELS[index]
    return {
        "profile_level": index,
        "age_band": _kept(fine.age, level.age, "5-year", (AGE_BANDS_10, AGE_TOP_10)),
        **_geography(fine.zip3, level.geography),
        "household_band": _kept(
            fine.household, level.household, "exact", (HOUSEHOLD_BANDS, HOUSEHOLD_TOP)
        ),
        "income_band": _kept(fine.income, level.money, "fine", (INCOME_COARSE, INCOME_COARSE_TOP)),
        "debt_band": _kept(fine.debt, level.money, "fine", (DEBT_COARSE, DEBT_COARSE_TOP)),
    }


def key_of(columns: Mapping[str, Any]) -> Key:
    return tuple(columns[name] for name in PROFILE_COLUMNS)


def placements(
    pending: Mapping[str, Fine], shipped: Mapping[Key, int], *, k: int = MIN_CONSUMERS
) -> dict[str, dict[str, Any]]:
    """Where each not-yet-shipped consumer (pseudonym → Fine) lands: pseudonym → columns.

    Rung by rung, finest first, the consumers still unplaced are grouped by their
    combination on that rung; a group is placed when it and the consumers already shipped
    with the same combination (`shipped`: combination → consumers) reach `k`. Consumers
    left after the last rung are missing from the result: they wait for the next run.
    Deterministic: the same inputs give the same placements.
    """
    placed: dict[str, dict[str, Any]] = {}
    left = sorted(pending)
    for index in range(len(LEVELS)):
        groups: dict[Key, list[str]] = defaultdict(list)
        columns: dict[Key, dict[str, Any]] = {}
        for pid in left:
            row = generalised(pending[pid], index)
            key = key_of(row)
            groups[key].append(pid)
            columns[key] = row
        left = []
        for key, pids in groups.items():
            if len(pids) + shipped.get(key, 0) >= k:
                placed |= dict.fromkeys(pids, columns[key])
            else:
                left += pids
    return placed
