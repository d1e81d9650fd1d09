"""k-anonymity at the source: a generated population of 2,100 consumers in two agencies goes
through the real outbox and shipping task in two waves, then the re-identification attacks
run against the shipped Parquet files: no pseudonym is unique on the quasi-identifiers, every
combination covers at least five consumers, and no household is matched uniquely from its ZIP
code and birth year. The same attacks on the stream's finest bands single out most of them."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from integrations.warehouse import facts as f
from integrations.warehouse.deidentify import PROFILE_COLUMNS, profile_fields, pseudonym
from integrations.warehouse.generalise import SMALL_ZIP3, Fine, generalised, key_of
from integrations.warehouse.geography import region_of, state_of
from integrations.warehouse.models import OutboxEvent, ProfileRelease
from integrations.warehouse.services import outbox_emit
from integrations.warehouse.tasks import warehouse_ship
from tests.integrations.warehouse.conftest import ANALYTICS_KEY, read_all

pytestmark = pytest.mark.django_db

FIRST_WAVE = dt.datetime(2026, 3, 14, 15, tzinfo=dt.UTC)
SECOND_WAVE = dt.datetime(2026, 3, 15, 11, tzinfo=dt.UTC)
# agency -> (consumers, its big ZIP3 areas): a local agency's clients crowd a few areas.
AGENCIES = {"acme": (1400, ("303", "300", "301", "302")), "beacon": (700, ("752", "750"))}


@dataclass(frozen=True)
class Person:
    agency: str
    ref: str
    zip_code: str
    birth_date: dt.date
    household_size: int
    monthly_income: Decimal
    unsecured_debt: Decimal

    @property
    def pid(self) -> str:
        key = bytes.fromhex(ANALYTICS_KEY)
        return pseudonym(key=key, kind="consumer", agency=self.agency, ref=self.ref)


def _money(rng: random.Random, median: float, sigma: float) -> Decimal:
    return Decimal(f"{rng.lognormvariate(math.log(median), sigma):.2f}")


def population(seed: int = 2026) -> list[Person]:
    """Skewed like an agency's clients: half in a few big ZIP3s, the rest over a long tail
    (small areas included), ages 18-90 around the forties, households 1-9, log-normal money."""
    rng = random.Random(seed)
    people = []
    for agency, (count, big) in AGENCIES.items():
        tail = [f"{n:03d}" for n in rng.sample(range(5, 1000), 180)] + sorted(SMALL_ZIP3)[:4]
        areas = [*big, *tail]
        weights = [400 / (rank + 1) for rank in range(len(big))]
        weights += [6 / (rank + 1) ** 0.7 for rank in range(len(tail))]
        for n in range(count):
            (zip3,) = rng.choices(areas, weights)
            age = min(90, max(18, round(rng.triangular(18, 90, 42))))
            born = FIRST_WAVE.date() - dt.timedelta(days=365.25 * age + rng.randrange(365))
            people.append(
                Person(
                    agency=agency,
                    ref=f"{agency}-{n}",
                    zip_code=f"{zip3}{rng.randrange(100):02d}",
                    birth_date=born,
                    household_size=rng.choices(range(1, 10), (28, 26, 17, 13, 8, 4, 2, 1, 1))[0],
                    monthly_income=_money(rng, 3400, 0.55),
                    unsecured_debt=_money(rng, 18000, 0.85),
                )
            )
    return people


def _profile(person: Person) -> f.Profile:
    return f.Profile(
        birth_date=person.birth_date,
        zip_code=person.zip_code,
        household_size=person.household_size,
        monthly_income=person.monthly_income,
        unsecured_debt=person.unsecured_debt,
    )


def emit_and_ship(people: list[Person], at: dt.datetime) -> dict[str, dict]:
    """Each person starts and submits an application (every third enrolls), through the real
    outbox; then each agency's shipping task runs. Returns the task's result per agency."""
    results = {}
    for agency in AGENCIES:
        with override_settings(CREDITGENIE_TENANT=agency):
            with transaction.atomic():
                for n, person in enumerate(p for p in people if p.agency == agency):
                    subject = f.Subject(consumer_ref=person.ref, case_ref=f"case-{person.ref}")
                    emit = {"subject": subject, "occurred_at": at}
                    outbox_emit(event_type="application_started", facts={}, **emit)
                    outbox_emit(event_type="submitted", facts={"profile": _profile(person)}, **emit)
                    if n % 3 == 0:
                        outbox_emit(event_type="step_completed", facts={"step": "debts"}, **emit)
            results[agency] = warehouse_ship()
    return results


def _combinations(rows: list[dict]) -> dict[tuple, set[str]]:
    """Consumers per (agency, profile columns) of the shipped submitted events. The profile
    columns hold the six quasi-identifiers (geography as ZIP3, state and region) and the
    level: grouping by them is finer than by the six, so a group of five here is five there."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        groups[(row["agency"], *key_of(row))].add(row["consumer_pid"])
    return groups


