"""Age bands shown instead of the exact age wherever a depersonalised case is read.

The age in years and the sex, together with a clinic and a date, can single out one person among
the few a division handles (a probe matched three cases out of three). A band keeps what the
expert needs to weigh the case and to choose the right kind of outcome: the child bands follow
the law's own lines, a child under 7 and a child aged 7 to 18 (Order No. 260 of 29.06.2023,
docs/domain/mse.md §5), and each adult band is wide enough to hold many persons of one division.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # None: and over

    def __str__(self) -> str:
        if self.high is None:
            return _("%(low)d years and over") % {"low": self.low}
        return _("%(low)d–%(high)d years") % {"low": self.low, "high": self.high}


AGE_BANDS = (
    AgeBand(0, 6),
    AgeBand(7, 17),
    AgeBand(18, 29),
    AgeBand(30, 44),
    AgeBand(45, 59),
    AgeBand(60, None),
)


def age_in_years(birth_date: dt.date, on: dt.date) -> int:
    """The age in completed years on the day `on`: what the completeness rules, the kind of
    outcome, the bands and the rehabilitation suggestion rules look at."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def band_of_age(age: int) -> AgeBand:
    """The band the age in full years falls in."""
    for band in AGE_BANDS:
        if age >= band.low and (band.high is None or age <= band.high):
            return band
    raise ValueError(f"no age band for {age}")
