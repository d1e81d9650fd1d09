"""Matching a creditor name, as it appears on a credit report, to the agency's terms.

Pure code (no Django). The rule, in order; the first that matches wins:

1. **name**: the normalized name equals a row's normalized creditor name;
2. **alias**: it equals one of a row's normalized aliases ("SYNCB/AMAZON");
3. **prefix**: a row's name or alias is a whole-word prefix of it ("SYNCB" matches
   "SYNCB/CARE CREDIT", "CAPITAL ONE" matches "CAPITAL ONE BANK USA NA"); the longest
   such prefix (in words) wins, ties go to the alphabetically first creditor;
4. **default**: the agency's default row, or the engine's default terms when the agency
   has none.

Names are compared in the one normal form of ``intake.engine.creditors`` (the verification
matches stated debts to tradelines with it too): "SYNCB/AMAZON", "syncb amazon" and
"Synchrony Amazon Store Card" are the same name, "JPMCB CARD" is "Chase". A name that
normalizes to nothing ("Bank", "Card Services") only ever gets the default. Inactive rows
never match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from counselor.engine.dmp import DEFAULT_TERMS, Concessions
from intake.engine.creditors import creditor_key

NAME, ALIAS, PREFIX, DEFAULT = "name", "alias", "prefix", "default"


@dataclass(frozen=True)
class TermsRow:
    """The current version of one creditor entry, as the matcher needs it."""

    public_id: str
    version: int
    creditor: str
    aliases: tuple[str, ...]
    terms: Concessions
    is_default: bool = False
    active: bool = True


@dataclass(frozen=True)
class TermsMatch:
    """Which row matched ``name`` and by which rule; ``row`` is None for engine defaults."""

    name: str
    rule: str
    row: TermsRow | None
    terms: Concessions

    @property
    def label(self) -> str:
        """The matched entry's creditor name, or "default terms"."""
        return self.row.creditor if self.row else "default terms"


class TermsTable:
    """An agency's current terms, indexed for :meth:`match`; ``terms_for`` suits propose_plan."""

    def __init__(self, rows: Iterable[TermsRow]) -> None:
        active = [row for row in rows if row.active]
        self.default = next((row for row in active if row.is_default), None)
        self.by_name: dict[str, TermsRow] = {}
        self.by_alias: dict[str, TermsRow] = {}
        for row in sorted(active, key=lambda r: creditor_key(r.creditor)):
            if row.is_default:
                continue
            if name_key := creditor_key(row.creditor):
                self.by_name.setdefault(name_key, row)
            for key in filter(None, map(creditor_key, row.aliases)):
                self.by_alias.setdefault(key, row)
        self._prefixes = sorted(
            {**self.by_alias, **self.by_name}.items(),
            key=lambda item: (-len(item[0].split()), creditor_key(item[1].creditor)),
        )

    def match(self, name: str) -> TermsMatch:
        """The terms for ``name`` by the rule in the module docstring."""
        key = creditor_key(name)
        if key in self.by_name:
            return TermsMatch(name, NAME, self.by_name[key], self.by_name[key].terms)
        if key in self.by_alias:
            return TermsMatch(name, ALIAS, self.by_alias[key], self.by_alias[key].terms)
        words = key.split()
        for prefix, row in self._prefixes:
            size = len(prefix.split())
            if prefix and words[:size] == prefix.split():
                return TermsMatch(name, PREFIX, row, row.terms)
        if self.default is not None:
            return TermsMatch(name, DEFAULT, self.default, self.default.terms)
        return TermsMatch(name, DEFAULT, None, DEFAULT_TERMS)

    def terms_for(self, name: str) -> Concessions:
        """``terms_for`` for :func:`counselor.engine.dmp.propose_plan`."""
        return self.match(name).terms
