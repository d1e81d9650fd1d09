"""Spanish as written in the United States (es-US): the words are Spanish, the numbers are
the ones on US bills ($1,234.56, 24.99%) and dates are typed as on US forms (04/28/1986).

A date shown on a page names its month ("6 dic 2026"): 12/06/2026 reads as June to a
reader from Mexico or Spain and as December to one from the US."""

from __future__ import annotations

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
TIME_FORMAT = "g:i a"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, g:i a"
FIRST_DAY_OF_WEEK = 0  # Sunday
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
