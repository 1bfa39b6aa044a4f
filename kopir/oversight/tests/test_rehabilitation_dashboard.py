"""The rehabilitation dashboard's figures, against counts made by hand: no data, one
organisation's measures of every outcome (exactly 5 and exactly 4 in a cell), failures by coded
reason, redirects, disputes, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kopir.oversight.disclosure import Total
from kopir.oversight.periods import Period
from kopir.oversight.selectors.rehabilitation import rehabilitation_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tests.measures import (
    HOLDER_CELLS,
    agency,
    every_outcome,
    measures,
    outcome_cells,
)
from kopir.rehabilitation.models.execution import MeasureStatus, NotDeliveredReason
from kopir.rehabilitation.tests.factories import MeasureTypeFactory

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)
TODAY = dt.date(2026, 3, 15)


def test_no_data_shows_nothing() -> None:
    board = rehabilitation_dashboard(Scope(Q1), today=TODAY)
    assert board.by_organisation == []
    assert board.total.due == Total(0, 0)
    assert board.median_days_to_delivery is None
    assert all(row.failed == Total(0, 0) for row in board.by_reason)


def test_one_organisation_every_outcome_counted_by_hand() -> None:
    holder, other_type_holder = agency(), agency()
    every_outcome(holder, other_type_holder)

    board = rehabilitation_dashboard(Scope(Q1), today=TODAY)
    first = next(r for r in board.by_organisation if r.label == holder.name)
    assert outcome_cells(first) == HOLDER_CELLS
    # Due: the five outcomes as shown, 5 + <5 + 5 + 5 + 5.
    assert first.due == Total(20, 1)
    # Disputes are counted in the on-time cell (0) and the late cell (1): both "<5".
    assert first.disputed == Total(0, 2)
    assert first.redirected == Total(5, 0)
    other = next(r for r in board.by_organisation if r.label == other_type_holder.name)
    assert other.on_time == Total(0, 1)
    assert board.total.on_time.value == 5
    by_reason = {row.label: row.failed for row in board.by_reason}
    assert by_reason[str(NotDeliveredReason.REFUSED.label)] == Total(5, 0)
    assert by_reason[str(NotDeliveredReason.OTHER.label)] == Total(0, 0)
    # Every measure of the catalogue in force has its row; the two with measures here:
    assert [r.on_time for r in board.by_type if r.on_time != Total(0, 0)] in (
        [Total(5, 0), Total(0, 1)],
        [Total(0, 1), Total(5, 0)],
    )
    # 12 delivered: 40..44 days, 54 days four times (late), 22 days three times: sorted
    # 22 22 22 40 41 42 43 44 54 54 54 54, the 6th is the median.
    assert board.median_days_to_delivery == 42


def test_four_delivered_show_no_median_and_the_organisation_filter() -> None:
    holder, elsewhere = agency(), agency()
    measure_type = MeasureTypeFactory.create()
    measures(
        holder,
        measure_type,
        4,
        status=MeasureStatus.DELIVERED,
        delivered_on=dt.date(2026, 2, 1),
    )
    measures(elsewhere, measure_type, 5)
    board = rehabilitation_dashboard(Scope(Q1, organisation=holder), today=TODAY)
    assert board.median_days_to_delivery is None
    [row] = board.by_organisation  # the organisation asked for, alone
    assert row.on_time == Total(0, 1)
    assert row.due == Total(0, 1)
    assert str(row.due) == "each <5"


def test_the_query_count_does_not_grow_with_the_data(django_assert_max_num_queries: Any) -> None:
    measure_type = MeasureTypeFactory.create()
    for _ in range(3):
        measures(
            agency(),
            measure_type,
            5,
            status=MeasureStatus.DELIVERED,
            delivered_on=dt.date(2026, 2, 1),
        )
    # Whether the precomputed store is there (it is not), the grid, the redirects, the
    # organisations' and types' names, the count delivered and the median (one query on either
    # database).
    with django_assert_max_num_queries(7):
        board = rehabilitation_dashboard(Scope(Q1), today=TODAY)
    assert board.total.on_time.value == 15
    assert board.median_days_to_delivery == 22