def _band_holds(label: str | None, ages: tuple[int, ...]) -> bool:
    if label is None:
        return True
    low, _, high = label.partition("-")
    low = "0" if low == "18" else low  # "18-24" also takes any younger age
    return any(int(low.rstrip("+")) <= age <= (int(high) if high else 200) for age in ages)


def zip_and_birth_year_matches(people: list[Person], rows: list[dict]) -> Counter[int]:
    """The attack: knowing a household's agency, ZIP code and birth year, how many shipped
    pseudonyms could be it? Returns households per number of candidates."""
    by_place: dict[tuple, list[tuple[str | None, set[str]]]] = defaultdict(list)
    for (agency, *values), pids in _combinations(rows).items():
        row = dict(zip(PROFILE_COLUMNS, values, strict=True))
        by_place[agency, row["zip3"], row["state"], row["region"]].append((row["age_band"], pids))
    found: Counter[int] = Counter()
    for person in people:
        zip3 = person.zip_code[:3]
        places = product((None, zip3), (None, state_of(zip3)), (None, region_of(zip3)))
        year = FIRST_WAVE.year - person.birth_date.year
        candidates: set[str] = set()
        for place in places:
            for age_band, pids in by_place.get((person.agency, *place), ()):
                if _band_holds(age_band, (year - 1, year)):
                    candidates |= pids
        found[len(candidates)] += 1
    return found


def _finest_rows(people: list[Person]) -> list[dict]:
    """What the stream would ship without the ladder: everyone at its finest level."""
    rows = []
    for person in people:
        fine = Fine(**profile_fields(_profile(person), on=FIRST_WAVE.date()))
        rows.append({"agency": person.agency, "consumer_pid": person.pid} | generalised(fine, 0))
    return rows


def test_a_shipped_population_resists_re_identification(warehouse: Path):
    people = population()
    assert len(people) == 2100
    first, second = people[::5] + people[1::5] + people[2::5], people[3::5] + people[4::5]

    waves = [emit_and_ship(first, FIRST_WAVE), emit_and_ship(second, SECOND_WAVE)]

    assert all(not r["failed"] for wave in waves for r in wave.values())
    rows = read_all(warehouse).filter("event_type = 'submitted'").to_arrow_table().to_pylist()
    shipped = {row["consumer_pid"] for row in rows}
    held = {e.payload["consumer_pid"] for e in OutboxEvent.objects.filter(released=False)}
    assert len(rows) == len(shipped) == len(people) - len(held)  # one submission each
    assert shipped | held == {person.pid for person in people} and not shipped & held
    assert held == set()  # (at most four per agency could wait for a fifth)
    assert ProfileRelease.objects.count() == len(shipped)

    groups = _combinations(rows)
    sizes = Counter(len(pids) for pids in groups.values())
    assert min(sizes) >= 5 and sizes[1] == 0  # no pseudonym is alone in its combination
    matches = zip_and_birth_year_matches(people, rows)
    assert matches[1] == 0 and min(n for n in matches if n) >= 5

    # The same attacks on the finest bands (the stream before the ladder) single people out.
    finest = _finest_rows(people)
    alone = sum(1 for pids in _combinations(finest).values() if len(pids) == 1)
    assert (alone, zip_and_birth_year_matches(people, finest)[1]) == (1669, 175)
    # Where the ladder put them (generalise.LEVELS): most keep state or ZIP3 and age.
    levels = Counter(row["profile_level"] for row in rows)
    assert sorted(levels.items()) == [
        (0, 5),
        (1, 29),
        (2, 235),
        (3, 606),
        (4, 817),
        (5, 24),
        (6, 250),
        (7, 91),
        (8, 43),
    ]
    assert (len(groups), sum(sizes[n] for n in range(5, 10))) == (202, 98)


