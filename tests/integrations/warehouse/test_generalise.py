"""The generalisation ladder and the placement rule, without a database."""

from __future__ import annotations

from integrations.warehouse.deidentify import PROFILE_COLUMNS
from integrations.warehouse.generalise import LEVELS, Fine, generalised, key_of, placements
from integrations.warehouse.geography import region_of, state_of

FINE = Fine(zip3="303", age="45-49", household="7+", income="6000-7999", debt="50000-74999")


def test_each_rung_coarsens_every_quasi_identifier_within_the_one_before():
    ladder = [tuple(generalised(FINE, n)[c] for c in PROFILE_COLUMNS[1:]) for n in range(9)]

    assert len(LEVELS) == 9
    assert ladder == [
        ("45-49", "303", "GA", "south", "7+", "6000-7999", "50000-74999"),
        ("45-54", "303", "GA", "south", "5+", "6000-7999", "50000-74999"),
        ("45-54", "303", "GA", "south", "5+", "4000+", "35000+"),
        ("45-54", None, "GA", "south", "5+", "4000+", "35000+"),
        ("45-54", None, "GA", "south", None, "4000+", "35000+"),
        ("45-54", None, None, "south", None, "4000+", "35000+"),
        (None, None, None, "south", None, "4000+", "35000+"),
        (None, None, None, None, None, "4000+", "35000+"),
        (None, None, None, None, None, None, None),
    ]


def test_small_zip3_areas_never_ship_as_a_zip3_and_unstated_values_stay_empty():
    small = generalised(Fine(zip3="036", age="18-24", household="1"), 0)

    assert (small["zip3"], small["state"], small["region"]) == (None, "NH", "northeast")
    assert (small["age_band"], small["income_band"], small["debt_band"]) == ("18-24", None, None)
    assert generalised(Fine(age="85+"), 1)["age_band"] == "75+"


def test_zip3_areas_map_to_their_state_and_census_region():
    found = {z: (state_of(z), region_of(z)) for z in ("005", "100", "200", "606", "770", "995")}

    assert found == {
        "005": ("NY", "northeast"),
        "100": ("NY", "northeast"),
        "200": ("DC", "south"),
        "606": ("IL", "midwest"),
        "770": ("TX", "south"),
        "995": ("AK", "west"),
    }
    assert (state_of("004"), region_of("004"), state_of(None)) == (None, None, None)


def test_a_group_ships_when_it_and_the_shipped_history_reach_five():
    other = Fine(zip3="606", age="30-34", household="2", income="0-999", debt="0-4999")
    pending = {"a": FINE, "b": FINE, "c": other}
    history = {key_of(generalised(FINE, 0)): 3}

    placed = placements(pending, history)

    assert placed == {"a": generalised(FINE, 0), "b": generalised(FINE, 0)}  # c waits
    assert placements(pending, {}) == {}
    five = {str(n): FINE if n % 2 else other for n in range(5)}  # alike in nothing
    assert {row["profile_level"] for row in placements(five, {}).values()} == {8}
