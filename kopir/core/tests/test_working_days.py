from __future__ import annotations

import datetime as dt

import pytest

from kopir.core.models import WorkingDayOverride
from kopir.core.working_days import (
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def test_weekends_and_public_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 11, 28))  # Saturday
    assert not is_working_day(dt.date(2026, 12, 16))  # Independence Day, a Wednesday
    assert not is_working_day(dt.date(2026, 3, 23))  # Nauryz
    assert is_working_day(dt.date(2026, 11, 25))  # an ordinary Wednesday


def test_a_weekend_day_the_government_made_working_counts_as_working():
    # The day off of Friday 3 January 2025 was moved from Sunday 5 January.
    assert not is_working_day(dt.date(2025, 1, 3))
    assert is_working_day(dt.date(2025, 1, 5))


def test_ten_working_days_skip_weekends_and_the_independence_day_holiday():
    # Received Wednesday 9 December 2026: 10, 11, 14, 15, (16 holiday), 17, 18, 21, 22, 23, 24.
    assert add_working_days(dt.date(2026, 12, 9), 10) == dt.date(2026, 12, 24)


def test_seven_working_days_across_nauryz():
    # From Friday 20 March 2026: 21–22 weekend, 23–25 Nauryz; then 26, 27, 30, 31, 1, 2, 3.
    assert add_working_days(dt.date(2026, 3, 20), 7) == dt.date(2026, 4, 3)


def test_zero_working_days_gives_the_next_working_day_on_or_after_the_start():
    assert add_working_days(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)
    assert add_working_days(dt.date(2026, 11, 25), 0) == dt.date(2026, 11, 25)


def test_an_administrators_exception_wins_over_the_library():
    WorkingDayOverride.objects.create(
        date=dt.date(2026, 11, 27), is_working=False, reason="Decree moving a day off"
    )
    WorkingDayOverride.objects.create(
        date=dt.date(2026, 11, 28), is_working=True, reason="Working Saturday by decree"
    )
    assert not is_working_day(dt.date(2026, 11, 27))
    assert is_working_day(dt.date(2026, 11, 28))
    assert add_working_days(dt.date(2026, 11, 26), 2) == dt.date(2026, 11, 30)


def test_working_days_between_counts_the_days_after_the_start_up_to_the_end():
    assert working_days_between(dt.date(2026, 11, 23), dt.date(2026, 11, 30)) == 5
    assert working_days_between(dt.date(2026, 11, 30), dt.date(2026, 11, 23)) == 0


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(dt.date(2026, 1, 1), -1)


def test_a_weekend_day_made_working_in_the_year_before_the_day_off_counts_as_working():
    # The day off of Friday 3 January 2014 was moved from Saturday 28 December 2013.
    assert is_working_day(dt.date(2013, 12, 28))
    assert working_days_between(dt.date(2013, 12, 27), dt.date(2013, 12, 30)) == 2


def test_an_administrator_can_make_a_public_holiday_a_working_day():
    WorkingDayOverride.objects.create(
        date=dt.date(2026, 12, 16), is_working=True, reason="Holiday moved by decree"
    )
    assert is_working_day(dt.date(2026, 12, 16))
    # Received Wednesday 9 December 2026, the 16th now counts: the tenth day is the 23rd.
    assert add_working_days(dt.date(2026, 12, 9), 10) == dt.date(2026, 12, 23)
    assert working_days_between(dt.date(2026, 12, 15), dt.date(2026, 12, 17)) == 2


def test_counting_back_skips_weekends_and_holidays_and_zero_stays_on_a_working_day():
    # Three working days before Friday 18 December 2026: 17, (16 holiday), 15, 14.
    assert subtract_working_days(dt.date(2026, 12, 18), 3) == dt.date(2026, 12, 14)
    assert subtract_working_days(dt.date(2026, 11, 29), 0) == dt.date(2026, 11, 27)
