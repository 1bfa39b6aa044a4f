"""The rehabilitation dashboard's figures, against counts made by hand: no data, one
organisation's measures of every outcome (exactly 5 and exactly 4 in a cell), failures by coded
reason, redirects, disputes, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.disclosure import Total
from kopir.oversight.periods import Period
from kopir.oversight.selectors.rehabilitation import rehabilitation_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.rehabilitation.models import Handoff, Measure
from kopir.rehabilitation.models.execution import MeasureStatus, NotDeliveredReason
from kopir.rehabilitation.tests.factories import MeasureFactory, MeasureTypeFactory

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)
TODAY = dt.date(2026, 3, 15)
DUE = dt.date(2026, 3, 1)
ASSIGNED = dt.datetime(2026, 1, 10, 11, tzinfo=timezone.get_default_timezone())


def agency() -> Any:
    return OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)


def measures(organisation: Any, measure_type: Any, count: int, **fields: Any) -> list[Measure]:
    fields = {"status": MeasureStatus.ASSIGNED, "due_on": DUE, **fields}
    return [
        MeasureFactory.create(
            organisation=organisation, measure_type=measure_type, assigned_at=ASSIGNED, **fields
        )
        for _ in range(count)
    ]


def test_no_data_shows_nothing() -> None:
    board = rehabilitation_dashboard(Scope(Q1), today=TODAY)
    assert board.by_organisation == []
    assert board.total.due == Total(0, 0)
    assert board.median_days_to_delivery is None
    assert all(row.failed == Total(0, 0) for row in board.by_reason)


def test_one_organisation_every_outcome_counted_by_hand() -> None:
    holder, other_type_holder = agency(), agency()
    hearing_aid, wheelchair = MeasureTypeFactory.create(), MeasureTypeFactory.create()
    delivered = {"status": MeasureStatus.DELIVERED}
    # 5 on time, delivered 40, 41, 42, 43 and 44 days after assignment (10 January).
    for days in range(40, 45):
        measures(holder, hearing_aid, 1, delivered_on=dt.date(2026, 1, 10) + dt.timedelta(days))
    # 4 late (delivered after the due date), one of them disputed by the person.
    late = measures(holder, hearing_aid, 4, delivered_on=dt.date(2026, 3, 5), **delivered)
    Measure.objects.filter(pk=late[0].pk).update(dispute_count=1)
    # 6 not delivered: the person refused.
    measures(
        holder,
        hearing_aid,
        6,
        status=MeasureStatus.NOT_DELIVERED,
        not_delivered_reason=NotDeliveredReason.REFUSED,
    )
    # 7 still open past the due date; 5 open and due later in the quarter.
    measures(holder, hearing_aid, 7)
    measures(holder, hearing_aid, 5, due_on=dt.date(2026, 3, 30))
    # Left out: cancelled, and due in the next quarter.
    measures(holder, hearing_aid, 5, status=MeasureStatus.CANCELLED)
    measures(holder, hearing_aid, 5, due_on=dt.date(2026, 4, 2))
    # Another organisation, another type: 3 on time.
    measures(other_type_holder, wheelchair, 3, delivered_on=dt.date(2026, 2, 1), **delivered)
    Measure.objects.filter(status=MeasureStatus.ASSIGNED, delivered_on__isnull=False).update(
        status=MeasureStatus.DELIVERED
    )
    # 6 redirects away from the holder in the quarter (one measure's handoff each).
    open_measures = list(Measure.objects.filter(organisation=holder, due_on=DUE, status="assigned"))
    for measure in open_measures[:6]:
        Handoff.objects.create(
            measure=measure,
            from_organisation=holder,
            to_organisation=other_type_holder,
            at=ASSIGNED + dt.timedelta(days=3),
            due_on=DUE,
        )

    board = rehabilitation_dashboard(Scope(Q1), today=TODAY)
    first = next(r for r in board.by_organisation if r.label == holder.name)
    assert (first.on_time, first.late, first.failed, first.overdue, first.pending) == (
        Total(5, 0),
        Total(0, 1),
        Total(5, 0),
        Total(5, 0),
        Total(5, 0),
    )
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
    assert str(row.due) == "<5"


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
