"""The periods figures are shown for: whole calendar quarters and years, nothing in between.

Free date ranges would let a reader subtract one range from another and isolate a few days'
cases; fixed periods leave only "a year minus its quarters", which the rounding rules of
`disclosure.py` are tested against (docs/decisions/0011-small-cell-protection.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext

PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")
FIRST_YEAR = 2020


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None  # None: the whole year

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        return str(self.year) if self.quarter is None else f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        if self.quarter is None:
            return gettext("%(year)s, the whole year") % {"year": self.year}
        return gettext("%(year)s, quarter %(quarter)s") % {
            "year": self.year,
            "quarter": self.quarter,
        }

    def quarters(self) -> list[Period]:
        return [Period(self.year, q) for q in range(1, 5)] if self.quarter is None else [self]


def parse_period(text: str) -> Period | None:
    """ "2026" or "2026-Q2"; None for anything else."""
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        return None
    quarter = match.group("quarter")
    return Period(int(match.group("year")), int(quarter) if quarter else None)


def period_choices(today: dt.date) -> list[Period]:
    """The periods offered, newest first: each year from FIRST_YEAR to this one, then its quarters
    that have begun."""
    periods: list[Period] = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        periods.append(Period(year))
        periods.extend(p for p in reversed(Period(year).quarters()) if p.start <= today)
    return periods


def current_quarter(today: dt.date) -> Period:
    return Period(today.year, (today.month - 1) // 3 + 1)