PROFILE = f.Profile(
    birth_date=dt.date(1980, 5, 1),
    zip_code="30318",
    household_size=2,
    monthly_income=Decimal("2500.00"),
    unsecured_debt=Decimal("12000.00"),
)
AWAY = f.Profile(**{**PROFILE.__dict__, "zip_code": "31405"})  # same state, another ZIP3


def _submit(refs: list[str], profile: f.Profile, at: dt.datetime = FIRST_WAVE) -> None:
    with transaction.atomic():
        for ref in refs:
            subject = f.Subject(consumer_ref=ref, case_ref=f"case-{ref}-{at:%d}")
            emit = {"subject": subject, "occurred_at": at}
            outbox_emit(event_type="application_started", facts={}, **emit)
            outbox_emit(event_type="submitted", facts={"profile": profile}, **emit)


def _submitted(root: Path) -> list[dict]:
    table = read_all(root).filter("event_type = 'submitted'").order("occurred_hour")
    return table.to_arrow_table().to_pylist()


def _hold_four_then_coarsen_with_a_fifth(root: Path) -> None:
    _submit([f"p{n}" for n in range(4)], PROFILE)
    assert warehouse_ship() == {"batches": 1, "events": 4, "failed": False}
    assert OutboxEvent.objects.filter(released=False).count() == 4
    _submit(["p4"], AWAY)
    assert warehouse_ship() == {"batches": 1, "events": 6, "failed": False}


STATE_LEVEL = {
    "profile_level": 3,
    "age_band": "45-54",
    "zip3": None,
    "state": "GA",
    "region": "south",
    "household_band": "2",
    "income_band": "2000-3999",
    "debt_band": "10000-34999",
}


def test_a_rare_profile_waits_for_peers_then_ships_at_the_level_they_share(warehouse):
    _hold_four_then_coarsen_with_a_fifth(warehouse)

    rows = _submitted(warehouse)
    assert len({row["consumer_pid"] for row in rows}) == 5
    assert all({k: row[k] for k in PROFILE_COLUMNS} == STATE_LEVEL for row in rows)
    started = read_all(warehouse).filter("event_type = 'application_started'")
    assert started.to_arrow_table().num_rows == 5
    assert not OutboxEvent.objects.filter(released=False).exists()


def test_a_consumer_shipped_coarse_is_never_shipped_finer_later(warehouse):
    _hold_four_then_coarsen_with_a_fifth(warehouse)
    # Five newcomers share p0's exact profile; p0 applies again with it.
    _submit([f"n{n}" for n in range(5)] + ["p0"], PROFILE, at=SECOND_WAVE)

    assert warehouse_ship() == {"batches": 1, "events": 12, "failed": False}

    key = bytes.fromhex(ANALYTICS_KEY)
    p0 = pseudonym(key=key, kind="consumer", agency="test-agency", ref="p0")
    rows = _submitted(warehouse)
    again = [{k: row[k] for k in PROFILE_COLUMNS} for row in rows if row["consumer_pid"] == p0]
    assert again == [STATE_LEVEL, STATE_LEVEL]  # the second time as the first, not finer
    newcomers = [{k: row[k] for k in PROFILE_COLUMNS} for row in rows[-6:]]
    assert newcomers.count(STATE_LEVEL) == 1
    assert newcomers.count(STATE_LEVEL | FINEST) == 5
    assert ProfileRelease.objects.count() == 10


FINEST = {
    "profile_level": 0,
    "age_band": "45-49",
    "zip3": "303",
    "household_band": "2",
    "income_band": "2000-2999",
    "debt_band": "10000-19999",
}
