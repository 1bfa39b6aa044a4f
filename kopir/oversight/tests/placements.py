"""Job placements made to measure for the dashboards' tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kopir.directory.tests.factories import next_bin
from kopir.rehabilitation.models import Placement
from kopir.rehabilitation.tests.factories import MeasureFactory

STARTED = dt.date(2026, 2, 10)


def placed(
    count: int,
    territory: Any,
    *,
    on_quota: bool = False,
    start: dt.date = STARTED,
    holder: Any = None,
    person: Any = None,
) -> list[Placement]:
    """`count` persons living in `territory`, each placed once in a job starting on `start`,
    by a job-placement measure `holder` holds (an organisation of its own when None); or, given
    `person`, that one person `count` times, by a measure of their own each time."""
    rows = []
    for _ in range(count):
        fields = {"organisation": holder} if holder is not None else {}
        if person is not None:
            fields["person"] = person
        measure = MeasureFactory.create(territory=territory, **fields)
        rows.append(
            Placement.objects.create(
                measure=measure,
                employer_bin=next_bin(),
                employer_name="ЖШС Сынақ",
                position="Оператор",
                start_date=start,
                on_quota_job=on_quota,
            )
        )
    return rows
