"""Kazakhstan's working-day calendar, for legal deadlines counted in working days.

The calendar and its arithmetic are the maintained `holidays` library's: public holidays, the days
off the government moves onto weekdays, the weekend days it makes working in exchange
(`weekend_workdays`), and counting (`is_working_day`, `get_nth_working_day`,
`get_working_days_count`). Decrees the library does not know yet are entered by an administrator
as `WorkingDayOverride` rows, which are applied on top of the library's calendar and so win over
everything else.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading

import holidays
from holidays import HolidayBase

from kopir.core.reference_cache import ReferenceCache

# The name a day off entered by an administrator carries in the calendar.
OVERRIDE_DAY_OFF = "Day off (WorkingDayOverride)"


# Every override there is (a few a year), kept per process behind a shared version
# (kopir.core.reference_cache); connected to the model's writes in CoreConfig.ready.
OVERRIDES: ReferenceCache[dict[dt.date, bool]] = ReferenceCache("working-day-overrides")


def _all_overrides() -> dict[dt.date, bool]:
    from kopir.core.models import WorkingDayOverride

    return dict(WorkingDayOverride.objects.values_list("date", "is_working"))


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return {
        day: is_working
        for day, is_working in OVERRIDES.get(None, _all_overrides).items()
        if start <= day <= end
    }


_library_lock = threading.Lock()


@functools.lru_cache(maxsize=16)
def _library_calendar(first_year: int, last_year: int) -> HolidayBase:
    """The library's calendar of those years, built once per process: it is the same until the
    library is upgraded (a restart), and building it takes about 10 ms of CPU, which every
    referral sent one by one paid. Shared: only read, never changed (see working_calendar)."""
    return holidays.country_holidays("KZ", years=range(first_year, last_year + 1))


def working_calendar(start: dt.date, end: dt.date) -> HolidayBase:
    """Kazakhstan's calendar with the administrators' overrides from `start` to `end` applied.

    Ask its `is_working_day(day)` for days in that span; outside it only the library speaks.
    The overrides change without a restart: they are read each time, or with a shared cache
    kept per process until one is written (`OVERRIDES`). Without any in the span the answer is
    the library's calendar, built once per process and shared: the caller only reads it. With
    overrides, the calendar with them applied, built once per process for those years and those
    overrides and shared the same way.
    """
    # A transfer is listed under the year of the day off and can name a working weekend day of
    # the year before (3 January 2014 was moved from Saturday 28 December 2013): read the years
    # either side too, so every transfer touching the span is known.
    years = (start.year - 1, end.year + 1)
    overrides = _overrides(start, end)
    if not overrides:
        with _library_lock:  # two threads never build the same years at once
            return _library_calendar(*years)
    with _library_lock:
        return _calendar_with(*years, tuple(sorted(overrides.items())))


@functools.lru_cache(maxsize=32)
def _calendar_with(
    first_year: int, last_year: int, overrides: tuple[tuple[dt.date, bool], ...]
) -> HolidayBase:
    """The library's calendar of those years with `overrides` applied: the same for the same
    arguments, so built once per process (10 ms of CPU each) and shared, only read."""
    calendar = holidays.country_holidays("KZ", years=range(first_year, last_year + 1))
    # This instance's own set, so the overrides below stay in it.
    calendar.weekend_workdays = set(calendar.weekend_workdays)
    for day, is_working in overrides:
        if is_working:
            if day in calendar:
                calendar.pop(day)
            if calendar.is_weekend(day):
                calendar.weekend_workdays.add(day)
        else:
            calendar.weekend_workdays.discard(day)
            calendar[day] = OVERRIDE_DAY_OFF
    return calendar


def is_working_day(day: dt.date) -> bool:
    return bool(working_calendar(day, day).is_working_day(day))


def _nth_working_day(start: dt.date, count: int, direction: int) -> dt.date:
    # The overrides are read for a span with room for the holidays on the way; should the answer
    # fall outside it (a long run of days off), read a longer span and count again.
    reach = dt.timedelta(days=count * 2 + 30)
    while True:
        first, last = (start, start + reach) if direction > 0 else (start - reach, start)
        calendar = working_calendar(first, last)
        if count == 0:
            day = start
            while not calendar.is_working_day(day):
                day += dt.timedelta(days=direction)
        else:
            day = calendar.get_nth_working_day(start, direction * count)
        if first <= day <= last:
            return day
        reach = abs(day - start) + dt.timedelta(days=60)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start` (the day of the event itself not counted).

    "Within 10 working days of receipt" received on a Friday before a holiday ends on the tenth
    working day after it. `count` 0 gives the first working day on or after `start`.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    return _nth_working_day(start, count, +1)


def subtract_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days before `day` (`day` itself not counted).

    The mirror of `add_working_days`: 3 working days before a Monday is the previous Wednesday,
    and holidays are skipped. `count` 0 gives the last working day on or before `day`.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    return _nth_working_day(day, count, -1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    first = start + dt.timedelta(days=1)
    return int(working_calendar(first, end).get_working_days_count(first, end))
