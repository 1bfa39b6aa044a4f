"""Kazakhstan's working-day calendar, for legal deadlines counted in working days.

Public holidays (and the days off the government moves onto weekdays) come from the maintained
`holidays` library. When a day off is moved, a weekend day becomes a working day; the library
names it in the holiday's title ("Day off (substituted from 05.01.2025)"), and we read it from
there. Decrees the library does not know yet are entered by an administrator as
`WorkingDayOverride` rows, which win over everything else.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import holidays

_SUBSTITUTED_FROM = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=32)
def _library_calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off on weekdays, weekend days made working) for one year, from the library."""
    calendar = holidays.country_holidays("KZ", years=[year - 1, year, year + 1], language="en_US")
    days_off = frozenset(day for day in calendar if day.year == year)
    moved_working: set[dt.date] = set()
    for name in calendar.values():
        for match in _SUBSTITUTED_FROM.finditer(name):
            # The library writes the date in the locale's order; en_US uses MM/DD/YYYY.
            month, day, year_text = (int(part) for part in match.groups())
            moved = dt.date(year_text, month, day)
            if moved.year == year:
                moved_working.add(moved)
    return days_off, frozenset(moved_working)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from kopir.core.models import WorkingDayOverride

    return dict(
        WorkingDayOverride.objects.filter(date__range=(start, end)).values_list(
            "date", "is_working"
        )
    )


def _is_working(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    days_off, moved_working = _library_calendar(day.year)
    if day in moved_working:
        return True
    return day.weekday() < 5 and day not in days_off


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _overrides(day, day))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start` (the day of the event itself not counted).

    "Within 10 working days of receipt" received on a Friday before a holiday ends on the tenth
    working day after it. `count` 0 gives the first working day on or after `start`.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    # Enough room for holidays: read overrides once for the whole span.
    horizon = start + dt.timedelta(days=count * 2 + 30)
    overrides = _overrides(start, horizon)
    day = start
    if count == 0:
        while not _is_working(day, overrides):
            day += dt.timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=60)
            overrides = _overrides(day, horizon)
        if _is_working(day, overrides):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, overrides):
            count += 1
    return count
