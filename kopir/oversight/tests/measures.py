"""Rehabilitation measures made to measure for the dashboards' tests: one quarter (2026 Q1) with
an organisation holding a cell of every outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.disclosure import Total
from kopir.rehabilitation.models import Handoff, Measure
from kopir.rehabilitation.models.execution import MeasureStatus, NotDeliveredReason
from kopir.rehabilitation.tests.factories import MeasureFactory, MeasureTypeFactory

DUE = dt.date(2026, 3, 1)
ASSIGNED = dt.datetime(2026, 1, 10, 11, tzinfo=timezone.get_default_timezone())


def agency(**fields: Any) -> Any:
    return OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL, **fields)


def measures(organisation: Any, measure_type: Any, count: int, **fields: Any) -> list[Measure]:
    fields = {"status": MeasureStatus.ASSIGNED, "due_on": DUE, **fields}
    return [
        MeasureFactory.create(
            organisation=organisation, measure_type=measure_type, assigned_at=ASSIGNED, **fields
        )
        for _ in range(count)
    ]


HOLDER_CELLS = (Total(5, 0), Total(0, 1), Total(5, 0), Total(5, 0), Total(5, 0))
"""What `every_outcome`'s holder shows in 2026 Q1, published (`outcome_cells`): 5, <5 (4 late),
5 (6 failed), 5 (7 overdue), 5 pending."""


def outcome_cells(row: Any) -> tuple[Total, ...]:
    """A dashboard row's outcome cells: on time, late, failed, overdue, pending."""
    return (row.on_time, row.late, row.failed, row.overdue, row.pending)


def every_outcome(holder: Any, other: Any) -> None:
    """`holder` with a cell of every outcome due in 2026 Q1 (5 on time, 4 late, 6 failed, 7
    overdue, 5 pending) and 6 redirects away from it to `other`; `other` with 3 on time of
    another measure type; left out of the quarter: cancelled measures and those due in the next."""
    hearing_aid, wheelchair = MeasureTypeFactory.create(), MeasureTypeFactory.create()
    delivered = {"status": MeasureStatus.DELIVERED}
    # 5 on time, delivered 40, 41, 42, 43 and 44 days after assignment (10 January).
    for days in range(40, 45):
        measures(
            holder,
            hearing_aid,
            1,
            delivered_on=dt.date(2026, 1, 10) + dt.timedelta(days),
            **delivered,
        )
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
    # Left out of the quarter: cancelled, and due in the next quarter.
    measures(holder, hearing_aid, 5, status=MeasureStatus.CANCELLED)
    measures(holder, wheelchair, 5, due_on=dt.date(2026, 4, 2))
    # The other organisation, the other type: 3 on time.
    measures(other, wheelchair, 3, delivered_on=dt.date(2026, 2, 1), **delivered)
    # 6 redirects away from the holder in the quarter (one measure's handoff each).
    open_measures = list(Measure.objects.filter(organisation=holder, due_on=DUE, status="assigned"))
    for measure in open_measures[:6]:
        Handoff.objects.create(
            measure=measure,
            from_organisation=holder,
            to_organisation=other,
            at=ASSIGNED + dt.timedelta(days=3),
            due_on=DUE,
        )
