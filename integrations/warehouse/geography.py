"""Where a three-digit ZIP area lies: its state (USPS prefix ranges) and its Census region.

Public reference data, the generalisation hierarchy of the warehouse's geography
(ZIP3 → state → region → suppressed, docs/analytics.md). Pure Python, no Django.
"""

from __future__ import annotations

from bisect import bisect_right

# (first ZIP3 of a run, state) in ascending order; a run ends where the next one starts.
# Unassigned prefixes inside a run are attributed to it; prefixes before 005 have no state.
_RUNS = (
    (0, None),
    (5, "NY"),
    (6, "PR"),
    (8, "VI"),
    (9, "PR"),
    (10, "MA"),
    (28, "RI"),
    (30, "NH"),
    (39, "ME"),
    (50, "VT"),
    (55, "MA"),
    (56, "VT"),
    (60, "CT"),
    (70, "NJ"),
    (90, "AE"),
    (100, "NY"),
    (150, "PA"),
    (197, "DE"),
    (200, "DC"),
    (201, "VA"),
    (202, "DC"),
    (206, "MD"),
    (220, "VA"),
    (247, "WV"),
    (270, "NC"),
    (290, "SC"),
    (300, "GA"),
    (320, "FL"),
    (340, "AA"),
    (341, "FL"),
    (350, "AL"),
    (370, "TN"),
    (386, "MS"),
    (398, "GA"),
    (400, "KY"),
    (430, "OH"),
    (460, "IN"),
    (480, "MI"),
    (500, "IA"),
    (530, "WI"),
    (550, "MN"),
    (569, "DC"),
    (570, "SD"),
    (580, "ND"),
    (590, "MT"),
    (600, "IL"),
    (630, "MO"),
    (660, "KS"),
    (680, "NE"),
    (700, "LA"),
    (716, "AR"),
    (730, "OK"),
    (750, "TX"),
    (800, "CO"),
    (820, "WY"),
    (832, "ID"),
    (840, "UT"),
    (850, "AZ"),
    (870, "NM"),
    (885, "TX"),
    (889, "NV"),
    (900, "CA"),
    (962, "AP"),
    (967, "HI"),
    (969, "GU"),
    (970, "OR"),
    (980, "WA"),
    (995, "AK"),
)
_STARTS = tuple(start for start, _ in _RUNS)

# The four Census regions; territories and military post offices form a fifth.
_REGIONS = {
    "northeast": ("CT", "MA", "ME", "NH", "NJ", "NY", "PA", "RI", "VT"),
    "midwest": ("IA", "IL", "IN", "KS", "MI", "MN", "MO", "ND", "NE", "OH", "SD", "WI"),
    "south": (
        *("AL", "AR", "DC", "DE", "FL", "GA", "KY", "LA", "MD"),
        *("MS", "NC", "OK", "SC", "TN", "TX", "VA", "WV"),
    ),
    "west": ("AK", "AZ", "CA", "CO", "HI", "ID", "MT", "NM", "NV", "OR", "UT", "WA", "WY"),
    "territories": ("AA", "AE", "AP", "GU", "PR", "VI"),
}
REGION_OF_STATE = {state: region for region, states in _REGIONS.items() for state in states}


def state_of(zip3: str | None) -> str | None:
    """The state (or territory, or military post office code) of a three-digit ZIP area."""
    if zip3 is None:
        return None
    return _RUNS[bisect_right(_STARTS, int(zip3)) - 1][1]


def region_of(zip3: str | None) -> str | None:
    state = state_of(zip3)
    return None if state is None else REGION_OF_STATE[state]
