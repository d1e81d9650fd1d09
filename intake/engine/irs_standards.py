"""IRS Collection Financial Standards, shipped as versioned data.

The table (``intake/engine/data/irs_collection_financial_standards_2025.json``) is a
copy of the sourced research file. Sections carry their own effective dates
(2025 national standards and transportation, 2024 health care and housing
examples). A value the source did not give is ``None`` and is reported as
"no standard available", never guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

DATA_FILE = "irs_collection_financial_standards_2025.json"
TABLE_NAME = "IRS Collection Financial Standards"
TABLE_YEAR = 2025

# IRS transportation regions follow the Census regions; only the South was sourced.
SOUTH_REGION = frozenset(
    {"DE", "MD", "DC", "VA", "WV", "KY", "TN", "NC", "SC"}
    | {"GA", "FL", "AL", "MS", "AR", "LA", "OK", "TX"}
)


@dataclass(frozen=True)
class StandardsVersion:
    """Which table a figure came from, for display next to every benchmark."""

    name: str
    year: int
    effective_date: date
    effective_note: str
    source_urls: tuple[str, ...]
    data_file: str


@dataclass(frozen=True)
class Standard:
    """One benchmark: ``amount`` is ``None`` when no standard is available."""

    label: str
    amount: Decimal | None
    effective_date: date | None
    source_url: str
    note: str = ""


def _leading_date(text: str) -> date:
    """Parse the ``YYYY-MM-DD`` that starts an effective-date string."""
    return date.fromisoformat(text[:10])


def _dollars(value: str | None) -> Decimal | None:
    """Whole-dollar string from the table, or ``None`` when the source gave none."""
    return None if value is None else Decimal(value)


_PAIRS = frozenset({"childcare_support", "apparel_services", "water_sewer_trash"})


def words(name: str) -> str:
    """A stored name as plain words for a sentence: "childcare_support" -> "childcare and
    support", "apparel_services" -> "apparel and services", "personal_care" -> "personal
    care"."""
    return name.replace("_", " and " if name in _PAIRS else " ")


@dataclass(frozen=True)
class IrsStandards:
    """Lookups into the table; each returns a :class:`Standard`."""

    version: StandardsVersion
    table: Any

    def national_item(self, item: str, household_size: int) -> Standard:
        """National standard for one item (food, apparel_services, ...)."""
        row = self.table["national_standards"].get(str(household_size))
        note = "" if row else "The IRS gives only a total for households above four."
        amount = _dollars(row[item]) if row else None
        return self._national(item, amount, note)

    def national_total(self, household_size: int) -> Standard:
        """Total national standard; $394 per person beyond four."""
        table = self.table["national_standards"]
        if household_size <= 4:
            return self._national("total", Decimal(table[str(household_size)]["total"]), "")
        extra = Decimal(table["additional_person"]["total"]) * (household_size - 4)
        return self._national("total", Decimal(table["4"]["total"]) + extra, "")

    def _national(self, item: str, amount: Decimal | None, note: str) -> Standard:
        return Standard(
            f"national standard for {words(item)}",
            amount,
            self.version.effective_date,
            self.version.source_urls[0],
            note,
        )

    def health_care(self, household_size: int, members_65_and_over: int) -> Standard:
        """Out-of-pocket health care for the household (2024 figures)."""
        section = self.table["out_of_pocket_health_care"]
        under = household_size - members_65_and_over
        amount = (
            Decimal(section["under_65"]) * under
            + Decimal(section["65_and_over"]) * members_65_and_over
        )
        return Standard(
            "out-of-pocket health care",
            amount,
            date.fromisoformat(section["effective_date"]),
            section["source_url"],
            section["note"],
        )

    def transportation(self, state: str | None, vehicles: int) -> Standard:
        """Operating costs (South region only) or public transportation."""
        section = self.table["transportation"]
        effective = _leading_date(section["effective_date"])
        if vehicles == 0:
            amount = _dollars(section["public_transportation_national"])
            return Standard("public transportation", amount, effective, section["source_url"])
        if state not in SOUTH_REGION:
            note = "Operating costs were sourced for the South region only."
            return Standard("vehicle operating costs", None, effective, section["source_url"], note)
        south = section["operating_costs_examples"]["South_region"]
        amount = _dollars(south["one_car" if vehicles == 1 else "two_cars"])
        return Standard("vehicle operating costs", amount, effective, section["source_url"])

    def housing_utilities(self, state: str | None, county: str | None, size: int) -> Standard:
        """Housing and utilities for a county, when that county's figures were sourced."""
        for example in self.table["housing_utilities_examples"]:
            if (example["state"], example["county"]) == (state, county):
                key = "5_or_more" if size >= 5 else str(size)
                return Standard(
                    f"housing and utilities: {county}, {state}",
                    _dollars(example["by_household_size"][key]),
                    date.fromisoformat(example["effective_date"]),
                    example["source_url"],
                    example.get("note", ""),
                )
        note = "Local housing and utilities figures were sourced for a few counties only."
        return Standard("housing and utilities", None, None, "", note)


@cache
def load_standards() -> IrsStandards:
    """Read the shipped table once; the version comes from the file itself."""
    text = resources.files("intake.engine").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    table = json.loads(text)
    version = StandardsVersion(
        name=TABLE_NAME,
        year=TABLE_YEAR,
        effective_date=_leading_date(table["effective_date"]),
        effective_note=table["effective_date"],
        source_urls=tuple(url.split(" ")[0] for url in table["source_urls"]),
        data_file=DATA_FILE,
    )
    return IrsStandards(version=version, table=table)
